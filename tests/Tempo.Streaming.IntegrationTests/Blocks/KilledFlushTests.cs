using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// Issue 6's "SIGKILL during block write": a plain SIGKILL while <c>/flush</c> is cutting a bigger range — four
/// tenants on four partitions, so one flush writes sixteen blocks one after another and the kill, sent the moment the
/// first block appears in the backend, lands with blocks written, one half-written and others not started. After a
/// restart and a second flush every acknowledged span of every tenant is found once (from blocks and merged), the
/// lineage has no gap or overlap, and the blocks hold each span exactly once.
/// </summary>
[Collection(BlockProcessesCollection.Name)]
public sealed class KilledFlushTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] TenantIds = ["tenant-a", "tenant-b", "tenant-c", "tenant-d"];

    private readonly TempDir _dir = new("tempo-it-killed-flush");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_sigkill_while_flush_writes_blocks_loses_and_duplicates_nothing()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var blocksPath = BlockPipelineServer.BlocksPath(_dir.Path);
        var store = new LocalObjectStore(blocksPath);
        var pushed = new List<PushedTrace>();
        await using (var server = await BlockPipelineServer.StartAsync(_dir.Path, TimeSpan.FromHours(1), multitenancy: true))
        {
            using var client = new TempoQueryClient(server.HttpBase);
            for (var i = 0; i < TenantIds.Length; i++)
            {
                var workload = new ShopWorkload(6400 + i, ShopPush.MidPreviousHour());
                pushed.AddRange(await ShopPush.PushAsync(server.Ports.OtlpGrpc, workload, 0, 400, Path.Combine(_dir.Path, $"acked-{i}.tsv"), TenantIds[i]));
            }
            await BlockPipelineServer.WaitUntilConsumedAsync(client, pushed);
            output.WriteLine($"pushed {pushed.Count} traces at {clock.Elapsed.TotalSeconds:0.0} s");

            var flush = CrashedServer.FlushExpectingCrashAsync(server);
            await Poll.UntilAsync(() => flush.IsCompleted || AnyBlockFile(blocksPath), TimeSpan.FromSeconds(60), "the flush to write its first block");
            await server.KillAsync();
            (await flush).Should().BeNull("the kill lands while /flush is still writing blocks (it never answered)");
        }

        var left = await StoredBlocks.ListAsync(store, TenantIds);
        output.WriteLine($"killed at {clock.Elapsed.TotalSeconds:0.0} s with {left.Count(b => b.Meta != null)} complete blocks and " +
                         $"{left.Count(b => b.Meta is null)} without meta.json");
        left.Count(b => b.Meta != null).Should().BeLessThan(16, "the kill came before the flush's sixteen blocks were all written");

        await using var restarted = await BlockPipelineServer.StartAsync(_dir.Path, TimeSpan.FromHours(1), multitenancy: true);
        using (var client = new TempoQueryClient(restarted.HttpBase))
        {
            await BlockPipelineServer.WaitUntilConsumedAsync(client, pushed);
            await BlockPipelineServer.FlushAsync(restarted);

            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "blocks", TimeSpan.FromSeconds(30));
            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "all", TimeSpan.FromSeconds(30));
            await LineageStatus.ShouldBeHealthyAndFullyFlushedAsync(client, "after a SIGKILL during a flush");
            var blocks = await StoredBlocks.ListAsync(store, TenantIds);
            blocks.Should().OnlyContain(b => b.Meta != null && !b.IsCompacted, "the resumed cut finished every block it had started");
            blocks.Select(b => b.Tenant).Distinct().Should().BeEquivalentTo(TenantIds);
            await StoredBlocks.ShouldHoldEverySpanOnceAsync(store, pushed, "after a SIGKILL during a flush");
        }

        (await restarted.StopAsync()).Should().Be(0, restarted.Output);
        output.WriteLine($"done at {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Whether any tenant folder holds a file yet (a block's data.parquet is its first).</summary>
    private static bool AnyBlockFile(string blocksPath) =>
        Directory.Exists(blocksPath) && Directory.EnumerateFiles(blocksPath, "*", SearchOption.AllDirectories).Any();
}
