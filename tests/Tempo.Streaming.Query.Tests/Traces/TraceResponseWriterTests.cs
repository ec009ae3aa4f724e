using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Query.Traces;
using Tempo.Streaming.Receivers.Otlp;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Tests.Traces;

public class TraceResponseWriterTests
{
    private static byte[] Write(Action<IBufferWriter<byte>> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(output);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void V1_json_matches_golden() =>
        GoldenJson.Matches(Write(o => TraceResponseWriter.WriteV1Json(o, SampleTraces.Everything())), "v1-everything");

    [Fact]
    public void V2_json_matches_golden_for_a_partial_result() =>
        GoldenJson.Matches(Write(o => TraceResponseWriter.WriteV2Json(o, new TraceLookupResult(
            SampleTraces.Everything(), Partial: true, "Trace exceeds maximum size of 100 bytes, a partial trace is returned", 12345))),
            "v2-everything-partial");

    [Fact]
    public void V2_json_of_a_complete_result_omits_status_and_message() =>
        Encoding.UTF8.GetString(Write(o => TraceResponseWriter.WriteV2Json(o, new TraceLookupResult(
                SampleTraces.TraceOf(SampleTraces.Batch("svc", SampleTraces.NewSpan(1, 5))), false, null, 0))))
            .Should().Be("{\"trace\":{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]}," +
                         "\"scopeSpans\":[{\"scope\":{\"name\":\"lib\"},\"spans\":[{\"traceId\":\"CvdlGRbNQ92ESOshHIAxnA==\",\"spanId\":\"AAAAAAAAAAE=\"," +
                         "\"name\":\"span-1\",\"kind\":\"SPAN_KIND_INTERNAL\",\"startTimeUnixNano\":\"5\",\"endTimeUnixNano\":\"1000005\"}]}]}]},\"metrics\":{}}");

    [Fact]
    public void V2_json_of_a_missing_trace_is_an_empty_trace_with_metrics() =>
        Encoding.UTF8.GetString(Write(o => TraceResponseWriter.WriteV2Json(o, new TraceLookupResult(null, false, null, 42))))
            .Should().Be("{\"trace\":{},\"metrics\":{\"inspectedBytes\":\"42\"}}");

    [Fact]
    public void Llm_json_matches_golden() =>
        GoldenJson.Matches(Write(o => TraceResponseWriter.WriteLlmJson(o, new TraceLookupResult(SampleTraces.Everything(), false, null, 777))),
            "llm-everything");

    [Fact]
    public void Llm_json_of_a_missing_trace_is_an_empty_object() =>
        Encoding.UTF8.GetString(Write(o => TraceResponseWriter.WriteLlmJson(o, new TraceLookupResult(null, false, null, 10))))
            .Should().Be("{}");

    [Fact]
    public void V1_protobuf_is_the_trace_message() =>
        Trace.Parser.ParseFrom(Write(o => TraceResponseWriter.WriteV1Protobuf(o, SampleTraces.Everything())))
            .Should().Be(SampleTraces.Everything());

    [Fact]
    public void V2_protobuf_is_a_trace_by_id_response()
    {
        var response = TraceByIDResponse.Parser.ParseFrom(Write(o => TraceResponseWriter.WriteV2Protobuf(o,
            new TraceLookupResult(SampleTraces.Everything(), true, "too big", 99))));

        response.Trace.Should().Be(SampleTraces.Everything());
        response.Metrics.InspectedBytes.Should().Be(99);
        response.Status.Should().Be(PartialStatus.Partial);
        response.Message.Should().Be("too big");
    }

    [Fact]
    public void V1_json_parses_back_through_the_otlp_json_transcoder_into_the_same_spans()
    {
        var trace = SampleTraces.Everything();
        var json = JsonNode.Parse(Write(o => TraceResponseWriter.WriteV1Json(o, trace)))!.AsObject();

        // OTLP/JSON differs from Tempo's output in two documented ways: the list is "resourceSpans" (Tempo keeps
        // "batches" in v1) and trace/span IDs are hex (Tempo prints bytes as base64). Undo exactly those two.
        var otlp = new JsonObject { ["resourceSpans"] = json["batches"]!.DeepClone() };
        HexIds(otlp);

        using var payload = OtlpJsonTranscoder.Transcode(Encoding.UTF8.GetBytes(otlp.ToJsonString()));
        var request = ExportTraceServiceRequest.Parser.ParseFrom(payload.Span);

        request.ResourceSpans.Should().Equal(trace.ResourceSpans);
    }

    [Fact]
    public void V1_json_has_the_otlp_json_shape()
    {
        // The OTLP/JSON example request shape (opentelemetry-proto examples/trace.json), in Tempo's spelling: a server
        // span with a parent, attributes on resource, scope and span.
        const string otlpExample = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}}]},
             "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0","attributes":[{"key":"my.scope.attribute","value":{"stringValue":"some scope attribute"}}]},
             "spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"eee19b7ec3c1b173",
             "name":"I'm a server span","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
             "attributes":[{"key":"my.span.attr","value":{"stringValue":"some value"}}]}]}]}]}
            """;
        using var payload = OtlpJsonTranscoder.Transcode(Encoding.UTF8.GetBytes(otlpExample));
        var trace = Trace.Parser.ParseFrom(payload.Span);

        var json = Encoding.UTF8.GetString(Write(o => TraceResponseWriter.WriteV1Json(o, trace)));

        json.Should().Be(
            "{\"batches\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"my.service\"}}]}," +
            "\"scopeSpans\":[{\"scope\":{\"name\":\"my.library\",\"version\":\"1.0.0\",\"attributes\":[{\"key\":\"my.scope.attribute\",\"value\":{\"stringValue\":\"some scope attribute\"}}]}," +
            "\"spans\":[{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"7uGbfsPBsXQ=\",\"parentSpanId\":\"7uGbfsPBsXM=\"," +
            "\"name\":\"I'm a server span\",\"kind\":\"SPAN_KIND_SERVER\",\"startTimeUnixNano\":\"1544712660000000000\",\"endTimeUnixNano\":\"1544712661000000000\"," +
            "\"attributes\":[{\"key\":\"my.span.attr\",\"value\":{\"stringValue\":\"some value\"}}]}]}]}]}");
    }

    [Fact]
    public void Writing_a_100_span_trace_allocates_only_the_json_writer()
    {
        var spans = new OpenTelemetry.Proto.Trace.V1.Span[100];
        for (var i = 0; i < spans.Length; i++)
        {
            spans[i] = SampleTraces.NewSpan((ulong)i + 1, 1_700_000_000_000_000_000 + (ulong)i * 1000, OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server);
            spans[i].Attributes.Add(SampleTraces.Attr("http.status_code", new OpenTelemetry.Proto.Common.V1.AnyValue { IntValue = 200 }));
            spans[i].Attributes.Add(SampleTraces.Attr("ratio", new OpenTelemetry.Proto.Common.V1.AnyValue { DoubleValue = 0.25 }));
        }

        var trace = SampleTraces.TraceOf(SampleTraces.Batch("svc", spans));
        var output = new ArrayBufferWriter<byte>(256 * 1024);
        TraceResponseWriter.WriteV1Json(output, trace); // warm up

        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        TraceResponseWriter.WriteV1Json(output, trace);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BeLessThan(1024, "per-span work must not allocate; only the Utf8JsonWriter is created per response");
    }

    private static void HexIds(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in new[] { "traceId", "spanId", "parentSpanId" })
                {
                    if (obj[name] is JsonValue value)
                    {
                        obj[name] = Convert.ToHexStringLower(Convert.FromBase64String(value.GetValue<string>()));
                    }
                }

                foreach (var (_, child) in obj.ToList())
                {
                    HexIds(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    HexIds(child);
                }

                break;
        }
    }
}
