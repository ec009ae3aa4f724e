using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Tempo.Streaming.Server.Tests.Support;

/// <summary>Deterministic OTLP requests for pushes.</summary>
public static class Spans
{
    public static ExportTraceServiceRequest Request(int traces, int spansPerTrace, int seed)
    {
        var random = new Random(seed);
        var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = "server-tests" } };
        for (var t = 0; t < traces; t++)
        {
            var traceId = new byte[16];
            random.NextBytes(traceId);
            for (var s = 0; s < spansPerTrace; s++)
            {
                var spanId = new byte[8];
                random.NextBytes(spanId);
                scopeSpans.Spans.Add(new Span
                {
                    TraceId = ByteString.CopyFrom(traceId),
                    SpanId = ByteString.CopyFrom(spanId),
                    Name = $"op-{t}-{s}",
                    Kind = Span.Types.SpanKind.Server,
                    StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)s,
                    EndTimeUnixNano = 1_700_000_000_500_000_000UL + (ulong)s,
                    Attributes = { new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = "/orders" } } },
                });
            }
        }

        var resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "shop" } } } };
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scopeSpans } } } };
    }

    public static IEnumerable<string> SpanIds(ExportTraceServiceRequest request) =>
        request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => Convert.ToHexString(s.SpanId.Span));
}
