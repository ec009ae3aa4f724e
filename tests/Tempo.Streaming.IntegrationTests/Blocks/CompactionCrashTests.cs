using System.Net;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Core.Diagnostics;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// Issue 6's crash test for compaction, with the real single binary (which runs the compactor): two flushes of a
/// one-partition log make two blocks in one compaction window, a one-second compaction cycle merges them, and the process dies once the merged
/// block is durable but before its inputs are marked compacted — the moment two live copies of every span exist.
/// Restarted without the crash point, the compactor must settle that (every span in exactly one live block) while
/// trace by ID, from blocks and merged, never shows a span twice and the lineage stays without gap or overlap.
/// </summary>
[Collection(BlockProcessesCollection.Name)]
public sealed class CompactionCrashTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan CompactionCycle = TimeSpan.FromSeconds(1);

    private readonly TempDir _dir = new("tempo-it-compaction-crash");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_compaction_killed_after_its_output_leaves_every_span_once_after_a_restart()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // One base time for both pushes, mid-hour: both flushes' blocks end in the same one-hour compaction window.
        var workload = new ShopWorkload(6300, ShopPush.MidPreviousHour());
        var store = new LocalObjectStore(BlockPipelineServer.BlocksPath(_dir.Path));
        List<PushedTrace> pushed;
        await using (var armed = await BlockPipelineServer.StartAsync(_dir.Path, CompactionCycle, CrashPoints.CompactionAfterOutput, partitions: 1))
        {
            using var client = new TempoQueryClient(armed.HttpBase);
            var first = await ShopPush.PushAsync(armed.Ports.OtlpGrpc, workload, 0, 150, Path.Combine(_dir.Path, "acked-1.tsv"));
            await BlockPipelineServer.WaitUntilConsumedAsync(client, first);
            await BlockPipelineServer.FlushAsync(armed);
            var second = await ShopPush.PushAsync(armed.Ports.OtlpGrpc, workload, 150, 150, Path.Combine(_dir.Path, "acked-2.tsv"));
            pushed = first.Concat(second).ToList();
            await BlockPipelineServer.WaitUntilConsumedAsync(client, second);

            // One partition, so the first flush made one block (nothing to merge) and the second flush makes the
            // second block in the window, which the next compaction cycle merges with the first. That cycle may begin before this flush has answered (once the blocks' meta.json exist), so the
            // flush may see the process die: either outcome leaves a state the restart must handle.
            var flush = await CrashedServer.FlushExpectingCrashAsync(armed);
            (flush is null or HttpStatusCode.NoContent).Should().BeTrue($"the flush succeeds or the compaction crash interrupts it (got {flush})");
            await CrashedServer.ShouldDieAtAsync(armed, CrashPoints.CompactionAfterOutput);
            output.WriteLine($"compaction crash at {clock.Elapsed.TotalSeconds:0.0} s (second flush: {flush?.ToString() ?? "interrupted"})");
        }

        var left = await StoredBlocks.ListAsync(store);
        var merged = left.Where(b => b.Meta is { CompactionLevel: > 0 } && !b.IsCompacted).ToList();
        merged.Should().ContainSingle("the compaction's output block is durable when the process dies");
        var inputs = merged[0].Meta!.IngestRanges;
        inputs.Should().HaveCountGreaterThanOrEqualTo(2, "the merged block records the offset ranges of its inputs");
        left.Count(b => b.Meta is { CompactionLevel: 0 } && !b.IsCompacted).Should().BeGreaterThanOrEqualTo(2,
            "the inputs are not marked compacted yet: two live copies of their spans exist");
        (await StoredBlocks.DifferencesAsync(store, pushed)).Should().Contain("is in 2 live blocks",
            "the crash left the window in which the output and its inputs both hold the spans");

        await using var restarted = await BlockPipelineServer.StartAsync(_dir.Path, CompactionCycle, partitions: 1);
        using (var client = new TempoQueryClient(restarted.HttpBase))
        {
            await BlockPipelineServer.WaitUntilConsumedAsync(client, pushed);
            await BlockPipelineServer.FlushAsync(restarted);

            // Before and while the compactor settles the duplicates, queries dedupe them.
            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "blocks", TimeSpan.FromSeconds(30));
            await StoredBlocks.WaitUntilEverySpanOnceAsync(store, pushed, TimeSpan.FromSeconds(60), "after the compaction crash");
            output.WriteLine($"compactor settled the duplicate copies at {clock.Elapsed.TotalSeconds:0.0} s");

            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "blocks", TimeSpan.FromSeconds(30));
            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "all", TimeSpan.FromSeconds(30));
            await LineageStatus.ShouldBeHealthyAndFullyFlushedAsync(client, "after the compaction crash");
            (await StoredBlocks.ListAsync(store)).Should().Contain(b => b.BlockId == merged[0].BlockId && !b.IsCompacted,
                "the merged block written before the crash is kept (not replaced by a second merge of the same inputs)");
        }

        (await restarted.StopAsync()).Should().Be(0, restarted.Output);
        output.WriteLine($"done at {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
