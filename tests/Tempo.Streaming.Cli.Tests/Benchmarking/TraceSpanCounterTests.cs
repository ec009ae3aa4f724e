using Google.Protobuf;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Cli.Querying;
using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Cli.Tests.Benchmarking;

public sealed class TraceSpanCounterTests
{
    [Fact]
    public void Protobuf_trace_spans_are_counted_over_resources_and_scopes()
    {
        var workload = new ShopWorkload(42, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        for (var index = 0; index < 20; index++)
        {
            var request = workload.GenerateTrace(index);
            var trace = new Trace();
            trace.ResourceSpans.Add(request.ResourceSpans);
            request.ResourceSpans.Count.Should().BeGreaterThan(1, "the shop trace spans several services");
            TraceSpanCounter.CountProtobuf(trace.ToByteArray()).Should().Be(workload.SpanCount(index));
        }

        TraceSpanCounter.CountProtobuf([]).Should().Be(0);
        FluentActions.Invoking(() => TraceSpanCounter.CountProtobuf([0x0A, 0x05, 0x01])).Should().Throw<InvalidProtobufException>();
    }

    [Fact]
    public void Json_counts_only_spans_of_batches()
    {
        const string json = """
            {"batches":[
              {"resource":{"attributes":[{"key":"spans","value":{"stringValue":"x"}}]},
               "scopeSpans":[{"scope":{"name":"a"},"spans":[
                 {"traceId":"AAE=","name":"one","events":[{"name":"e"}],"links":[{"spanId":"AQ=="}]},
                 {"traceId":"AAE=","name":"two","attributes":[{"key":"k","value":{"arrayValue":{"values":[{"stringValue":"v"}]}}}]}]},
                 {"scope":{"name":"b"},"spans":[{"name":"three","spans":[{"name":"not a span"}]}]}]},
              {"scopeSpans":[{"spans":[{"name":"four"}]}]}
            ]}
            """;
        TraceSpanCounter.CountJson(System.Text.Encoding.UTF8.GetBytes(json)).Should().Be(4);
        TraceSpanCounter.CountJson("""{"batches":[]}"""u8).Should().Be(0);
        TraceSpanCounter.CountJson("""{"spans":[{},{}]}"""u8).Should().Be(0, "spans outside batches[].scopeSpans[] are not the trace's");
    }
}
