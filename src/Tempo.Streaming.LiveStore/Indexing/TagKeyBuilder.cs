using System.Buffers.Text;
using System.Text;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.LiveStore.Consumption;
using Tempo.Streaming.LiveStore.Storage;

namespace Tempo.Streaming.LiveStore.Indexing;

/// <summary>
/// Turns the tag occurrences <see cref="FragmentIndexer"/> reports into the fragment's distinct tag-index keys
/// (<see cref="LiveStoreKeys"/>: a name key per minute, scope and name; a value key per minute, scope, name, type and
/// value), appended to an <see cref="IndexKeys"/>. A value seen on many spans of one fragment repeats, so each
/// occurrence is first hashed straight from the fragment's bytes and its key bytes are built only the first time:
/// copying every occurrence before deduplicating was the largest cost of consumption. An occurrence with no value
/// (attributes whose values are arrays, maps or bytes) records only the name. Keys the store already wrote (its
/// <see cref="WrittenKeyCache"/>) are not built at all: nearly every occurrence is a key written earlier in the same
/// minute. One instance per consumer; not thread-safe.
/// </summary>
internal sealed class TagKeyBuilder
{
    private readonly HashFilter _seen = new();
    private readonly WrittenKeyCache? _written;
    private byte[] _key = new byte[1024];
    private IndexKeys _keys = new();
    private byte[] _tenantPrefix = [];
    private ulong _tenantSeed;

    /// <param name="written">Keys not to build; null: build every key.</param>
    public TagKeyBuilder(WrittenKeyCache? written)
    {
        _written = written;
    }

    /// <summary>Starts a fragment of the tenant with key prefix <paramref name="tenantPrefix"/>; its keys go to <paramref name="keys"/>.</summary>
    public void Begin(byte[] tenantPrefix, ulong tenantSeed, IndexKeys keys)
    {
        _tenantPrefix = tenantPrefix;
        _tenantSeed = tenantSeed;
        _keys = keys;
        _seen.Clear();
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

    /// <param name="type">0 when only the name is recorded.</param>
    private void Add(uint minute, AttributeScope scope, ReadOnlySpan<byte> name, TagValueType type, ReadOnlySpan<byte> value)
    {
        if (name.Length == 0 || name.Length > LiveStoreKeys.MaxIndexedNameLength)
        {
            return;
        }

        // The hashes cover what the keys hold (tenant, minute, scope, name, type, value), so the applier's cache of
        // written keys can use them too.
        var nameHash = KeyHash.Of(name, KeyHash.Mix(_tenantSeed, ((ulong)minute << 8) | (byte)scope));
        if (_seen.Add(nameHash) && _written?.Contains(nameHash) != true)
        {
            EnsureKeyCapacity(_tenantPrefix.Length + 6 + name.Length);
            var length = LiveStoreKeys.WriteTagNamePrefix(_key, _tenantPrefix, minute, scope);
            name.CopyTo(_key.AsSpan(length));
            _keys.Add(_key.AsSpan(0, length + name.Length), nameHash);
        }

        if (type == 0)
        {
            return;
        }

        var valueHash = KeyHash.Of(value, KeyHash.Mix(nameHash, (ulong)type));
        if (_seen.Add(valueHash) && _written?.Contains(valueHash) != true)
        {
            EnsureKeyCapacity(_tenantPrefix.Length + 9 + name.Length + value.Length);
            var length = LiveStoreKeys.WriteTagValuePrefix(_key, _tenantPrefix, minute, scope, name);
            _key[length++] = (byte)type;
            value.CopyTo(_key.AsSpan(length));
            _keys.Add(_key.AsSpan(0, length + value.Length), valueHash);
        }
    }

    private void EnsureKeyCapacity(int length)
    {
        if (_key.Length < length)
        {
            _key = new byte[Math.Max(length, _key.Length * 2)];
        }
    }
}
