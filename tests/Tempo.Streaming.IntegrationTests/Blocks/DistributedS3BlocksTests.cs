using Tempo.Streaming.Blocks.Tests.Infrastructure;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// Issue 6, "how it is tested", multi-process: mock Kafka, a distributor and two live stores (partitions 0 and 1), each
/// its own process, writing blocks to one s3rver bucket. After the load generator's push and a <c>/flush</c> of each
/// live store, every acknowledged trace is found through either live store from the blocks alone (<c>mode=blocks</c>:
/// the other live store's blocks arrive through the S3 block-list poll) and merged (<c>mode=all</c>), equal span for
/// span to the generator's; each live store's lineage audit is healthy; the bucket's blocks hold every span once.
/// </summary>
[Collection(BlockProcessesCollection.Name)]
public sealed class DistributedS3BlocksTests(ITestOutputHelper output) : IAsyncLifetime
{
    private S3rverProcess _s3 = null!;
    private DistributedCluster _cluster = null!;
    private readonly TempDir _dir = new("tempo-it-distributed-s3");

    public async Task InitializeAsync()
    {
        _s3 = await S3rverProcess.StartAsync("tempo-blocks");
        _cluster = await DistributedCluster.StartAsync(liveStores: 2, extraYaml: _s3.StorageYaml(blocklistPoll: TimeSpan.FromSeconds(1)));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (_s3 is not null) await _s3.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Every_acknowledged_trace_is_found_from_s3_blocks_through_either_live_store()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await _cluster.WaitForDistributorToSeeAsync(new Dictionary<int, string> { [0] = "PartitionActive", [1] = "PartitionActive" },
            TimeSpan.FromSeconds(30));
        var workload = new ShopWorkload(6500, ShopPush.MidPreviousHour());
        var pushed = await ShopPush.PushAsync(_cluster.Distributor.Ports.OtlpGrpc, workload, 0, 300, Path.Combine(_dir.Path, "acked.tsv"));

        for (var ordinal = 0; ordinal < 2; ordinal++)
        {
            using var client = new TempoQueryClient(_cluster.LiveStore(ordinal).HttpBase);
            await BlockPipelineServer.WaitUntilConsumedAsync(client, pushed);
        }
        for (var ordinal = 0; ordinal < 2; ordinal++) await BlockPipelineServer.FlushAsync(_cluster.LiveStore(ordinal));
        output.WriteLine($"pushed {pushed.Count} traces and flushed both live stores at {clock.Elapsed.TotalSeconds:0.0} s");

        using (var store = _s3.CreateStore())
        {
            var blocks = await StoredBlocks.ListAsync(store);
            blocks.Select(b => b.Meta?.Ingest?.Partition).Distinct().Should().BeEquivalentTo(new int?[] { 0, 1 },
                $"each live store flushed its own partition into the bucket ({_s3.Output})");
            await StoredBlocks.ShouldHoldEverySpanOnceAsync(store, pushed, "in the S3 bucket");
        }

        for (var ordinal = 0; ordinal < 2; ordinal++)
        {
            using var client = new TempoQueryClient(_cluster.LiveStore(ordinal).HttpBase);
            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "blocks", TimeSpan.FromSeconds(30));
            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "all", TimeSpan.FromSeconds(30));
            await LineageStatus.ShouldBeHealthyAndFullyFlushedAsync(client, $"live store {ordinal}");
            output.WriteLine($"live store {ordinal} checked at {clock.Elapsed.TotalSeconds:0.0} s");
        }
    }
}
