using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Benchmarks.Infrastructure;
using Tempo.Streaming.Cli.Measurement;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.LiveStore;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>
/// Issue 3's consumption figure measured in-process (a Stopwatch harness, not BenchmarkDotNet: one operation is millions of
/// spans and the interesting number is a sustained rate): an embedded ingest log is pre-filled with shop-workload records
/// exactly as the distributor writes them (<see cref="TraceDistributor"/> over the in-memory ring), then, per run, a
/// <see cref="LiveTraceStore"/> on a fresh RocksDB folder consumes every partition from offset 0 and the time until every
/// consumed offset reaches its high watermark gives spans/s applied to RocksDB. The live store's own
/// <c>tempo_live_store_spans_stored_total</c> must equal the pushed spans, so a broken path fails instead of looking fast.
/// </summary>
public static class LiveStoreConsumptionHarness
{
    public const string CommandName = "live-store-consumption";

    private const int SpansPerPush = 1000;
    private const int Producers = 8;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (!HarnessArguments.TryParse(args, out var arguments, out var error))
        {
            Console.Error.WriteLine($"{CommandName}: {error}");
            Console.Error.WriteLine(HarnessArguments.Usage);
            return 2;
        }

        var root = arguments.Directory ?? Path.Combine(Environment.GetEnvironmentVariable("TEMPO_BENCH_DIR") ?? Path.GetTempPath(),
            $"tempo-bench-live-store-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            var logOptions = EmbeddedLogOptions.Default(Path.Combine(root, "ingest")) with { Partitions = arguments.Partitions };
            await using var log = EmbeddedIngestLog.Open(logOptions);
            var pushed = await PrefillAsync(log, arguments.Spans);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"prefilled {pushed.Spans:#,0} spans ({pushed.Traces:#,0} traces, {pushed.Records:#,0} records, {pushed.RecordBytes / 1e6:0.0} MB of log segments) " +
                $"into {arguments.Partitions} partitions in {pushed.Elapsed.TotalSeconds:0.0} s"));

            var rates = new List<double>();
            var perCpuSecond = new List<double>();
            for (var run = 1; run <= arguments.Runs; run++)
            {
                var result = await ConsumeOnceAsync(log, Path.Combine(root, $"live-store-{run}"), arguments, pushed);
                rates.Add(result.SpansPerSecond);
                perCpuSecond.Add(result.SpansPerCpuSecond);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}/{arguments.Runs}: {result.Elapsed.TotalSeconds:0.00} s, {result.SpansPerSecond:#,0} spans/s ({result.SpansPerCpuSecond:#,0} per CPU-second), " +
                    $"{pushed.Records / result.Elapsed.TotalSeconds:#,0} records/s, {pushed.RecordBytes / 1e6 / result.Elapsed.TotalSeconds:0.0} MB/s of log segments, " +
                    $"RocksDB {result.DatabaseBytes / 1e6:0} MB on disk ({(double)result.DatabaseBytes / pushed.Spans:0} B/span), " +
                    $"consumption paused {result.Pauses}x"));
            }

            var median = Percentiles.Median(rates);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median {median:#,0} spans/s ({Percentiles.Median(perCpuSecond):#,0} per CPU-second) applied to RocksDB over {arguments.Runs} run(s) (max_live_traces_bytes {arguments.MaxLiveTracesBytes:#,0}, {Environment.ProcessorCount} cores)"));
            return 0;
        }
        finally
        {
            if (!arguments.Keep)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>Appends shop-workload pushes of about <paramref name="spans"/> spans through the distributor, as the server's receivers do.</summary>
    internal static async Task<Prefill> PrefillAsync(EmbeddedIngestLog log, long spans)
    {
        using var distributor = new TraceDistributor(log, new InMemoryPartitionRing(log.PartitionCount), DistributorOptions.Default);
        var workload = ShopBatches.Workload;
        var claimLock = new Lock();
        long nextTrace = 0;
        long claimedSpans = 0;
        long traces = 0;
        long accepted = 0;
        var clock = Stopwatch.StartNew();

        // Several producers, as the server's receivers have, so the embedded log group-commits its fsyncs.
        var producers = new Task[Producers];
        for (var p = 0; p < producers.Length; p++)
        {
            producers[p] = Task.Run(async () =>
            {
                var encoder = workload.CreateEncoder();
                using var writer = new ProtoBufferWriter(1 << 20);
                while (true)
                {
                    long first;
                    int count;
                    lock (claimLock)
                    {
                        if (claimedSpans >= spans)
                        {
                            return;
                        }

                        first = nextTrace;
                        count = workload.TracesForBatch(first, SpansPerPush, long.MaxValue, out var batchSpans);
                        nextTrace += count;
                        claimedSpans += batchSpans;
                    }

                    writer.Reset();
                    encoder.Encode(first, count, writer);
                    var result = await distributor.PushAsync(Tenants.SingleTenant, writer.WrittenMemory, CancellationToken.None);
                    if (result.RejectedSpans != 0 || result.ErrorMessage is not null)
                    {
                        throw new InvalidOperationException($"the distributor rejected {result.RejectedSpans} spans: {result.ErrorMessage}");
                    }

                    Interlocked.Add(ref accepted, result.AcceptedSpans);
                    Interlocked.Add(ref traces, count);
                }
            });
        }

        await Task.WhenAll(producers);
        long records = 0;
        long bytes = 0;
        for (var partition = 0; partition < log.PartitionCount; partition++)
        {
            var stats = log.GetPartitionStats(partition);
            records += stats.HighWatermark - stats.LogStartOffset;
            bytes += stats.Bytes;
        }

        return new Prefill(accepted, traces, records, bytes, clock.Elapsed);
    }

    private static async Task<RunResult> ConsumeOnceAsync(EmbeddedIngestLog log, string path, HarnessArguments arguments, Prefill pushed)
    {
        var highWatermarks = new long[log.PartitionCount];
        for (var partition = 0; partition < highWatermarks.Length; partition++)
        {
            highWatermarks[partition] = await log.GetHighWatermarkAsync(partition, CancellationToken.None);
        }

        using var counters = new LiveStoreCounters();
        var options = new LiveStoreOptions { Path = path, MaxLiveTracesBytes = arguments.MaxLiveTracesBytes };
        TimeSpan elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await using (var store = await LiveTraceStore.OpenAsync(options, log, NullLogger.Instance, null, CancellationToken.None))
        {
            var clock = Stopwatch.StartNew();
            store.Start();
            var deadline = TimeSpan.FromMinutes(30);
            while (!CaughtUp(store, highWatermarks))
            {
                if (clock.Elapsed > deadline)
                {
                    throw new TimeoutException($"the live store did not consume {pushed.Records} records within {deadline}");
                }

                await Task.Delay(1);
            }

            elapsed = clock.Elapsed;
        }
        // Until the store closed: the memtables it flushes on close are part of what consumption costs.
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;

        // Counters are read after the store closed: every instrument update of the last batch has happened.
        if (counters.StoredSpans != pushed.Spans)
        {
            throw new InvalidOperationException(
                $"the live store stored {counters.StoredSpans} spans of the {pushed.Spans} pushed (discarded {counters.DiscardedSpans})");
        }

        var databaseBytes = DirectoryBytes(path);
        Directory.Delete(path, recursive: true);
        return new RunResult(elapsed, pushed.Spans / elapsed.TotalSeconds, pushed.Spans / cpuSeconds, databaseBytes, counters.Pauses);
    }

    private static bool CaughtUp(LiveTraceStore store, long[] highWatermarks)
    {
        for (var partition = 0; partition < highWatermarks.Length; partition++)
        {
            if (store.GetConsumedOffset(partition) < highWatermarks[partition])
            {
                return false;
            }
        }

        return true;
    }

    private static long DirectoryBytes(string path)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
        }

        return total;
    }

    internal sealed record Prefill(long Spans, long Traces, long Records, long RecordBytes, TimeSpan Elapsed);

    private sealed record RunResult(TimeSpan Elapsed, double SpansPerSecond, double SpansPerCpuSecond, long DatabaseBytes, long Pauses);
}
