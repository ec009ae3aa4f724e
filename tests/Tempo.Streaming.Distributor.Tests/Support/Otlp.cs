using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.Tempopb;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace Tempo.Streaming.Distributor.Tests.Support;

/// <summary>Builders for OTLP requests (Google.Protobuf classes) and decoders for the records the distributor writes.</summary>
internal static class Otlp
{
    /// <summary>A random-looking but deterministic trace ID per number, like real (random) trace IDs.</summary>
    public static byte[] TraceId(int n)
    {
        var id = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n))[..16];
        id[0] |= 1; // never all zero
        return id;
    }

    public static byte[] SpanId(int n) => [0xB7, 0xAD, 0x6B, 0x71, 0x69, 0x20, 0x33, (byte)(n + 1)];

    public static KeyValue Attribute(string key, string value) =>
        new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attribute(string key, long value) =>
        new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static Resource Resource(string service) =>
        new() { Attributes = { Attribute("service.name", service), Attribute("host.name", service + "-host") } };

    public static InstrumentationScope Scope(string name) =>
        new() { Name = name, Version = "1.2.3", Attributes = { Attribute("scope.kind", name) } };

    public static Span Span(int trace, int span, string name, byte[]? traceId = null, byte[]? spanId = null) =>
        new()
        {
            TraceId = ByteString.CopyFrom(traceId ?? TraceId(trace)),
            SpanId = ByteString.CopyFrom(spanId ?? SpanId(span)),
            Name = name,
            Kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server,
            StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)span,
            EndTimeUnixNano = 1_700_000_000_100_000_000UL + (ulong)span,
            Attributes = { Attribute("http.request.method", "GET"), Attribute("span.index", span) },
            Status = new Status { Code = Status.Types.StatusCode.Ok },
        };

    /// <summary>Appends an unknown varint field (number 1000) to a message, as a newer client version might send.</summary>
    public static T WithUnknownField<T>(T message, MessageParser<T> parser) where T : IMessage<T>
    {
        var bytes = message.ToByteArray().Concat(new byte[] { 0xC0, 0x3E, 0x2A }).ToArray(); // field 1000, varint 42
        return parser.ParseFrom(bytes);
    }

    public static byte[] Bytes(params ResourceSpans[] resourceSpans)
    {
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.AddRange(resourceSpans);
        return request.ToByteArray();
    }

    public static ResourceSpans ResourceSpans(Resource? resource, string? schemaUrl, params ScopeSpans[] scopes)
    {
        var rs = new ResourceSpans { Resource = resource, SchemaUrl = schemaUrl ?? "" };
        rs.ScopeSpans.AddRange(scopes);
        return rs;
    }

    public static ScopeSpans ScopeSpans(InstrumentationScope? scope, string? schemaUrl, params Span[] spans)
    {
        var ss = new ScopeSpans { Scope = scope, SchemaUrl = schemaUrl ?? "" };
        ss.Spans.AddRange(spans);
        return ss;
    }

    /// <summary>Every trace in the log: partition, record, the trace and its ID.</summary>
    public static List<WrittenTrace> Decode(RecordingIngestLog log)
    {
        var result = new List<WrittenTrace>();
        foreach (var record in log.AllRecords())
        {
            var request = PushBytesRequest.Parser.ParseFrom(record.Value.Span);
            request.Traces.Count.Should().Be(request.Ids.Count, "ids are parallel to traces");
            for (var i = 0; i < request.Traces.Count; i++)
            {
                result.Add(new WrittenTrace(record, Trace.Parser.ParseFrom(request.Traces[i]), request.Ids[i].ToByteArray(),
                    request.Traces[i].ToByteArray()));
            }
        }

        return result;
    }
}

internal sealed record WrittenTrace(LogRecord Record, Trace Trace, byte[] Id, byte[] TraceBytes)
{
    public IEnumerable<Span> Spans => Trace.ResourceSpans.SelectMany(rs => rs.ScopeSpans).SelectMany(ss => ss.Spans);
}
