using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>
/// Encodes a run of consecutive shop traces as one OTLP <c>ExportTraceServiceRequest</c>, grouped the way an SDK
/// or collector batches them: one <c>ResourceSpans</c> per pod, one <c>ScopeSpans</c> per instrumentation scope.
/// Not thread-safe: each sender owns one encoder (it reuses its planning buffers between batches).
/// Field numbers: opentelemetry/proto/trace/v1/trace.proto and collector/trace/v1/trace_service.proto.
/// </summary>
public sealed class ShopBatchEncoder
{
    private readonly ShopWorkload _workload;
    private readonly ShopCatalog _catalog = ShopCatalog.Instance;
    private readonly int[] _groupCounts = new int[ShopCatalog.GroupCount];
    private readonly int[] _groupStarts = new int[ShopCatalog.GroupCount + 1];
    private readonly int[] _expandable = new int[TracePlanner.MaxSpans];
    private readonly byte[] _scratch = new byte[64];
    private PlannedTrace[] _traces = new PlannedTrace[128];
    private PlannedSpan[] _spans = new PlannedSpan[2048];
    private int[] _order = new int[2048];

    internal ShopBatchEncoder(ShopWorkload workload)
    {
        _workload = workload;
    }

    /// <summary>
    /// Writes traces [<paramref name="firstTrace"/>, <paramref name="firstTrace"/> + <paramref name="traceCount"/>)
    /// to <paramref name="writer"/> (which is reset first) and returns the number of spans written.
    /// </summary>
    public int Encode(long firstTrace, int traceCount, ProtoBufferWriter writer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstTrace);
        ArgumentOutOfRangeException.ThrowIfLessThan(traceCount, 1);
        writer.Reset();
        var spanCount = PlanTraces(firstTrace, traceCount);
        SortByGroup(spanCount);
        WriteRequest(writer);
        return spanCount;
    }

    private int PlanTraces(long firstTrace, int traceCount)
    {
        if (_traces.Length < traceCount)
        {
            _traces = new PlannedTrace[Math.Max(traceCount, _traces.Length * 2)];
        }
        var needed = traceCount * TracePlanner.MaxSpans;
        if (_spans.Length < needed)
        {
            _spans = new PlannedSpan[needed];
            _order = new int[needed];
        }

        var seed = (ulong)_workload.Seed;
        var spanCount = 0;
        for (var t = 0; t < traceCount; t++)
        {
            TracePlanner.Plan(_catalog, seed, _workload.BaseTimeUnixNano, firstTrace + t, t, ref _traces[t], _spans, spanCount,
                _expandable);
            spanCount += _traces[t].SpanCount;
        }
        return spanCount;
    }

    /// <summary>Counting sort of span indices by (resource, scope), stable so spans keep trace order.</summary>
    private void SortByGroup(int spanCount)
    {
        Array.Clear(_groupCounts);
        var spans = _spans;
        var templates = _catalog.Templates;
        for (var i = 0; i < spanCount; i++)
        {
            _groupCounts[GroupOf(spans[i].Resource, templates[spans[i].Template].Scope)]++;
        }
        var at = 0;
        for (var g = 0; g < ShopCatalog.GroupCount; g++)
        {
            _groupStarts[g] = at;
            at += _groupCounts[g];
        }
        _groupStarts[ShopCatalog.GroupCount] = at;
        Span<int> next = stackalloc int[ShopCatalog.GroupCount];
        _groupStarts.AsSpan(0, ShopCatalog.GroupCount).CopyTo(next);
        for (var i = 0; i < spanCount; i++)
        {
            _order[next[GroupOf(spans[i].Resource, templates[spans[i].Template].Scope)]++] = i;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GroupOf(int resource, ShopScope scope) => (resource * ShopCatalog.ScopeCount) + (int)scope;

    private void WriteRequest(ProtoBufferWriter writer)
    {
        for (var resource = 0; resource < ShopCatalog.ResourceCount; resource++)
        {
            var firstGroup = resource * ShopCatalog.ScopeCount;
            if (_groupStarts[firstGroup] == _groupStarts[firstGroup + ShopCatalog.ScopeCount])
            {
                continue;
            }
            var resourceFragment = _catalog.ResourceFragments[resource];
            writer.Ensure(resourceFragment.Length + 16);
            var resourceSpans = writer.BeginLengthDelimited(0x0A, 3); // ExportTraceServiceRequest.resource_spans = 1
            writer.WriteBytes(resourceFragment);                       // ResourceSpans.resource = 1
            var service = resource / ShopCatalog.PodsPerService;
            for (var scope = 0; scope < ShopCatalog.ScopeCount; scope++)
            {
                var group = firstGroup + scope;
                var from = _groupStarts[group];
                var to = _groupStarts[group + 1];
                if (from == to)
                {
                    continue;
                }
                var scopeFragment = _catalog.ScopeFragments[(service * ShopCatalog.ScopeCount) + scope];
                writer.Ensure(scopeFragment.Length + 16);
                var scopeSpans = writer.BeginLengthDelimited(0x12, 3); // ResourceSpans.scope_spans = 2
                writer.WriteBytes(scopeFragment);                       // ScopeSpans.scope = 1
                for (var i = from; i < to; i++)
                {
                    WriteSpan(writer, ref _spans[_order[i]]);
                }
                writer.EndLengthDelimited(scopeSpans);
            }
            writer.Ensure(_catalog.ResourceSchemaUrl.Length);
            writer.WriteBytes(_catalog.ResourceSchemaUrl); // ResourceSpans.schema_url = 3
            writer.EndLengthDelimited(resourceSpans);
        }
    }

    private void WriteSpan(ProtoBufferWriter writer, ref PlannedSpan span)
    {
        var template = _catalog.Templates[span.Template];
        ref var trace = ref _traces[span.Trace];
        writer.Ensure(_catalog.MaxSpanBytes);
        var marker = writer.BeginLengthDelimited(0x12, 2); // ScopeSpans.spans = 2

        writer.WriteByte(0x0A); // trace_id = 1
        writer.WriteByte(16);
        WriteTraceId(writer, trace.IdHigh, trace.IdLow);
        writer.WriteByte(0x12); // span_id = 2
        writer.WriteByte(8);
        WriteBigEndian(writer, span.SpanId);
        if (span.Parent >= 0)
        {
            writer.WriteByte(0x22); // parent_span_id = 4
            writer.WriteByte(8);
            WriteBigEndian(writer, span.ParentSpanId);
        }
        writer.WriteBytes(template.NameAndKind); // name = 5, kind = 6
        writer.WriteByte(0x39);                  // start_time_unix_nano = 7 (fixed64)
        writer.WriteFixed64((ulong)span.StartUnixNano);
        writer.WriteByte(0x41);                  // end_time_unix_nano = 8 (fixed64)
        writer.WriteFixed64((ulong)span.EndUnixNano);
        writer.WriteBytes(template.StaticAttributes); // attributes = 9
        if (template.Dynamic != DynamicAttributes.None)
        {
            WriteDynamicAttributes(writer, template, ref span, ref trace);
        }
        if (span.Error)
        {
            // events = 11: Event{time_unix_nano = 1 (fixed64), name = 2, attributes = 3}
            var eventTail = template.ExceptionEventTail;
            writer.WriteByte(0x5A);
            writer.WriteVarint((uint)(9 + eventTail.Length));
            writer.WriteByte(0x09);
            writer.WriteFixed64((ulong)(span.StartUnixNano + ((span.EndUnixNano - span.StartUnixNano) * 7 / 8)));
            writer.WriteBytes(eventTail);
        }
        if (span.HasLink)
        {
            WriteLink(writer, ref trace, template.Kind == 5 ? _catalog.ConsumerLinkAttributes : _catalog.SessionLinkAttributes);
        }
        if (span.Error)
        {
            writer.WriteBytes(template.ErrorStatus); // status = 15
        }
        writer.WriteByte(0x85); // flags = 16 (fixed32): tag 133 as a two-byte varint
        writer.WriteByte(0x01);
        writer.WriteFixed32(template.Flags);
        writer.EndLengthDelimited(marker);
    }

    private static void WriteLink(ProtoBufferWriter writer, ref PlannedTrace trace, byte[] attributes)
    {
        // links = 13: Link{trace_id = 1, span_id = 2, attributes = 4, flags = 6 (fixed32)}
        writer.WriteByte(0x6A);
        writer.WriteVarint((uint)(18 + 10 + attributes.Length + 5));
        writer.WriteByte(0x0A);
        writer.WriteByte(16);
        WriteTraceId(writer, trace.PreviousIdHigh, trace.PreviousIdLow);
        writer.WriteByte(0x12);
        writer.WriteByte(8);
        WriteBigEndian(writer, trace.PreviousRootSpanId);
        writer.WriteBytes(attributes);
        writer.WriteByte(0x35);
        writer.WriteFixed32(0x101);
    }

    private void WriteDynamicAttributes(ProtoBufferWriter writer, SpanTemplate template, ref PlannedSpan span, ref PlannedTrace trace)
    {
        var dynamic = template.Dynamic;
        var keys = _catalog.Keys;
        Span<byte> value = _scratch;
        if ((dynamic & DynamicAttributes.UrlPathProduct) != 0)
        {
            var prefix = keys.UrlPathProductPrefix;
            prefix.CopyTo(value);
            var length = prefix.Length + FormatProductCode(value[prefix.Length..], trace.ProductCode);
            WriteStringAttribute(writer, keys.UrlPath, value[..length]);
        }
        if ((dynamic & DynamicAttributes.ClientAddress) != 0)
        {
            WriteStringAttribute(writer, keys.ClientAddress, value[..FormatIpv4(value, trace.ClientAddress)]);
        }
        if ((dynamic & DynamicAttributes.UserAgent) != 0)
        {
            writer.WriteBytes(_catalog.UserAgents[trace.UserAgent]);
        }
        if ((dynamic & DynamicAttributes.HttpStatus) != 0)
        {
            var status = span.Error ? (template.Kind == 3 ? 502 : 500) : template.SuccessHttpStatus;
            WriteIntAttribute(writer, keys.HttpStatus, status);
        }
        if ((dynamic & DynamicAttributes.GrpcStatus) != 0)
        {
            // gRPC status codes: 0 OK; failures as UNAVAILABLE (14) on the client, INTERNAL (13) on the server.
            WriteIntAttribute(writer, keys.GrpcStatus, span.Error ? (template.Kind == 3 ? 14 : 13) : 0);
        }
        if ((dynamic & DynamicAttributes.UserId) != 0)
        {
            "user-"u8.CopyTo(value);
            var length = 5 + FormatDecimal(value[5..], (ulong)trace.UserNumber, 7);
            WriteStringAttribute(writer, keys.UserId, value[..length]);
        }
        if ((dynamic & DynamicAttributes.OrderId) != 0 && trace.PlacesOrder)
        {
            "ord-"u8.CopyTo(value);
            FormatHex(value[4..], trace.OrderId);
            WriteStringAttribute(writer, keys.OrderId, value[..20]);
        }
        if ((dynamic & DynamicAttributes.ProductId) != 0)
        {
            WriteStringAttribute(writer, keys.ProductId, value[..FormatProductCode(value, trace.ProductCode)]);
        }
        if ((dynamic & DynamicAttributes.CartItems) != 0)
        {
            WriteIntAttribute(writer, keys.CartItems, trace.CartItems);
        }
        if ((dynamic & DynamicAttributes.ReturnedRows) != 0)
        {
            WriteIntAttribute(writer, keys.ReturnedRows, span.Value);
        }
        if ((dynamic & DynamicAttributes.BackendPid) != 0)
        {
            WriteIntAttribute(writer, keys.BackendPid, span.Value);
        }
    }

    /// <summary>KeyValue{key = 1, value = 2: AnyValue{string_value = 1}} as a Span attribute (field 9).</summary>
    private static void WriteStringAttribute(ProtoBufferWriter writer, byte[] key, ReadOnlySpan<byte> value)
    {
        var anyValueLength = 1 + Varint.Size((uint)value.Length) + value.Length;
        writer.WriteByte(ShopCatalog.SpanAttributeTag);
        writer.WriteVarint((uint)(key.Length + 1 + Varint.Size((uint)anyValueLength) + anyValueLength));
        writer.WriteBytes(key);
        writer.WriteByte(0x12);
        writer.WriteVarint((uint)anyValueLength);
        writer.WriteByte(0x0A);
        writer.WriteVarint((uint)value.Length);
        writer.WriteBytes(value);
    }

    /// <summary>KeyValue{key = 1, value = 2: AnyValue{int_value = 3}} as a Span attribute (field 9).</summary>
    private static void WriteIntAttribute(ProtoBufferWriter writer, byte[] key, long value)
    {
        var anyValueLength = 1 + Varint.Size((ulong)value);
        writer.WriteByte(ShopCatalog.SpanAttributeTag);
        writer.WriteVarint((uint)(key.Length + 2 + anyValueLength));
        writer.WriteBytes(key);
        writer.WriteByte(0x12);
        writer.WriteByte((byte)anyValueLength);
        writer.WriteByte(0x18);
        writer.WriteVarint((ulong)value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteTraceId(ProtoBufferWriter writer, ulong high, ulong low)
    {
        WriteBigEndian(writer, high);
        WriteBigEndian(writer, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteBigEndian(ProtoBufferWriter writer, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        writer.WriteBytes(bytes);
    }

    private static int FormatProductCode(Span<byte> destination, int code)
    {
        // Product codes look like "SKU-0042917": a fixed prefix and a zero-padded catalogue number.
        "SKU-"u8.CopyTo(destination);
        return 4 + FormatDecimal(destination[4..], (ulong)code, 7);
    }

    private static int FormatDecimal(Span<byte> destination, ulong value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        return width;
    }

    private static void FormatHex(Span<byte> destination, ulong value)
    {
        for (var i = 15; i >= 0; i--)
        {
            destination[i] = (byte)"0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>A client address in 10.0.0.0/8 (the shop sits behind an internal load balancer).</summary>
    private static int FormatIpv4(Span<byte> destination, uint address)
    {
        var at = 0;
        destination[at++] = (byte)'1';
        destination[at++] = (byte)'0';
        for (var shift = 16; shift >= 0; shift -= 8)
        {
            destination[at++] = (byte)'.';
            var octet = (address >> shift) & 0xFF;
            if (octet >= 100)
            {
                destination[at++] = (byte)('0' + (octet / 100));
            }
            if (octet >= 10)
            {
                destination[at++] = (byte)('0' + (octet / 10 % 10));
            }
            destination[at++] = (byte)('0' + (octet % 10));
        }
        return at;
    }
}
