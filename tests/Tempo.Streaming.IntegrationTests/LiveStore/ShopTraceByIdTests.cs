using System.Net;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.IntegrationTests.LiveStore;

/// <summary>
/// Issue 3, "how it is tested": every trace the load generator pushed (and the server acknowledged) is fetched by ID
/// from the running binary and compared span for span, order-insensitively, with what the shop workload regenerates
/// from (seed, trace index, start time) — in Tempo's JSON and in protobuf, on the v1 and v2 routes.
/// </summary>
[Collection(ShopLiveStoreCollection.Name)]
public sealed class ShopTraceByIdTests(ShopLiveStoreFixture shop)
{
    [Fact]
    public async Task Every_acknowledged_trace_is_returned_span_for_span_as_json()
    {
        foreach (var (index, id) in shop.Acknowledged)
        {
            var trace = await shop.Client.GetTraceJsonAsync(id);
            trace.Should().NotBeNull($"trace {index} ({id}) was found before");
            FlatSpans.ShouldEqualSpanForSpan(FlatSpans.Flatten(trace!), Expected(index), $"JSON of trace {index} ({id})");
        }
    }

    [Fact]
    public async Task Every_acknowledged_trace_is_returned_span_for_span_as_protobuf()
    {
        foreach (var (index, id) in shop.Acknowledged)
        {
            var trace = await shop.Client.GetTraceProtobufAsync(id);
            trace.Should().NotBeNull($"trace {index} ({id}) was found before");
            FlatSpans.ShouldEqualSpanForSpan(FlatSpans.Flatten(trace!), Expected(index), $"protobuf of trace {index} ({id})");
        }
    }

    [Fact]
    public async Task The_v2_route_wraps_the_same_trace_as_complete_in_json_and_protobuf()
    {
        foreach (var index in new long[] { 0, ShopLiveStoreFixture.TraceCount / 2, ShopLiveStoreFixture.TraceCount - 1 })
        {
            var id = shop.Acknowledged[index];
            var json = await shop.Client.GetAsync($"/api/v2/traces/{id}");
            json.Status.Should().Be(HttpStatusCode.OK, json.ToString());
            json.ContentType.Should().Be("application/json");
            var fromJson = TempoTraceJson.ParseV2(json.Text);
            fromJson.Status.Should().Be(PartialStatus.Complete);
            fromJson.Message.Should().BeEmpty();
            FlatSpans.ShouldEqualSpanForSpan(FlatSpans.Flatten(fromJson.Trace), Expected(index), $"v2 JSON of trace {index}");

            var proto = await shop.Client.GetAsync($"/api/v2/traces/{id}", TempoQueryClient.Protobuf);
            proto.Status.Should().Be(HttpStatusCode.OK, proto.ToString());
            proto.ContentType.Should().Be(TempoQueryClient.Protobuf);
            var fromProto = TraceByIDResponse.Parser.ParseFrom(proto.Body);
            fromProto.Status.Should().Be(PartialStatus.Complete);
            FlatSpans.ShouldEqualSpanForSpan(FlatSpans.Flatten(fromProto.Trace), Expected(index), $"v2 protobuf of trace {index}");
        }
    }

    [Fact]
    public async Task The_querier_route_in_ingester_mode_and_a_time_window_around_the_trace_find_it_too()
    {
        var index = 7L;
        var id = shop.Acknowledged[index];
        var expected = Expected(index);

        var querier = await shop.Client.GetAsync($"/querier/api/traces/{id}?mode=ingesters", TempoQueryClient.Protobuf);
        querier.Status.Should().Be(HttpStatusCode.OK, querier.ToString());
        FlatSpans.ShouldEqualSpanForSpan(FlatSpans.Flatten(Trace.Parser.ParseFrom(querier.Body)), expected, "querier mode=ingesters");

        // start/end are unix seconds; a window holding the trace finds it
        var startSeconds = (long)(expected.Min(s => s.Span.StartTimeUnixNano) / 1_000_000_000);
        var endSeconds = (long)(expected.Max(s => s.Span.EndTimeUnixNano) / 1_000_000_000) + 1;
        var windowed = await shop.Client.GetAsync($"/api/traces/{id}?start={startSeconds - 60}&end={endSeconds + 60}", TempoQueryClient.Protobuf);
        windowed.Status.Should().Be(HttpStatusCode.OK, windowed.ToString());
        FlatSpans.ShouldEqualSpanForSpan(FlatSpans.Flatten(Trace.Parser.ParseFrom(windowed.Body)), expected, "trace inside start/end");
    }

    [Fact]
    public async Task A_trace_id_nobody_pushed_is_404_with_an_empty_body()
    {
        foreach (var accept in new[] { null, TempoQueryClient.Protobuf })
        {
            var v1 = await shop.Client.GetAsync("/api/traces/0123456789abcdef0123456789abcdef", accept);
            v1.Status.Should().Be(HttpStatusCode.NotFound, v1.ToString());
            v1.Body.Should().BeEmpty();
            var v2 = await shop.Client.GetAsync("/api/v2/traces/0123456789abcdef0123456789abcdef", accept);
            v2.Status.Should().Be(HttpStatusCode.NotFound, v2.ToString());
        }
    }

    private List<FlatSpan> Expected(long index) => FlatSpans.Flatten(shop.Workload.GenerateTrace(index).ResourceSpans);
}
