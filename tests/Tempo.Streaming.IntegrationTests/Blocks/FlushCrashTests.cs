using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Core.Diagnostics;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>
/// Issue 6's crash tests for the live store's flush, with the real binary. The process is made to die exactly at a
/// point between two durable steps of a cut (<see cref="CrashPoints"/>): after a block's data.parquet before its
/// meta.json, after the cut's blocks before the flushed offset, after the flushed offset before the group commit.
/// Restarted on the same data without the crash point, pushed to again and flushed again, it must answer every
/// acknowledged trace complete and once from the blocks and merged, report a lineage without gap or overlap, and its
/// blocks must hold every span exactly once — a resumed cut rewrote the same range under the same block ID instead of
/// a second copy.
/// </summary>
[Collection(BlockProcessesCollection.Name)]
public sealed class FlushCrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new("tempo-it-flush-crash");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(CrashPoints.BlockAfterData)]
    [InlineData(CrashPoints.FlushAfterBlocks)]
    [InlineData(CrashPoints.FlushBeforeCommit)]
    public async Task A_flush_killed_at_a_crash_point_is_resumed_without_loss_or_duplicates(string crashPoint)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var workload = new ShopWorkload(6200, ShopPush.MidPreviousHour());
        var store = new LocalObjectStore(BlockPipelineServer.BlocksPath(_dir.Path));
        List<PushedTrace> beforeCrash;
        await using (var armed = await BlockPipelineServer.StartAsync(_dir.Path, TimeSpan.FromHours(1), crashPoint))
        {
            using var client = new TempoQueryClient(armed.HttpBase);
            beforeCrash = await ShopPush.PushAsync(armed.Ports.OtlpGrpc, workload, 0, 150, Path.Combine(_dir.Path, "acked-1.tsv"));
            await BlockPipelineServer.WaitUntilConsumedAsync(client, beforeCrash);
            (await CrashedServer.FlushExpectingCrashAsync(armed)).Should().BeNull("the process dies before /flush answers");
            await CrashedServer.ShouldDieAtAsync(armed, crashPoint);
        }

        // What the crash left behind, as the point promises.
        var left = await StoredBlocks.ListAsync(store);
        output.WriteLine($"{crashPoint}: crashed at {clock.Elapsed.TotalSeconds:0.0} s leaving {left.Count} block folders " +
                         $"({left.Count(b => b.Meta is null)} without meta.json)");
        if (crashPoint == CrashPoints.BlockAfterData)
        {
            left.Should().ContainSingle("the first block's data.parquet was written, nothing after it");
            left[0].Meta.Should().BeNull("meta.json is written last, so the unfinished block is invisible");
        }
        else
        {
            left.Should().NotBeEmpty().And.OnlyContain(b => b.Meta != null, "every block of the cut is complete");
        }

        await using var restarted = await BlockPipelineServer.StartAsync(_dir.Path, TimeSpan.FromHours(1));
        using (var client = new TempoQueryClient(restarted.HttpBase))
        {
            var afterRestart = await ShopPush.PushAsync(restarted.Ports.OtlpGrpc, workload, 150, 150, Path.Combine(_dir.Path, "acked-2.tsv"));
            var pushed = beforeCrash.Concat(afterRestart).ToList();
            await BlockPipelineServer.WaitUntilConsumedAsync(client, pushed);
            await BlockPipelineServer.FlushAsync(restarted);

            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "blocks", TimeSpan.FromSeconds(30));
            await TraceByIdChecks.ShouldFindEveryTraceAsync(client, pushed, "all", TimeSpan.FromSeconds(30));
            await LineageStatus.ShouldBeHealthyAndFullyFlushedAsync(client, $"after a crash at {crashPoint}");

            var blocks = await StoredBlocks.ListAsync(store);
            blocks.Should().OnlyContain(b => b.Meta != null && !b.IsCompacted, "the resumed cut finished every block it had started");
            foreach (var before in left)
                blocks.Should().Contain(b => b.BlockId == before.BlockId, $"the resumed cut wrote block {before.BlockId} under the same ID");
            await StoredBlocks.ShouldHoldEverySpanOnceAsync(store, pushed, $"after a crash at {crashPoint}");
        }

        (await restarted.StopAsync()).Should().Be(0, restarted.Output);
        output.WriteLine($"{crashPoint}: done at {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
