using System.Net;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Tempo.Streaming.IntegrationTests.LiveStore;

namespace Tempo.Streaming.IntegrationTests.Query;

/// <summary>
/// Invariant 5 on the query side: malformed trace IDs, inverted or unparsable time ranges and unknown scopes answer
/// 400 with Tempo's wording, and none of them changes what the live store holds (the same answers, byte for byte, and
/// no record consumed or span stored in between).
/// </summary>
[Collection(ShopLiveStoreCollection.Name)]
public sealed class BadQueryInputTests(ShopLiveStoreFixture shop)
{
    private const string ValidId = "0123456789abcdef0123456789abcdef";

    /// <summary>(request, the exact 400 body Tempo answers with).</summary>
    public static TheoryData<string, string> BadRequests() => new()
    {
        { "/api/traces/not-a-trace", "trace IDs can only contain hex characters: invalid character 'n' at position 1" },
        { "/api/traces/0123456789abcdefg", "trace IDs can only contain hex characters: invalid character 'g' at position 17" },
        { "/api/traces/" + ValidId + "0", "trace IDs can't be larger than 128 bits" },
        { "/api/v2/traces/" + ValidId + "ff", "trace IDs can't be larger than 128 bits" },
        { "/api/v2/traces/xyz", "trace IDs can only contain hex characters: invalid character 'x' at position 1" },
        { "/querier/api/traces/zz", "trace IDs can only contain hex characters: invalid character 'z' at position 1" },
        { $"/api/traces/{ValidId}?start=200&end=100", "http parameter start must be before end. received start=200 end=100" },
        { $"/api/traces/{ValidId}?start=100&end=100", "http parameter start must be before end. received start=100 end=100" },
        { $"/api/v2/traces/{ValidId}?start=200&end=100", "http parameter start must be before end. received start=200 end=100" },
        { $"/api/traces/{ValidId}?start=abc", "invalid start: strconv.ParseInt: parsing \"abc\": invalid syntax" },
        { $"/api/traces/{ValidId}?end=1e9", "invalid end: strconv.ParseInt: parsing \"1e9\": invalid syntax" },
        { $"/api/traces/{ValidId}?mode=everything", "invalid value for mode everything" },
        { "/api/search/tags?scope=spans", "invalid scope: spans" },
        { "/api/v2/search/tags?scope=attributes", "invalid scope: attributes" },
        { "/api/search/tags?start=abc&end=100", "invalid start: strconv.ParseInt: parsing \"abc\": invalid syntax" },
        { "/api/v2/search/tag/resource.service.name/values?start=1700000100&end=x", "invalid end: strconv.ParseInt: parsing \"x\": invalid syntax" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_400_with_tempo_s_wording(string request, string message)
    {
        var response = await shop.Client.GetAsync(request);
        response.Status.Should().Be(HttpStatusCode.BadRequest, response.ToString());
        response.Text.TrimEnd('\n').Should().Be(message);
    }

    [Fact]
    public async Task Tag_ranges_with_start_after_end_are_refused()
    {
        // Tempo checks end - start in uint32 arithmetic, so an inverted range wraps to a huge one and is refused as too long.
        foreach (var path in new[] { "/api/search/tags", "/api/v2/search/tags", "/api/search/tag/service.name/values",
                     "/api/v2/search/tag/resource.service.name/values" })
        {
            var response = await shop.Client.GetAsync($"{path}?start=1700000200&end=1700000100");
            response.Status.Should().Be(HttpStatusCode.BadRequest, $"{path}: {response}");
            response.Text.Should().StartWith("range specified by start and end exceeds ", path);
        }
    }

    [Fact]
    public async Task Bad_queries_change_nothing_in_the_live_store()
    {
        var id = shop.Acknowledged[3];
        var before = await SnapshotAsync(id);
        before.RecordsConsumed.Should().BeGreaterThan(0);

        foreach (var row in BadRequests())
        {
            var response = await shop.Client.GetAsync((string)row[0]);
            response.Status.Should().Be(HttpStatusCode.BadRequest, response.ToString());
            var proto = await shop.Client.GetAsync((string)row[0], TempoQueryClient.Protobuf);
            proto.Status.Should().Be(HttpStatusCode.BadRequest, proto.ToString());
        }
        await Tag_ranges_with_start_after_end_are_refused();

        var after = await SnapshotAsync(id);
        after.TraceJson.Should().Equal(before.TraceJson, "the trace is byte-identical after the bad queries");
        after.TraceProtobuf.Should().Equal(before.TraceProtobuf);
        after.Tags.Should().Be(before.Tags);
        after.ServiceNames.Should().Be(before.ServiceNames);
        after.RecordsConsumed.Should().Be(before.RecordsConsumed, "queries never write to the live store");
        after.SpansStored.Should().Be(before.SpansStored);
        after.Discarded.Should().Be(before.Discarded);
    }

    private async Task<Snapshot> SnapshotAsync(string traceId)
    {
        var json = await shop.Client.GetAsync($"/api/traces/{traceId}");
        json.Status.Should().Be(HttpStatusCode.OK);
        var proto = await shop.Client.GetAsync($"/api/traces/{traceId}", TempoQueryClient.Protobuf);
        proto.Status.Should().Be(HttpStatusCode.OK);
        var tags = await shop.Client.GetAsync("/api/v2/search/tags");
        var services = await shop.Client.GetAsync("/api/v2/search/tag/resource.service.name/values");
        var metrics = (await shop.Client.GetAsync("/metrics")).Text;
        return new Snapshot(json.Body, proto.Body, tags.Text, services.Text,
            PrometheusText.Sum(metrics, "tempo_live_store_records_consumed_total"),
            PrometheusText.Sum(metrics, "tempo_live_store_spans_stored_total"),
            PrometheusText.Sum(metrics, "tempo_discarded_spans_total"));
    }

    private sealed record Snapshot(byte[] TraceJson, byte[] TraceProtobuf, string Tags, string ServiceNames,
        double RecordsConsumed, double SpansStored, double Discarded);
}
