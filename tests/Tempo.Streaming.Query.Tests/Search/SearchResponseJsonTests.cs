using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Tests.Search;

/// <summary>
/// Golden tests: <c>/api/search</c> JSON against the examples of Tempo's API doc (docs/sources/tempo/api_docs/_index.md,
/// "Example of TraceQL search", "Example of Tags Based Search") and gogo jsonpb's rules for what it leaves out. The doc's
/// TraceQL example is missing two closing brackets; keys, nesting, order and types are Tempo's.
/// </summary>
public sealed class SearchResponseJsonTests
{
    private static string Json(SearchResponse response)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SearchResponseJson.Write(buffer, response);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static KeyValue StringAttribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    [Fact]
    public void TraceQL_search_example_from_tempos_api_doc()
    {
        var response = new SearchResponse
        {
            Traces =
            {
                new TraceSearchMetadata
                {
                    TraceID = "2f3e0cee77ae5dc9c17ade3689eb2e54",
                    RootServiceName = "shop-backend",
                    RootTraceName = "update-billing",
                    StartTimeUnixNano = 1684778327699392724,
                    DurationMs = 557,
                    SpanSets =
                    {
                        new SpanSet
                        {
                            Spans =
                            {
                                new Span
                                {
                                    SpanID = "563d623c76514f8e",
                                    StartTimeUnixNano = 1684778327735077898,
                                    DurationNanos = 446979497,
                                    Attributes = { StringAttribute("status", "error") },
                                },
                            },
                            Matched = 1,
                        },
                    },
                },
            },
            Metrics = new SearchMetrics { TotalBlocks = 13 },
        };

        Json(response).Should().Be(
            """{"traces":[{"traceID":"2f3e0cee77ae5dc9c17ade3689eb2e54","rootServiceName":"shop-backend","rootTraceName":"update-billing","startTimeUnixNano":"1684778327699392724","durationMs":557,"spanSets":[{"spans":[{"spanID":"563d623c76514f8e","startTimeUnixNano":"1684778327735077898","durationNanos":"446979497","attributes":[{"key":"status","value":{"stringValue":"error"}}]}],"matched":1}]}],"metrics":{"totalBlocks":13}}""");
    }

    [Fact]
    public void Tag_search_example_from_tempos_api_doc()
    {
        var response = new SearchResponse
        {
            Traces =
            {
                new TraceSearchMetadata
                {
                    TraceID = "d6e9329d67b6146a", RootServiceName = "frontend", RootTraceName = "/cart",
                    StartTimeUnixNano = 1634727903545000000, DurationMs = 611,
                },
                new TraceSearchMetadata
                {
                    TraceID = "1b1ba462b409200d", RootServiceName = "frontend", RootTraceName = "/cart",
                    StartTimeUnixNano = 1634727775935000000, DurationMs = 611,
                },
            },
            Metrics = new SearchMetrics { InspectedTraces = 3100, InspectedBytes = 3811736, TotalBlocks = 3 },
        };

        Json(response).Should().Be(
            """{"traces":[{"traceID":"d6e9329d67b6146a","rootServiceName":"frontend","rootTraceName":"/cart","startTimeUnixNano":"1634727903545000000","durationMs":611},{"traceID":"1b1ba462b409200d","rootServiceName":"frontend","rootTraceName":"/cart","startTimeUnixNano":"1634727775935000000","durationMs":611}],"metrics":{"inspectedTraces":3100,"inspectedBytes":"3811736","totalBlocks":3}}""");
    }

    [Fact]
    public void An_empty_result_still_lists_traces_and_an_all_zero_metrics_is_an_empty_object()
    {
        Json(new SearchResponse { Metrics = new SearchMetrics() }).Should().Be("""{"traces":[],"metrics":{}}""");
        Json(new SearchResponse()).Should().Be("""{"traces":[]}""");
    }

    [Fact]
    public void Every_metric_in_proto_order_with_64_bit_counters_as_strings()
    {
        var metrics = new SearchMetrics
        {
            InspectedTraces = 1, InspectedBytes = 18446744073709551615, TotalBlocks = 3, CompletedJobs = 4, TotalJobs = 5,
            TotalBlockBytes = 6, InspectedSpans = 7,
        };

        Json(new SearchResponse { Metrics = metrics }).Should().Be(
            """{"traces":[],"metrics":{"inspectedTraces":1,"inspectedBytes":"18446744073709551615","totalBlocks":3,"completedJobs":4,"totalJobs":5,"totalBlockBytes":"6","inspectedSpans":"7"}}""");
    }

    [Fact]
    public void Zero_and_empty_fields_are_left_out()
    {
        var response = new SearchResponse
        {
            Traces =
            {
                new TraceSearchMetadata { TraceID = "1" },
                new TraceSearchMetadata { SpanSets = { new SpanSet { Spans = { new Span() } } } },
            },
        };

        Json(response).Should().Be("""{"traces":[{"traceID":"1"},{"spanSets":[{"spans":[{}]}]}]}""");
    }

    [Fact]
    public void The_deprecated_span_set_is_printed_when_set_and_service_stats_are_sorted_by_name()
    {
        // TempoJson's encoder writes characters beyond the BMP as \u surrogate pairs where Go writes UTF-8: the same value.
        var spanSet = new SpanSet
        {
            Spans = { new Span { SpanID = "00000000000000aa", Name = "GET /cart", StartTimeUnixNano = 5, DurationNanos = 6 } },
            Matched = 9,
            Attributes = { new KeyValue { Key = "by(resource.service.name)", Value = new AnyValue { StringValue = "cart" } } },
        };
        var trace = new TraceSearchMetadata
        {
            TraceID = "abc",
            RootServiceName = "frontend",
            SpanSet = spanSet,
            SpanSets = { spanSet },
            ServiceStats =
            {
                ["zeta"] = new ServiceStats { SpanCount = 2, ErrorCount = 1 },
                ["Cart"] = new ServiceStats { SpanCount = 3 },
                ["\uFF21"] = new ServiceStats { ErrorCount = 1 },
                ["\U0001F600"] = new ServiceStats(),
            },
        };

        Json(new SearchResponse { Traces = { trace }, Metrics = new SearchMetrics { InspectedSpans = 10 } }).Should().Be(
            """{"traces":[{"traceID":"abc","rootServiceName":"frontend","spanSet":{"spans":[{"spanID":"00000000000000aa","name":"GET /cart","startTimeUnixNano":"5","durationNanos":"6"}],"matched":9,"attributes":[{"key":"by(resource.service.name)","value":{"stringValue":"cart"}}]},"spanSets":[{"spans":[{"spanID":"00000000000000aa","name":"GET /cart","startTimeUnixNano":"5","durationNanos":"6"}],"matched":9,"attributes":[{"key":"by(resource.service.name)","value":{"stringValue":"cart"}}]}],"serviceStats":{"Cart":{"spanCount":3},"zeta":{"spanCount":2,"errorCount":1},"Ａ":{"errorCount":1},"\uD83D\uDE00":{}}}],"metrics":{"inspectedSpans":"10"}}""");
    }

    [Fact]
    public void Service_stats_follow_gos_byte_order_not_utf16_order()
    {
        // U+FF21 sorts before U+1F600 by code point (and UTF-8 bytes) although its UTF-16 unit is larger than a surrogate's.
        var trace = new TraceSearchMetadata { ServiceStats = { ["\U0001F600"] = new ServiceStats(), ["\uFF21"] = new ServiceStats() } };

        var stats = JsonDocument.Parse(Json(new SearchResponse { Traces = { trace } })).RootElement
            .GetProperty("traces")[0].GetProperty("serviceStats");

        stats.EnumerateObject().Select(p => p.Name).Should().Equal("\uFF21", "\U0001F600");
    }

    [Fact]
    public void Attribute_values_are_written_as_jsonpb_writes_any_value()
    {
        var span = new Span
        {
            SpanID = "1",
            Attributes =
            {
                new KeyValue { Key = "i", Value = new AnyValue { IntValue = 0 } },
                new KeyValue { Key = "b", Value = new AnyValue { BoolValue = false } },
                new KeyValue { Key = "d", Value = new AnyValue { DoubleValue = 1e21 } },
                new KeyValue { Key = "s", Value = new AnyValue { StringValue = "" } },
                new KeyValue { Key = "big", Value = new AnyValue { IntValue = long.MinValue } },
            },
        };
        var response = new SearchResponse { Traces = { new TraceSearchMetadata { SpanSets = { new SpanSet { Spans = { span } } } } } };

        Json(response).Should().Be(
            """{"traces":[{"spanSets":[{"spans":[{"spanID":"1","attributes":[{"key":"i","value":{"intValue":"0"}},{"key":"b","value":{"boolValue":false}},{"key":"d","value":{"doubleValue":1e+21}},{"key":"s","value":{"stringValue":""}},{"key":"big","value":{"intValue":"-9223372036854775808"}}]}]}]}]}""");
    }

    [Fact]
    public void Strings_are_written_as_utf8_and_escaped_as_json()
    {
        var response = new SearchResponse
        {
            Traces = { new TraceSearchMetadata { TraceID = "1", RootServiceName = "<root span not yet received>", RootTraceName = "say \"hé\"\n" } },
        };

        var json = Json(response);

        JsonDocument.Parse(json).RootElement.GetProperty("traces")[0].GetProperty("rootTraceName").GetString().Should().Be("say \"hé\"\n");
        json.Should().Contain("\"rootServiceName\":\"<root span not yet received>\"");
    }

    [Fact]
    public void The_json_reads_back_into_the_same_message_with_protobufs_own_parser()
    {
        var original = new SearchResponse
        {
            Traces =
            {
                new TraceSearchMetadata
                {
                    TraceID = "7b", RootServiceName = "svc", RootTraceName = "op", StartTimeUnixNano = 1700000000123456789, DurationMs = 12,
                    SpanSets = { new SpanSet { Matched = 4, Spans = { new Span { SpanID = "0102030405060708", DurationNanos = 99 } } } },
                    ServiceStats = { ["svc"] = new ServiceStats { SpanCount = 4, ErrorCount = 1 } },
                },
            },
            Metrics = new SearchMetrics { InspectedBytes = 1234, CompletedJobs = 1, TotalJobs = 1 },
        };

        var parsed = JsonParser.Default.Parse<SearchResponse>(Json(original));

        parsed.Should().Be(original);
    }
}
