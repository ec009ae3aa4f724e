using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.IngestLog;
using PushBytesRequest = Tempo.Streaming.Tempopb.PushBytesRequest;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using TempoTrace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>Builds trace fragments and ingest-log records exactly as the distributor writes them.</summary>
internal static class TestTraces
{
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static byte[] TraceId(int n)
    {
        var id = new byte[16];
        id[0] = 0xA0;
        BitConverter.GetBytes(n).CopyTo(id, 12);
        return id;
    }

    public static byte[] SpanId(int n)
    {
        var id = new byte[8];
        id[0] = 0x5B;
        BitConverter.GetBytes(n).CopyTo(id, 4);
        return id;
    }

    public static ulong Nanos(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100UL;

    public static Span NewSpan(byte[] traceId, int spanNumber, int? parent = null, string name = "op",
        DateTimeOffset? start = null, params (string Key, AnyValue Value)[] attributes)
    {
        var begin = start ?? BaseTime;
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(SpanId(spanNumber)),
            Name = name,
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = Nanos(begin),
            EndTimeUnixNano = Nanos(begin.AddMilliseconds(20)),
        };
        if (parent is { } p)
        {
            span.ParentSpanId = ByteString.CopyFrom(SpanId(p));
        }

        foreach (var (key, value) in attributes)
        {
            span.Attributes.Add(new KeyValue { Key = key, Value = value });
        }

        return span;
    }

    public static AnyValue Str(string value) => new() { StringValue = value };

    public static AnyValue Int(long value) => new() { IntValue = value };

    public static AnyValue Dbl(double value) => new() { DoubleValue = value };

    public static AnyValue Bool(bool value) => new() { BoolValue = value };

    public static TempoTrace Fragment(string service, params Span[] spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test-lib", Version = "1.2.3" } };
        scope.Spans.Add(spans);
        var resourceSpans = new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = Str(service) } } },
        };
        resourceSpans.ScopeSpans.Add(scope);
        var trace = new TempoTrace();
        trace.ResourceSpans.Add(resourceSpans);
        return trace;
    }

    /// <summary>One record: key = tenant, value = PushBytesRequest of the fragments.</summary>
    public static IngestRecord Record(string tenant, params (byte[] TraceId, TempoTrace Fragment)[] fragments)
    {
        var request = new PushBytesRequest();
        foreach (var (traceId, fragment) in fragments)
        {
            request.Traces.Add(fragment.ToByteString());
            request.Ids.Add(ByteString.CopyFrom(traceId));
        }

        return new IngestRecord(System.Text.Encoding.UTF8.GetBytes(tenant), request.ToByteArray(), BaseTime);
    }

    public static IngestRecord RawRecord(string tenant, byte[] value) =>
        new(System.Text.Encoding.UTF8.GetBytes(tenant), value, BaseTime);

    /// <summary>Every span of the fragments, by span ID hex, counting duplicates.</summary>
    public static List<string> SpanIds(IEnumerable<ReadOnlyMemory<byte>> fragments)
    {
        var ids = new List<string>();
        foreach (var fragment in fragments)
        {
            var trace = TempoTrace.Parser.ParseFrom(fragment.Span);
            foreach (var rs in trace.ResourceSpans)
            {
                foreach (var ss in rs.ScopeSpans)
                {
                    foreach (var span in ss.Spans)
                    {
                        ids.Add(Convert.ToHexStringLower(span.SpanId.Span));
                    }
                }
            }
        }

        return ids;
    }
}
