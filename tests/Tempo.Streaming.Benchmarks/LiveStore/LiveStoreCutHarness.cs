using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.LiveStore.Flushing;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>
/// The cost of the live store's block cuts alone, which a paced run cannot separate from consumption: a fresh live
/// store consumes the whole pre-filled log with flushing held off, closes, and reopens with default flush settings
/// (but a 1 s <c>max_block_duration</c>, so the last short range of each partition is due too); the flush loop then
/// cuts the log into <c>max_block_bytes</c> blocks back to back. Reported: the process's CPU-seconds from the reopen until every
/// partition's flushed offset is committed, per span flushed — the figure a steady state at a given rate needs.
/// </summary>
internal static class LiveStoreCutHarness
{
    public static async Task<int> RunAsync(SteadyStateArguments arguments, LiveStoreSteadyStateHarness.PrefillManifest manifest,
        EmbeddedIngestLog log, string storePath, string blocksPath, ILoggerFactory loggers)
    {
        var first = new long[log.PartitionCount];
        var end = new long[log.PartitionCount];
        for (var partition = 0; partition < end.Length; partition++)
        {
            var stats = log.GetPartitionStats(partition);
            (first[partition], end[partition]) = (stats.LogStartOffset, stats.HighWatermark);
        }
        // Everything arrives at once, stamped now; commits stay in memory, so the pre-filled log is not changed.
        var arrived = new PacedIngestLog(log, first, end, TimeSpan.FromMilliseconds(1));
        arrived.Start();

        var defaults = new LiveStoreOptions();
        var flush = defaults.Flush with
        {
            MaxBlockBytes = arguments.MaxBlockBytes ?? defaults.Flush.MaxBlockBytes,
            CheckInterval = TimeSpan.FromMilliseconds(200),
            MaxBlockDuration = TimeSpan.FromSeconds(1), // the last, short range of each partition is cut by age
        };
        var held = defaults with { Path = storePath, Flush = flush with { CheckInterval = TimeSpan.FromDays(1), MaxBlockDuration = TimeSpan.FromDays(1) } };
        var writer = new BlockWriter(new LocalObjectStore(blocksPath), arguments.CutWriterOptions,
            logger: loggers.CreateLogger<BlockWriter>());

        using var counters = new LiveStoreCounters();
        var consumeTime = Stopwatch.StartNew();
        await using (var store = await LiveTraceStore.OpenAsync(held, arrived, loggers.CreateLogger("Tempo.Streaming.LiveStore"), null, CancellationToken.None, writer))
        {
            store.Start();
            while (counters.StoredSpans < manifest.Spans && counters.DiscardedSpans == 0)
            {
                await Task.Delay(200);
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"consumed {counters.StoredSpans:#,0} spans with flushing held off in {consumeTime.Elapsed.TotalSeconds:0.0} s; cutting " +
            $"with max_block_bytes {flush.MaxBlockBytes:#,0}, zstd level {arguments.CutWriterOptions.CompressionLevel}"));

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var wall = Stopwatch.StartNew();
        await using (var store = await LiveTraceStore.OpenAsync(defaults with { Path = storePath, Flush = flush }, arrived,
                         loggers.CreateLogger("Tempo.Streaming.LiveStore"), null, CancellationToken.None, writer))
        {
            store.Start();
            while (!await AllFlushedAsync(arrived, store.ConsumerGroup, end) && counters.FailedFlushes == 0)
            {
                await Task.Delay(100);
            }
        }
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var seconds = wall.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cut {manifest.Spans:#,0} spans into {counters.BlocksFlushed:#,0} blocks in {seconds:0.0} s ({manifest.Spans / seconds:#,0} spans/s) using " +
            $"{cpuSeconds:0.0} CPU-s: {manifest.Spans / cpuSeconds:#,0} spans per CPU-second; allocated {(GC.GetTotalAllocatedBytes() - allocated) / (double)manifest.Spans:0} B/span; " +
            $"failed flushes {counters.FailedFlushes}; peak RSS (VmHWM) {ProcessSample.PeakRssMiB():0} MiB"));
        return counters.FailedFlushes == 0 && counters.DiscardedSpans == 0 ? 0 : 1;
    }

    private static async Task<bool> AllFlushedAsync(PacedIngestLog log, string group, long[] end)
    {
        for (var partition = 0; partition < end.Length; partition++)
        {
            if (await log.GetCommittedAsync(group, partition, CancellationToken.None) != end[partition])
            {
                return false;
            }
        }
        return true;
    }
}
