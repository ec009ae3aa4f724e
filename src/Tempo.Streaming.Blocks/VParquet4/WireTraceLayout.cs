using System.Buffers.Binary;
using Google.Protobuf;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Wire;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// The row shape of one <see cref="EncodedTrace"/>, read from the protobuf bytes without building objects: its
/// resource groups, scope groups and spans in row order, with the span fields the trace level and the nested-set model
/// need. Fragments combine as <see cref="TraceFragmentCombiner.CombineOne"/> combines parsed ones (the first whole,
/// later ones only unseen (span ID, kind) tokens, groups left empty dropped).
/// <para>
/// The row writer reads strings as the stored UTF-8 bytes, so it must see the bytes Google.Protobuf would give: a
/// fragment with an invalid UTF-8 string (decoded with U+FFFD replacements), or a singular field or a oneof present
/// more than once (last wins, messages merge) is first re-encoded through Google.Protobuf, which yields exactly those
/// values once each. Known fields with another wire type are skipped as unknown, as Google.Protobuf does. Clients do
/// not send such encodings; the scan checks for them on the way.
/// </para>
/// Reused across traces; not thread-safe.
/// </summary>
internal sealed class WireTraceLayout
{
    internal struct ResourceGroup
    {
        public int Fragment;
        public int ResourceStart;
        public int ResourceLength; // -1: no Resource field
        public int FirstAttribute; // in Attributes
        public int AttributeCount;
        public uint DroppedAttributesCount;
        public int FirstScope;
        public int ScopeCount;
    }

    internal struct ScopeGroup
    {
        public int ScopeStart;
        public int ScopeLength; // -1: no InstrumentationScope field
        public int FirstSpan;
        public int SpanCount;
    }

    internal struct SpanEntry
    {
        public int Resource; // index of its resource group
        public int Start;
        public int Length;
        public int NameStart;
        public int NameLength;
        public int FirstAttribute; // in Attributes
        public int AttributeCount;
        public ulong IdKey;
        public ulong ParentKey;
        public bool HasParent;
        public int Kind;
        public ulong StartNanos;
        public ulong EndNanos;
        public int StatusCode;
        public bool HasEvents;
        public bool HasLinks;
        public ulong Token;
    }

    private ReadOnlyMemory<byte>[] _fragments = new ReadOnlyMemory<byte>[4];
    private readonly HashSet<ulong> _seen = [];
    private bool _checkUtf8; // false for bytes Google.Protobuf just wrote (EncodedTrace.Of)

    public ResourceGroup[] Resources = new ResourceGroup[8];
    public ScopeGroup[] Scopes = new ScopeGroup[8];
    public SpanEntry[] Spans = new SpanEntry[64];
    /// <summary>The attributes of the resources and spans (each names its range), read once for the whole row.</summary>
    public WireAttribute[] Attributes = new WireAttribute[256];
    public int ResourceCount;
    public int ScopeCount;
    public int SpanCount;
    public int AttributeCount;

    /// <summary>Fragment <paramref name="index"/> as the layout's offsets refer to it (re-encoded when it had to be).</summary>
    public ReadOnlySpan<byte> Fragment(int index) => _fragments[index].Span;

    public void Load(EncodedTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var fragments = trace.Fragments;
        if (_fragments.Length < fragments.Count)
        {
            _fragments = new ReadOnlyMemory<byte>[Math.Max(fragments.Count, _fragments.Length * 2)];
        }
        ResourceCount = ScopeCount = SpanCount = AttributeCount = 0;
        _checkUtf8 = !trace.Canonical;
        _seen.Clear();
        var combine = fragments.Count > 1;
        for (var f = 0; f < fragments.Count; f++)
        {
            var (resources, scopes, spans, attributes) = (ResourceCount, ScopeCount, SpanCount, AttributeCount);
            _fragments[f] = fragments[f];
            if (TryScan(f, first: f == 0, combine))
            {
                continue;
            }
            // Roll back what the scan added and read the fragment as Google.Protobuf reads it.
            (ResourceCount, ScopeCount, SpanCount, AttributeCount) = (resources, scopes, spans, attributes);
            if (combine)
            {
                _seen.Clear();
                for (var i = 0; i < SpanCount; i++)
                {
                    _seen.Add(Spans[i].Token);
                }
            }
            _fragments[f] = Trace.Parser.ParseFrom(fragments[f].Span).ToByteArray();
            _checkUtf8 = true;
            if (!TryScan(f, first: f == 0, combine))
            {
                throw new InvalidOperationException("a fragment re-encoded by Google.Protobuf still has a repeated singular field or invalid UTF-8");
            }
        }
    }

    /// <summary>Adds fragment <paramref name="f"/>'s groups and spans; false (partly added) when it must be re-encoded first.</summary>
    private bool TryScan(int f, bool first, bool combine)
    {
        var bytes = _fragments[f].Span;
        var reader = new ProtoReader(bytes, "Trace");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                var (start, length) = reader.ReadLengthDelimited(field);
                if (!ScanResourceSpans(bytes, f, start, start + length, first, combine))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        return true;
    }

    private bool ScanResourceSpans(ReadOnlySpan<byte> bytes, int f, int start, int end, bool first, bool combine)
    {
        if (ResourceCount == Resources.Length)
        {
            Array.Resize(ref Resources, Resources.Length * 2);
        }
        var index = ResourceCount++;
        Resources[index] = new ResourceGroup { Fragment = f, ResourceLength = -1, FirstScope = ScopeCount };
        var reader = new ProtoReader(bytes, start, end, "ResourceSpans");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                var (resourceStart, resourceLength) = reader.ReadLengthDelimited(field);
                if (Resources[index].ResourceLength >= 0 || !ScanResource(bytes, resourceStart, resourceStart + resourceLength, ref Resources[index]))
                {
                    return false;
                }
                Resources[index].ResourceStart = resourceStart;
                Resources[index].ResourceLength = resourceLength;
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                var (scopeStart, scopeLength) = reader.ReadLengthDelimited(field);
                if (!ScanScopeSpans(bytes, index, scopeStart, scopeStart + scopeLength, first, combine))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        Resources[index].ScopeCount = ScopeCount - Resources[index].FirstScope;
        if (!first && Resources[index].ScopeCount == 0)
        {
            ResourceCount--; // a later fragment's group without unseen spans is dropped
        }
        return true;
    }

    private bool ScanScopeSpans(ReadOnlySpan<byte> bytes, int resource, int start, int end, bool first, bool combine)
    {
        if (ScopeCount == Scopes.Length)
        {
            Array.Resize(ref Scopes, Scopes.Length * 2);
        }
        var index = ScopeCount++;
        Scopes[index] = new ScopeGroup { ScopeLength = -1, FirstSpan = SpanCount };
        var reader = new ProtoReader(bytes, start, end, "ScopeSpans");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                var (scopeStart, scopeLength) = reader.ReadLengthDelimited(field);
                if (Scopes[index].ScopeLength >= 0 || (_checkUtf8 && !ValidScope(bytes, scopeStart, scopeStart + scopeLength)))
                {
                    return false;
                }
                Scopes[index].ScopeStart = scopeStart;
                Scopes[index].ScopeLength = scopeLength;
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                var (spanStart, spanLength) = reader.ReadLengthDelimited(field);
                var attributesBefore = AttributeCount;
                if (!ScanSpan(bytes, spanStart, spanLength, out var span))
                {
                    return false;
                }
                span.Resource = resource;
                // The first fragment is kept whole (duplicates inside it included); later ones only add unseen spans.
                if (combine && !_seen.Add(span.Token) && !first)
                {
                    AttributeCount = attributesBefore;
                    continue;
                }
                if (SpanCount == Spans.Length)
                {
                    Array.Resize(ref Spans, Spans.Length * 2);
                }
                Spans[SpanCount++] = span;
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        Scopes[index].SpanCount = SpanCount - Scopes[index].FirstSpan;
        if (!first && Scopes[index].SpanCount == 0)
        {
            ScopeCount--;
        }
        return true;
    }

    private bool ScanSpan(ReadOnlySpan<byte> bytes, int start, int length, out SpanEntry span)
    {
        span = new SpanEntry { Start = start, Length = length, FirstAttribute = AttributeCount };
        ReadOnlySpan<byte> spanId = default;
        var seen = 0UL;
        var reader = new ProtoReader(bytes, start, start + length, "Span");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (!Expected(SpanWireTypes, field, wireType))
            {
                reader.Skip(field, wireType);
                continue;
            }
            if (field is not (9 or 11 or 13) && !FirstTime(ref seen, field))
            {
                return false; // a singular field twice
            }
            switch (field)
            {
                case 2:
                    spanId = reader.ReadBytes(field, wireType);
                    span.IdKey = SpanKey(spanId);
                    break;
                case 3:
                    if (!ValidUtf8(reader.ReadBytes(field, wireType))) return false;
                    break;
                case 4:
                    var parent = reader.ReadBytes(field, wireType);
                    span.HasParent = !parent.IsEmpty;
                    span.ParentKey = SpanKey(parent);
                    break;
                case 5:
                    var (nameStart, nameLength) = reader.ReadLengthDelimited(field);
                    if (!ValidUtf8(bytes.Slice(nameStart, nameLength))) return false;
                    span.NameStart = nameStart;
                    span.NameLength = nameLength;
                    break;
                case 6:
                    span.Kind = unchecked((int)reader.ReadVarint(field)); // an enum is int32: the low 32 bits
                    break;
                case 7:
                    span.StartNanos = reader.ReadFixed64(field, wireType);
                    break;
                case 8:
                    span.EndNanos = reader.ReadFixed64(field, wireType);
                    break;
                case 9:
                    var (attributeStart, attributeLength) = reader.ReadLengthDelimited(field);
                    if (!AddAttribute(bytes, attributeStart, attributeStart + attributeLength)) return false;
                    break;
                case 11:
                    var (eventStart, eventLength) = reader.ReadLengthDelimited(field);
                    if (_checkUtf8 && !ValidEvent(bytes, eventStart, eventStart + eventLength)) return false;
                    span.HasEvents = true;
                    break;
                case 13:
                    var (linkStart, linkLength) = reader.ReadLengthDelimited(field);
                    if (_checkUtf8 && !ValidLink(bytes, linkStart, linkStart + linkLength)) return false;
                    span.HasLinks = true;
                    break;
                case 15:
                    var (statusStart, statusLength) = reader.ReadLengthDelimited(field);
                    if (!ScanStatus(bytes, statusStart, statusStart + statusLength, _checkUtf8, out span.StatusCode)) return false;
                    break;
                default:
                    reader.Skip(field, wireType); // trace_id, dropped counts, flags: read again when the row is written
                    break;
            }
        }
        span.AttributeCount = AttributeCount - span.FirstAttribute;
        span.Token = TraceFragmentCombiner.SpanToken(spanId, unchecked((uint)span.Kind));
        return true;
    }

    private static bool ScanStatus(ReadOnlySpan<byte> bytes, int start, int end, bool checkUtf8, out int code)
    {
        code = 0;
        var seen = 0UL;
        var reader = new ProtoReader(bytes, start, end, "Status");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 2 && wireType == WireType.LengthDelimited)
            {
                var message = reader.ReadBytes(field, wireType);
                if (!FirstTime(ref seen, field) || (checkUtf8 && !WireUtf8.IsValid(message))) return false;
            }
            else if (field == 3 && wireType == WireType.Varint)
            {
                if (!FirstTime(ref seen, field)) return false;
                code = unchecked((int)reader.ReadVarint(field));
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        return true;
    }

    private bool ScanResource(ReadOnlySpan<byte> bytes, int start, int end, ref ResourceGroup group)
    {
        var seen = 0UL;
        group.FirstAttribute = AttributeCount;
        var reader = new ProtoReader(bytes, start, end, "Resource");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                var (kvStart, kvLength) = reader.ReadLengthDelimited(field);
                if (!AddAttribute(bytes, kvStart, kvStart + kvLength)) return false;
                group.AttributeCount++;
            }
            else if (field == 2 && wireType == WireType.Varint)
            {
                if (!FirstTime(ref seen, field)) return false;
                group.DroppedAttributesCount = unchecked((uint)reader.ReadVarint(field));
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        return true;
    }

    // The messages read again when the row is written: known fields' wire types (index = field number, -1 unknown), the
    // string fields the writer copies (bit per field) and the repeated attributes field.
    private static readonly MessageShape ScopeShape = new("InstrumentationScope", [-1, 2, 2, 2, 0], Strings: 0b110, Attributes: 3);
    private static readonly MessageShape EventShape = new("Event", [-1, 1, 2, 2, 0], Strings: 0b100, Attributes: 3);
    private static readonly MessageShape LinkShape = new("Link", [-1, 2, 2, 2, 2, 0, 5], Strings: 0b1000, Attributes: 4);

    private sealed record MessageShape(string Name, sbyte[] WireTypes, ulong Strings, int Attributes);

    private static bool ValidScope(ReadOnlySpan<byte> bytes, int start, int end) => Valid(bytes, start, end, ScopeShape);

    private static bool ValidEvent(ReadOnlySpan<byte> bytes, int start, int end) => Valid(bytes, start, end, EventShape);

    private static bool ValidLink(ReadOnlySpan<byte> bytes, int start, int end) => Valid(bytes, start, end, LinkShape);

    /// <summary>Each singular field at most once, UTF-8 strings, attributes the writer can copy; other fields are skipped.</summary>
    private static bool Valid(ReadOnlySpan<byte> bytes, int start, int end, MessageShape shape)
    {
        var seen = 0UL;
        var reader = new ProtoReader(bytes, start, end, shape.Name);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (!Expected(shape.WireTypes, field, wireType))
            {
                reader.Skip(field, wireType);
            }
            else if (field == shape.Attributes)
            {
                var (kvStart, kvLength) = reader.ReadLengthDelimited(field);
                if (!WireAttribute.TryRead(bytes, kvStart, kvStart + kvLength, out _)) return false;
            }
            else if (!FirstTime(ref seen, field))
            {
                return false;
            }
            else if ((shape.Strings & (1UL << field)) != 0)
            {
                if (!WireUtf8.IsValid(reader.ReadBytes(field, wireType))) return false;
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        return true;
    }

    private bool AddAttribute(ReadOnlySpan<byte> bytes, int start, int end)
    {
        if (AttributeCount == Attributes.Length)
        {
            Array.Resize(ref Attributes, Attributes.Length * 2);
        }
        return WireAttribute.TryRead(bytes, start, end, out Attributes[AttributeCount++], _checkUtf8);
    }

    private bool ValidUtf8(ReadOnlySpan<byte> value) => !_checkUtf8 || WireUtf8.IsValid(value);

    // Wire type of each known Span field (index = field number; -1 unknown), as generated code switches on whole tags.
    internal static readonly sbyte[] SpanWireTypes = [-1, 2, 2, 2, 2, 2, 0, 1, 1, 2, 0, 2, 0, 2, 0, 2, 5];

    internal static bool Expected(sbyte[] wireTypes, int field, WireType wireType) =>
        (uint)field < (uint)wireTypes.Length && wireTypes[field] == (sbyte)wireType;

    private static bool FirstTime(ref ulong seen, int field)
    {
        var bit = 1UL << field;
        if ((seen & bit) != 0)
        {
            return false;
        }
        seen |= bit;
        return true;
    }

    /// <summary>
    /// Tempo compares span IDs as uint64 (<c>util.SpanIDToUint64</c>): 8-byte IDs big-endian; shorter IDs are read as
    /// left-padded; longer ones are folded with FNV-1a (they are invalid OTLP and only need a stable key).
    /// </summary>
    internal static ulong SpanKey(ReadOnlySpan<byte> id)
    {
        if (id.Length == 8)
        {
            return BinaryPrimitives.ReadUInt64BigEndian(id);
        }
        if (id.Length < 8)
        {
            ulong value = 0;
            foreach (var b in id)
            {
                value = (value << 8) | b;
            }
            return value;
        }

        var hash = 14695981039346656037UL;
        foreach (var b in id)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }
}
