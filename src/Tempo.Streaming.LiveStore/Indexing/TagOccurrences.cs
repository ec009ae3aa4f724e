using System.Buffers.Text;
using System.Text;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.LiveStore.Indexing;

/// <summary>
/// The tag names and values one fragment carries, per minute, collected into one reusable byte arena so indexing a
/// span allocates nothing. An occurrence with an empty value (<see cref="TagValueType"/> 0) records only the name —
/// attributes whose values are arrays, maps or bytes are discoverable by name but have no listable value.
/// </summary>
internal sealed class TagOccurrences
{
    private byte[] _arena = new byte[4096];
    private int _used;
    private readonly List<TagOccurrence> _items = [];

    public int Count => _items.Count;

    public TagOccurrence this[int index] => _items[index];

    public ReadOnlySpan<byte> Name(in TagOccurrence occurrence) => _arena.AsSpan(occurrence.NameStart, occurrence.NameLength);

    public ReadOnlySpan<byte> Value(in TagOccurrence occurrence) => _arena.AsSpan(occurrence.ValueStart, occurrence.ValueLength);

    public void Clear()
    {
        _items.Clear();
        _used = 0;
    }

    public void AddString(uint minute, AttributeScope scope, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        Add(minute, scope, name, TagValueType.String, value);

    public void AddNameOnly(uint minute, AttributeScope scope, ReadOnlySpan<byte> name) => Add(minute, scope, name, 0, default);

    public void AddInt(uint minute, AttributeScope scope, ReadOnlySpan<byte> name, long value)
    {
        Span<byte> text = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, text, out var written);
        Add(minute, scope, name, TagValueType.Int, text[..written]);
    }

    public void AddBool(uint minute, AttributeScope scope, ReadOnlySpan<byte> name, bool value) =>
        Add(minute, scope, name, TagValueType.Bool, value ? "true"u8 : "false"u8);

    public void AddFloat(uint minute, AttributeScope scope, ReadOnlySpan<byte> name, double value)
    {
        var text = GoFloat.FormatG(value);
        Span<byte> utf8 = stackalloc byte[32];
        var written = Encoding.ASCII.GetBytes(text, utf8);
        Add(minute, scope, name, TagValueType.Float, utf8[..written]);
    }

    private void Add(uint minute, AttributeScope scope, ReadOnlySpan<byte> name, TagValueType type, ReadOnlySpan<byte> value)
    {
        if (name.Length == 0 || name.Length > Storage.LiveStoreKeys.MaxIndexedNameLength)
        {
            return;
        }

        var needed = name.Length + value.Length;
        if (_used + needed > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + needed));
        }

        var nameStart = _used;
        name.CopyTo(_arena.AsSpan(_used));
        _used += name.Length;
        var valueStart = _used;
        value.CopyTo(_arena.AsSpan(_used));
        _used += value.Length;
        _items.Add(new TagOccurrence(minute, scope, type, nameStart, name.Length, valueStart, value.Length));
    }
}

/// <param name="Type">0 when only the name is recorded.</param>
internal readonly record struct TagOccurrence(uint Minute, AttributeScope Scope, TagValueType Type,
    int NameStart, int NameLength, int ValueStart, int ValueLength);
