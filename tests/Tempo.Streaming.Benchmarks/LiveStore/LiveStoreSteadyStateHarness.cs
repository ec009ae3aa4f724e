using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.LiveStore.Flushing;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>
/// Issue 6's steady-state figure for the live store on its own, as issue 3 measured consumption: the live store (the
/// partition's flush owner) consumes the shop workload arriving at the ingest target and cuts blocks to a local backend,
/// with nothing else on the machine's cores. <c>prefill</c> writes the workload into an embedded log through the
/// distributor once (its own process, so its memory is not in the figure); each <c>run</c> opens a fresh live store
/// with default settings over a <see cref="PacedIngestLog"/> that releases the pre-filled records at <c>--rate</c>
/// spans/s, and samples every <c>--interval</c> seconds what scripts/bench-steady-state.sh samples of a server (same
/// TSV columns, same log lines), then keeps sampling <c>--drain</c> seconds after the last record arrived. <c>cut</c>
/// measures the block cuts alone (<see cref="LiveStoreCutHarness"/>).
/// </summary>
public static class LiveStoreSteadyStateHarness
{
    public const string CommandName = "live-store-steady-state";

    private const string ManifestName = "prefill.json";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (!SteadyStateArguments.TryParse(args, out var arguments, out var error))
        {
            Console.Error.WriteLine($"{CommandName}: {error}");
            Console.Error.WriteLine(SteadyStateArguments.Usage);
            return 2;
        }

        return arguments.Phase == "prefill" ? await PrefillAsync(arguments) : await RunOverPrefillAsync(arguments);
    }

    private static async Task<int> PrefillAsync(SteadyStateArguments arguments)
    {
        Directory.CreateDirectory(arguments.Directory);
        await using var log = EmbeddedIngestLog.Open(LogOptions(arguments.Directory, arguments.Partitions));
        var pushed = await LiveStoreConsumptionHarness.PrefillAsync(log, arguments.Spans);
        var manifest = new PrefillManifest(arguments.Partitions, pushed.Spans, pushed.Traces, pushed.Records, pushed.RecordBytes);
        await File.WriteAllTextAsync(Path.Combine(arguments.Directory, ManifestName), JsonSerializer.Serialize(manifest));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prefilled {pushed.Spans:#,0} spans ({pushed.Traces:#,0} traces, {pushed.Records:#,0} records, {pushed.RecordBytes / 1e6:0} MB of log segments) " +
            $"into {arguments.Partitions} partitions in {pushed.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    /// <summary>A run or a cut: a fresh live store (and blocks folder) over the pre-filled log.</summary>
    private static async Task<int> RunOverPrefillAsync(SteadyStateArguments arguments)
    {
        var manifestPath = Path.Combine(arguments.Directory, ManifestName);
        if (!File.Exists(manifestPath))
        {
            Console.Error.WriteLine($"{CommandName}: {manifestPath} is missing: run prefill first");
            return 2;
        }

        var manifest = JsonSerializer.Deserialize<PrefillManifest>(await File.ReadAllTextAsync(manifestPath))!;
        var storePath = Path.Combine(arguments.Directory, "live-store");
        var blocksPath = Path.Combine(arguments.Directory, "blocks");
        foreach (var leftover in new[] { storePath, blocksPath })
        {
            if (Directory.Exists(leftover))
            {
                Directory.Delete(leftover, recursive: true);
            }
        }

        Directory.CreateDirectory(blocksPath);
        await using var log = EmbeddedIngestLog.Open(LogOptions(arguments.Directory, manifest.Partitions));
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(options =>
            {
                // The server's format: scripts/lib/steady-state-report.py reads block write times and cuts from these lines.
                options.SingleLine = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                options.ColorBehavior = LoggerColorBehavior.Disabled;
            }));
        return arguments.Phase == "cut"
            ? await LiveStoreCutHarness.RunAsync(arguments, manifest, log, storePath, blocksPath, loggers)
            : await RunPacedAsync(arguments, manifest, log, storePath, blocksPath, loggers);
    }

    private static async Task<int> RunPacedAsync(SteadyStateArguments arguments, PrefillManifest manifest, EmbeddedIngestLog log,
        string storePath, string blocksPath, ILoggerFactory loggers)
    {
        var first = new long[log.PartitionCount];
        var end = new long[log.PartitionCount];
        for (var partition = 0; partition < first.Length; partition++)
        {
            var stats = log.GetPartitionStats(partition);
            (first[partition], end[partition]) = (stats.LogStartOffset, stats.HighWatermark);
        }

        var window = TimeSpan.FromSeconds((double)manifest.Spans / arguments.Rate);
        var paced = new PacedIngestLog(log, first, end, window);
        using var counters = new LiveStoreCounters();
        var defaults = new LiveStoreOptions();
        var options = defaults with
        {
            Path = storePath,
            Flush = arguments.MaxBlockBytes is { } maxBlockBytes ? defaults.Flush with { MaxBlockBytes = maxBlockBytes } : defaults.Flush,
        };
        var writer = new BlockWriter(new LocalObjectStore(blocksPath), arguments.CutWriterOptions, logger: loggers.CreateLogger<BlockWriter>());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live store alone: {manifest.Spans:#,0} pre-filled spans ({manifest.Records:#,0} records in {manifest.Partitions} partitions) arriving at " +
            $"{arguments.Rate:#,0} spans/s for {window.TotalSeconds:0} s, max_block_bytes {options.Flush.MaxBlockBytes:#,0}, " +
            $"zstd level {arguments.CutWriterOptions.CompressionLevel}, {Environment.ProcessorCount} cores"));

        var sampler = new SteadyStateSampler(arguments.Samples, paced, counters);
        await using (var store = await LiveTraceStore.OpenAsync(options, paced, loggers.CreateLogger("Tempo.Streaming.LiveStore"), null,
                         CancellationToken.None, writer))
        {
            paced.Start();
            store.Start();
            var next = TimeSpan.Zero;
            DateTime? drainEnd = null;
            while (drainEnd is null || DateTime.UtcNow < drainEnd)
            {
                if (paced.Elapsed >= next)
                {
                    await sampler.SampleAsync(store, paced.AllArrived ? "drain" : "load");
                    next += TimeSpan.FromSeconds(arguments.IntervalSeconds);
                }

                if (drainEnd is null && paced.AllArrived)
                {
                    drainEnd = DateTime.UtcNow.AddSeconds(arguments.DrainSeconds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"push ended at {paced.Elapsed.TotalSeconds:0} s"));
                }

                await Task.Delay(200);
            }
        }

        var peakRss = ProcessSample.PeakRssMiB();
        var caughtUp = counters.StoredSpans == manifest.Spans;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stored {counters.StoredSpans:#,0} of {manifest.Spans:#,0} spans ({(caughtUp ? "all" : "NOT all")} consumed by the end of the drain), " +
            $"discarded {counters.DiscardedSpans:#,0}, blocks {counters.BlocksFlushed}, failed flushes {counters.FailedFlushes}; peak RSS (VmHWM) {peakRss:0} MiB"));
        return counters.FailedFlushes == 0 && counters.DiscardedSpans == 0 ? 0 : 1;
    }

    private static EmbeddedLogOptions LogOptions(string directory, int partitions) =>
        EmbeddedLogOptions.Default(Path.Combine(directory, "ingest")) with { Partitions = partitions };

    internal sealed record PrefillManifest(int Partitions, long Spans, long Traces, long Records, long RecordBytes);
}
