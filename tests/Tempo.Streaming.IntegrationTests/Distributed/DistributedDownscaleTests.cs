using System.Net;
using System.Text.Json;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Distributed;

/// <summary>
/// The distributed deployment end to end (issue 4): mock-kafka, a distributor, two live stores owning partitions 0 and
/// 1, pushes from the .NET OpenTelemetry exporter. Every trace is found by ID through either live store (trace by ID fans
/// out over the ring); taking partition 0 INACTIVE routes new writes only to partition 1 (checked with kcat, another
/// Kafka client), while partition 0's traces stay queryable; DELETE brings it back; a SIGKILLed live store restarts
/// and answers every trace with each span exactly once.
/// </summary>
public sealed class DistributedDownscaleTests : IAsyncLifetime
{
    private const int SpansPerTrace = 4;
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(30);

    private DistributedCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await DistributedCluster.StartAsync(liveStores: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Downscale_moves_writes_off_a_partition_that_stays_queryable_and_a_killed_live_store_resumes_exactly()
    {
        await _cluster.WaitForDistributorToSeeAsync(new Dictionary<int, string> { [0] = "PartitionActive", [1] = "PartitionActive" }, RingTimeout);

        // 1. Both partitions receive writes; every trace is found through either live store.
        var before = OtelTracePusher.Export(_cluster.Distributor.OtlpGrpc, "before", traces: 60, SpansPerTrace);
        await ShouldFindExactlyAsync(before, viaLiveStore: 0);
        await ShouldFindExactlyAsync(before, viaLiveStore: 1);
        var partition0 = await Kcat.ReadPartitionAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, 0);
        var partition1 = await Kcat.ReadPartitionAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, 1);
        partition0.Should().NotBeEmpty("60 traces spread over both ACTIVE partitions");
        partition1.Should().NotBeEmpty("60 traces spread over both ACTIVE partitions");
        partition0.Concat(partition1).Should().OnlyContain(r => r.Key == "single-tenant", "the record key is the tenant");
        await ShouldDecodeAsPushBytesRequestAsync(partition0[0]);

        // 2. Unknown method, wrong state: Tempo's status codes, nothing changes.
        using var liveStore0 = new HttpClient { BaseAddress = _cluster.LiveStore(0).HttpBase };
        (await liveStore0.PutAsync("/live-store/prepare-partition-downscale", null)).StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        (await liveStore0.PostAsync("/live-store/prepare-downscale", null)).StatusCode.Should().Be(HttpStatusCode.Conflict,
            "prepare-downscale needs the partition INACTIVE first");
        (await DownscaleStateAsync(liveStore0, HttpMethod.Get)).State.Should().Be("PartitionActive");

        // 3. POST: partition 0 INACTIVE. Once the distributor sees it, new writes land only in partition 1.
        var inactive = await DownscaleStateAsync(liveStore0, HttpMethod.Post);
        inactive.State.Should().Be("PartitionInactive");
        inactive.Timestamp.Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 60);
        (await DownscaleStateAsync(liveStore0, HttpMethod.Post)).Timestamp.Should().Be(inactive.Timestamp, "a second POST is a no-op");
        (await liveStore0.GetStringAsync("/live-store/prepare-downscale")).Should().Be("unset\n");
        await _cluster.WaitForDistributorToSeeAsync(new Dictionary<int, string> { [0] = "PartitionInactive", [1] = "PartitionActive" }, RingTimeout);
        var p0Before = (await Kcat.ReadPartitionAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, 0)).Count;
        var p1Before = (await Kcat.ReadPartitionAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, 1)).Count;

        var during = OtelTracePusher.Export(_cluster.Distributor.OtlpGrpc, "during", traces: 60, SpansPerTrace);

        (await Kcat.ReadPartitionAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, 0)).Should().HaveCount(p0Before,
            "no record is written to an INACTIVE partition");
        (await Kcat.ReadPartitionAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, 1)).Count.Should().BeGreaterThan(p1Before);
        await ShouldFindExactlyAsync(before.Concat(during).ToList(), viaLiveStore: 1);

        // 4. DELETE: ACTIVE again, and partition 0 receives writes again.
        (await DownscaleStateAsync(liveStore0, HttpMethod.Delete)).Should().Be(new DownscaleAnswer(0, "PartitionActive"));
        await _cluster.WaitForDistributorToSeeAsync(new Dictionary<int, string> { [0] = "PartitionActive", [1] = "PartitionActive" }, RingTimeout);
        var after = OtelTracePusher.Export(_cluster.Distributor.OtlpGrpc, "after", traces: 60, SpansPerTrace);
        (await Kcat.ReadPartitionAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, 0)).Count.Should().BeGreaterThan(p0Before,
            "partition 0 takes writes again once ACTIVE");
        await ShouldFindExactlyAsync(after, viaLiveStore: 0);

        // 5. SIGKILL live store 1, keep pushing, restart it on the same disk: nothing lost, nothing twice.
        await _cluster.KillLiveStoreAsync(1);
        var whileDown = OtelTracePusher.Export(_cluster.Distributor.OtlpGrpc, "while-down", traces: 40, SpansPerTrace);
        await _cluster.StartLiveStoreAsync(1);
        var all = before.Concat(during).Concat(after).Concat(whileDown).ToList();
        await ShouldFindExactlyAsync(all, viaLiveStore: 1);
        await ShouldFindExactlyAsync(all, viaLiveStore: 0);
    }

    private sealed record DownscaleAnswer(long Timestamp, string State);

    private static async Task<DownscaleAnswer> DownscaleStateAsync(HttpClient liveStore, HttpMethod method)
    {
        using var response = await liveStore.SendAsync(new HttpRequestMessage(method, "/live-store/prepare-partition-downscale"));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var json = JsonDocument.Parse(body);
        json.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("timestamp", "state");
        return new DownscaleAnswer(json.RootElement.GetProperty("timestamp").GetInt64(), json.RootElement.GetProperty("state").GetString()!);
    }

    /// <summary>Every trace is found through the live store and holds each of its spans exactly once.</summary>
    private async Task ShouldFindExactlyAsync(IReadOnlyList<string> traceIds, int viaLiveStore)
    {
        using var client = new TempoQueryClient(_cluster.LiveStore(viaLiveStore).HttpBase);
        foreach (var id in traceIds)
        {
            var deadline = DateTime.UtcNow + QueryTimeout;
            while (true)
            {
                var trace = await client.WaitForTraceAsync(id, QueryTimeout);
                var spans = FlatSpans.Flatten(trace);
                spans.Select(s => s.Key).Should().OnlyHaveUniqueItems($"trace {id} via live store {viaLiveStore} holds each span once");
                if (spans.Count == SpansPerTrace) break;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"trace {id} via live store {viaLiveStore} has {spans.Count} of {SpansPerTrace} spans");
                await Task.Delay(50);
            }
        }
    }

    private async Task ShouldDecodeAsPushBytesRequestAsync(Kcat.KcatRecord record)
    {
        var value = await Kcat.ReadValueAsync(_cluster.Kafka.BootstrapServers, DistributedCluster.Topic, record.Partition, record.Offset);
        value.Should().HaveCount(record.ValueBytes);
        var request = Tempopb.PushBytesRequest.Parser.ParseFrom(value);
        request.Traces.Should().NotBeEmpty();
        request.Ids.Should().HaveCount(request.Traces.Count).And.OnlyContain(id => id.Length == 16);
        Tempopb.Trace.Parser.ParseFrom(request.Traces[0]).ResourceSpans.Should().NotBeEmpty();
    }
}
