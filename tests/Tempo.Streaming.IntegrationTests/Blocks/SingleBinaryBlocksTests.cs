using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// Issue 6, "how it is tested", single binary: the load generator pushes the standard workload, <c>/flush</c> cuts it
/// into blocks of the local backend, and every acknowledged trace is then found by ID from the blocks alone
/// (<c>mode=blocks</c>) and merged with the live store's copy (<c>mode=all</c>), equal span for span to what the
/// generator regenerates — no span missing, none twice although mode=all sees each span in both places. The lineage
/// audit is healthy, and the blocks themselves (read directly, beneath the API's dedupe) hold every span once.
/// </summary>
[Collection(BlockProcessesCollection.Name)]
public sealed class SingleBinaryBlocksTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("tempo-it-blocks");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_acknowledged_trace_is_found_from_blocks_and_merged_after_flushes()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var server = await BlockPipelineServer.StartAsync(_dir.Path, compactionCycle: TimeSpan.FromHours(1));
        using var client = new TempoQueryClient(server.HttpBase);
        var workload = new ShopWorkload(6101, ShopPush.MidPreviousHour());

        // Two pushes and two flushes: two blocks over consecutive offset ranges, the second flush starting where the
        // first one stopped.
        var first = await ShopPush.PushAsync(server.Ports.OtlpGrpc, workload, 0, 200, Path.Combine(_dir.Path, "acked-1.tsv"));
        await BlockPipelineServer.WaitUntilConsumedAsync(client, first);
        await BlockPipelineServer.FlushAsync(server);
        var second = await ShopPush.PushAsync(server.Ports.OtlpGrpc, workload, 200, 200, Path.Combine(_dir.Path, "acked-2.tsv"));
        await BlockPipelineServer.WaitUntilConsumedAsync(client, second);
        await BlockPipelineServer.FlushAsync(server);
        var pushed = first.Concat(second).ToList();
        output.WriteLine($"pushed and flushed {pushed.Count} traces at {clock.Elapsed.TotalSeconds:0.0} s");

        await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "blocks", TimeSpan.FromSeconds(30));
        await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "all", TimeSpan.FromSeconds(30));
        await LineageStatus.ShouldBeHealthyAndFullyFlushedAsync(client, "after two flushes");

        var store = new LocalObjectStore(BlockPipelineServer.BlocksPath(_dir.Path));
        var blocks = await StoredBlocks.ListAsync(store);
        blocks.Should().OnlyContain(b => b.Meta != null && !b.IsCompacted && b.Meta.Ingest != null, "flushes write live blocks with their lineage");
        foreach (var partition in blocks.GroupBy(b => b.Meta!.Ingest!.Partition))
        {
            // Each flush cut one range per partition (the embedded log has several): the second starts after the first.
            var ranges = partition.Select(b => b.Meta!.Ingest!).OrderBy(r => r.FirstOffset).ToList();
            ranges.Should().HaveCountLessThanOrEqualTo(2, $"two flushes cut partition {partition.Key} at most twice");
            ranges[0].FirstOffset.Should().Be(0, $"partition {partition.Key}'s first block starts at the log's start");
            for (var i = 1; i < ranges.Count; i++)
                ranges[i].FirstOffset.Should().Be(ranges[i - 1].LastOffset + 1, $"partition {partition.Key}'s ranges are contiguous");
        }
        blocks.Sum(b => b.Meta!.Ingest!.Spans).Should().Be(pushed.Sum(t => (long)t.Workload.SpanCount(t.Index)),
            "the blocks' lineage counts every pushed span once");
        await StoredBlocks.ShouldHoldEverySpanOnceAsync(store, pushed, "after two flushes");

        (await server.StopAsync()).Should().Be(0, server.Output);

        // The CLI's replay, run as an operator does, writes a deleted cut block back byte for byte: it writes with the
        // live store's cut options, not the compactor's.
        var deleted = blocks[0].Meta!;
        var data = await store.GetAsync(BlockPaths.Data(deleted.TenantId, deleted.BlockId));
        Directory.Delete(Path.Combine(BlockPipelineServer.BlocksPath(_dir.Path), deleted.TenantId, deleted.BlockId.ToString("D")), recursive: true);
        var replay = await CliProcess.RunAsync("replay", "--partition", $"{deleted.Ingest!.Partition}", "--from", $"{deleted.Ingest.FirstOffset}",
            "--to", $"{deleted.Ingest.LastOffset}", "--path", BlockPipelineServer.BlocksPath(_dir.Path), "--log.path", Path.Combine(_dir.Path, "ingest"), "--force");
        replay.Should().Contain($"written {deleted.TenantId}/{deleted.BlockId:D}");
        (await store.GetAsync(BlockPaths.Data(deleted.TenantId, deleted.BlockId))).Should().Equal(data, "replay reproduces the cut's data.parquet");
        output.WriteLine($"done at {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
