using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.LiveStore.Storage;

namespace Tempo.Streaming.LiveStore.Indexing;

/// <summary>
/// Reads one stored fragment (a marshalled <c>tempopb.Trace</c>) straight from its wire bytes — no object model —
/// and reports what the live store indexes: span count, the time range covered, and every tag name/value occurrence
/// by scope and minute (span, resource, event, link and instrumentation attributes; the intrinsics listed in
/// <see cref="Intrinsics.Indexed"/>). Resource and scope tags are recorded once for each minute their spans start in.
/// Malformed bytes throw <see cref="InvalidProtobufException"/>; the caller treats the whole record as undecodable.
/// Occurrences go to the <see cref="TagKeyBuilder"/> given to <see cref="Index"/>. One instance per consumer; not thread-safe.
/// </summary>
internal sealed class FragmentIndexer
{
    private static readonly byte[] ServiceNameKey = "service.name"u8.ToArray();
    private static readonly byte[] NameIntrinsic = "name"u8.ToArray();
    private static readonly byte[] StatusMessageIntrinsic = "statusMessage"u8.ToArray();
    private static readonly byte[] RootNameIntrinsic = "rootName"u8.ToArray();
    private static readonly byte[] RootServiceNameIntrinsic = "rootServiceName"u8.ToArray();
    private static readonly byte[] EventNameIntrinsic = "event:name"u8.ToArray();
    private static readonly byte[] ScopeNameIntrinsic = "instrumentation:name"u8.ToArray();
    private static readonly byte[] ScopeVersionIntrinsic = "instrumentation:version"u8.ToArray();

    private readonly List<uint> _resourceMinutes = [];
    private readonly List<uint> _scopeMinutes = [];

    private TagKeyBuilder Tags { get; set; } = null!; // set by Index

    public int Spans { get; private set; }

    public ulong StartUnixNanos { get; private set; }

    public ulong EndUnixNanos { get; private set; }

    public void Index(ReadOnlySpan<byte> fragment, TagKeyBuilder tags)
    {
        Tags = tags;
        Spans = 0;
        StartUnixNanos = ulong.MaxValue;
        EndUnixNanos = 0;

        var trace = new ProtoReader(fragment, "Trace");
        while (trace.TryReadTag(out var field, out var wireType))
        {
            if (field == 1)
            {
                var (start, length) = trace.ReadLengthDelimited(field, wireType);
                IndexResourceSpans(fragment, start, start + length);
            }
            else
            {
                trace.Skip(field, wireType);
            }
        }

        if (Spans == 0)
        {
            StartUnixNanos = 0;
        }
    }

    private void IndexResourceSpans(ReadOnlySpan<byte> payload, int start, int end)
    {
        _resourceMinutes.Clear();
        int resourceStart = -1, resourceEnd = -1;
        ReadOnlySpan<byte> serviceName = default;

        // The resource usually precedes the scope spans, but protobuf allows any order: find it first.
        var rs = new ProtoReader(payload, start, end, "ResourceSpans");
        while (rs.TryReadTag(out var field, out var wireType))
        {
            if (field == 1)
            {
                (resourceStart, var length) = rs.ReadLengthDelimited(field, wireType);
                resourceEnd = resourceStart + length;
                serviceName = FindStringAttribute(payload, resourceStart, resourceEnd, ServiceNameKey);
            }
            else
            {
                rs.Skip(field, wireType);
            }
        }

        rs = new ProtoReader(payload, start, end, "ResourceSpans");
        while (rs.TryReadTag(out var field, out var wireType))
        {
            if (field == 2)
            {
                var (scopeStart, length) = rs.ReadLengthDelimited(field, wireType);
                IndexScopeSpans(payload, scopeStart, scopeStart + length, serviceName);
            }
            else
            {
                rs.Skip(field, wireType);
            }
        }

        if (resourceStart < 0)
        {
            return;
        }

        foreach (var minute in _resourceMinutes)
        {
            var resource = new ProtoReader(payload, resourceStart, resourceEnd, "Resource");
            while (resource.TryReadTag(out var field, out var wireType))
            {
                if (field == 1)
                {
                    var (kvStart, length) = resource.ReadLengthDelimited(field, wireType);
                    AddAttribute(payload, kvStart, kvStart + length, minute, AttributeScope.Resource);
                }
                else
                {
                    resource.Skip(field, wireType);
                }
            }
        }
    }

    private void IndexScopeSpans(ReadOnlySpan<byte> payload, int start, int end, ReadOnlySpan<byte> serviceName)
    {
        _scopeMinutes.Clear();
        int scopeStart = -1, scopeEnd = -1;
        var ss = new ProtoReader(payload, start, end, "ScopeSpans");
        while (ss.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    (scopeStart, var scopeLength) = ss.ReadLengthDelimited(field, wireType);
                    scopeEnd = scopeStart + scopeLength;
                    break;
                case 2:
                    var (spanStart, spanLength) = ss.ReadLengthDelimited(field, wireType);
                    var minute = IndexSpan(payload, spanStart, spanStart + spanLength, serviceName);
                    AddMinute(_scopeMinutes, minute);
                    AddMinute(_resourceMinutes, minute);
                    break;
                default:
                    ss.Skip(field, wireType);
                    break;
            }
        }

        if (scopeStart < 0)
        {
            return;
        }

        foreach (var minute in _scopeMinutes)
        {
            var scope = new ProtoReader(payload, scopeStart, scopeEnd, "InstrumentationScope");
            while (scope.TryReadTag(out var field, out var wireType))
            {
                switch (field)
                {
                    case 1:
                        Tags.AddString(minute, AttributeScope.Intrinsic, ScopeNameIntrinsic, scope.ReadBytes(field, wireType));
                        break;
                    case 2:
                        Tags.AddString(minute, AttributeScope.Intrinsic, ScopeVersionIntrinsic, scope.ReadBytes(field, wireType));
                        break;
                    case 3:
                        var (kvStart, length) = scope.ReadLengthDelimited(field, wireType);
                        AddAttribute(payload, kvStart, kvStart + length, minute, AttributeScope.Instrumentation);
                        break;
                    default:
                        scope.Skip(field, wireType);
                        break;
                }
            }
        }
    }

    /// <returns>The minute the span starts in.</returns>
    private uint IndexSpan(ReadOnlySpan<byte> payload, int start, int end, ReadOnlySpan<byte> serviceName)
    {
        // Pass 1: the fields every occurrence depends on (start time, root-ness, name).
        ulong startNanos = 0, endNanos = 0;
        var isRoot = true;
        ReadOnlySpan<byte> name = default;
        var span = new ProtoReader(payload, start, end, "Span");
        while (span.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 4:
                    var parent = span.ReadBytes(field, wireType);
                    isRoot = parent.IndexOfAnyExcept((byte)0) < 0;
                    break;
                case 5:
                    name = span.ReadBytes(field, wireType);
                    break;
                case 7:
                    startNanos = span.ReadFixed64(field, wireType);
                    break;
                case 8:
                    endNanos = span.ReadFixed64(field, wireType);
                    break;
                default:
                    span.Skip(field, wireType);
                    break;
            }
        }

        Spans++;
        StartUnixNanos = Math.Min(StartUnixNanos, startNanos);
        EndUnixNanos = Math.Max(EndUnixNanos, Math.Max(endNanos, startNanos));
        var minute = LiveStoreKeys.MinuteOf(startNanos);

        Tags.AddString(minute, AttributeScope.Intrinsic, NameIntrinsic, name);
        if (isRoot)
        {
            Tags.AddString(minute, AttributeScope.Intrinsic, RootNameIntrinsic, name);
            if (!serviceName.IsEmpty)
            {
                Tags.AddString(minute, AttributeScope.Intrinsic, RootServiceNameIntrinsic, serviceName);
            }
        }

        // Pass 2: attributes, events, links, status message.
        span = new ProtoReader(payload, start, end, "Span");
        while (span.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 9:
                    var (kvStart, kvLength) = span.ReadLengthDelimited(field, wireType);
                    AddAttribute(payload, kvStart, kvStart + kvLength, minute, AttributeScope.Span);
                    break;
                case 11:
                    var (eventStart, eventLength) = span.ReadLengthDelimited(field, wireType);
                    IndexEvent(payload, eventStart, eventStart + eventLength, minute);
                    break;
                case 13:
                    var (linkStart, linkLength) = span.ReadLengthDelimited(field, wireType);
                    IndexAttributesOf(payload, linkStart, linkStart + linkLength, "Link", 4, minute, AttributeScope.Link);
                    break;
                case 15:
                    IndexStatus(payload, span.ReadLengthDelimited(field, wireType), minute);
                    break;
                default:
                    span.Skip(field, wireType);
                    break;
            }
        }

        return minute;
    }

    private void IndexEvent(ReadOnlySpan<byte> payload, int start, int end, uint minute)
    {
        var evt = new ProtoReader(payload, start, end, "Event");
        while (evt.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 2:
                    Tags.AddString(minute, AttributeScope.Intrinsic, EventNameIntrinsic, evt.ReadBytes(field, wireType));
                    break;
                case 3:
                    var (kvStart, length) = evt.ReadLengthDelimited(field, wireType);
                    AddAttribute(payload, kvStart, kvStart + length, minute, AttributeScope.Event);
                    break;
                default:
                    evt.Skip(field, wireType);
                    break;
            }
        }
    }

    private void IndexStatus(ReadOnlySpan<byte> payload, (int Start, int Length) status, uint minute)
    {
        var reader = new ProtoReader(payload, status.Start, status.Start + status.Length, "Status");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 2)
            {
                var message = reader.ReadBytes(field, wireType);
                if (!message.IsEmpty)
                {
                    Tags.AddString(minute, AttributeScope.Intrinsic, StatusMessageIntrinsic, message);
                }
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    private void IndexAttributesOf(ReadOnlySpan<byte> payload, int start, int end, string message, int attributesField,
        uint minute, AttributeScope scope)
    {
        var reader = new ProtoReader(payload, start, end, message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == attributesField)
            {
                var (kvStart, length) = reader.ReadLengthDelimited(field, wireType);
                AddAttribute(payload, kvStart, kvStart + length, minute, scope);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
    }

    private void AddAttribute(ReadOnlySpan<byte> payload, int start, int end, uint minute, AttributeScope scope)
    {
        ReadOnlySpan<byte> key = default;
        int valueStart = -1, valueEnd = -1;
        var kv = new ProtoReader(payload, start, end, "KeyValue");
        while (kv.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    key = kv.ReadBytes(field, wireType);
                    break;
                case 2:
                    (valueStart, var length) = kv.ReadLengthDelimited(field, wireType);
                    valueEnd = valueStart + length;
                    break;
                default:
                    kv.Skip(field, wireType);
                    break;
            }
        }

        if (valueStart < 0)
        {
            Tags.AddNameOnly(minute, scope, key);
            return;
        }

        // AnyValue is a oneof: the last value field on the wire wins.
        var kind = 0;
        ReadOnlySpan<byte> text = default;
        ulong scalar = 0;
        var value = new ProtoReader(payload, valueStart, valueEnd, "AnyValue");
        while (value.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    text = value.ReadBytes(field, wireType);
                    kind = 1;
                    break;
                case 2:
                case 3:
                    scalar = value.ReadVarint(field, wireType);
                    kind = field;
                    break;
                case 4:
                    scalar = value.ReadFixed64(field, wireType);
                    kind = 4;
                    break;
                default:
                    value.Skip(field, wireType);
                    kind = field is 5 or 6 or 7 ? 0 : kind;
                    break;
            }
        }

        switch (kind)
        {
            case 1:
                Tags.AddString(minute, scope, key, text);
                break;
            case 2:
                Tags.AddBool(minute, scope, key, scalar != 0);
                break;
            case 3:
                Tags.AddInt(minute, scope, key, (long)scalar);
                break;
            case 4:
                Tags.AddFloat(minute, scope, key, BitConverter.Int64BitsToDouble((long)scalar));
                break;
            default:
                Tags.AddNameOnly(minute, scope, key);
                break;
        }
    }

    private static ReadOnlySpan<byte> FindStringAttribute(ReadOnlySpan<byte> payload, int start, int end, ReadOnlySpan<byte> wanted)
    {
        ReadOnlySpan<byte> found = default;
        var resource = new ProtoReader(payload, start, end, "Resource");
        while (resource.TryReadTag(out var field, out var wireType))
        {
            if (field != 1)
            {
                resource.Skip(field, wireType);
                continue;
            }

            var kv = new ProtoReader(resource.ReadBytes(field, wireType), "KeyValue");
            ReadOnlySpan<byte> key = default;
            ReadOnlySpan<byte> value = default;
            while (kv.TryReadTag(out var kvField, out var kvWire))
            {
                if (kvField == 1)
                {
                    key = kv.ReadBytes(kvField, kvWire);
                }
                else if (kvField == 2)
                {
                    value = kv.ReadBytes(kvField, kvWire);
                }
                else
                {
                    kv.Skip(kvField, kvWire);
                }
            }

            if (key.SequenceEqual(wanted) && !value.IsEmpty)
            {
                var any = new ProtoReader(value, "AnyValue");
                while (any.TryReadTag(out var anyField, out var anyWire))
                {
                    if (anyField == 1)
                    {
                        found = any.ReadBytes(anyField, anyWire);
                    }
                    else
                    {
                        any.Skip(anyField, anyWire);
                    }
                }
            }
        }

        return found;
    }

    private static void AddMinute(List<uint> minutes, uint minute)
    {
        if (!minutes.Contains(minute))
        {
            minutes.Add(minute);
        }
    }
}
