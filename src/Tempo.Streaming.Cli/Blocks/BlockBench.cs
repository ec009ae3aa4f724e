using System.Diagnostics;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Measurement;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>What one <c>blocks bench</c> run measured.</summary>
/// <param name="SpansPerSecond">Spans written per second of wall time (the writer runs on one thread).</param>
/// <param name="SpansPerCpuSecond">Spans written per second of process CPU time (GC threads included): the per-core rate.</param>
/// <param name="BytesPerSpan">data.parquet bytes per span.</param>
/// <param name="BytesPerSpanByFamily">data.parquet bytes per span, per column family.</param>
/// <param name="Warming">Trace-by-ID latency (ms) of the first pass of random lookups after the first one: the block reader
/// is open (footer, bloom, index, trace IDs cached) but many lookups are the first to touch their pages.</param>
/// <param name="Warm">Trace-by-ID latency (ms) of a second pass over other random IDs, once the page cache holds the block:
/// the "warm cache" figure.</param>
public sealed record BlockBenchRun(
    long Traces, long Spans, double WriteSeconds, double SpansPerSecond, double SpansPerCpuSecond, long DataBytes, double BytesPerSpan,
    IReadOnlyDictionary<string, double> BytesPerSpanByFamily, int RowGroups, LatencySummary Warming, LatencySummary Warm, double FirstLookupMs);

/// <summary>
/// The block figures of issue 5 on the standard "shop" workload: block write rate, stored bytes per span (by column
/// family), and trace-by-ID latency from the block. Traces are generated before the clock starts; the write covers
/// what a live store will do when it cuts a block — combine, sort, encode, compress, put data.parquet, bloom, index
/// and meta.json to the backend. Each run writes its own block (its own log range) and deletes it afterwards unless
/// asked to keep it.
/// </summary>
internal sealed class BlockBench(IObjectStore store, BlockBenchOptions options, TextWriter log)
{
    public async Task<IReadOnlyList<BlockBenchRun>> RunAsync(CancellationToken cancellationToken)
    {
        var workload = new ShopWorkload(options.Seed, DateTimeOffset.UtcNow.AddMinutes(-10));
        await log.WriteLineAsync($"generating {options.Traces} shop traces (seed {options.Seed})...");
        var fragments = new TraceFragment[options.Traces];
        long spans = 0;
        for (var i = 0; i < options.Traces; i++)
        {
            var request = workload.GenerateTrace(i);
            var trace = new Trace();
            trace.ResourceSpans.Add(request.ResourceSpans);
            fragments[i] = new TraceFragment(workload.TraceId(i), trace);
            spans += workload.SpanCount(i);
        }

        var runs = new List<BlockBenchRun>();
        for (var run = 0; run < options.Runs; run++)
        {
            runs.Add(await RunOnceAsync(workload, fragments, spans, run, cancellationToken));
        }
        return runs;
    }

    private async Task<BlockBenchRun> RunOnceAsync(ShopWorkload workload, TraceFragment[] fragments, long spans, int run, CancellationToken cancellationToken)
    {
        // Every run gets its own log range, hence its own block ID (a rerun of the same range would be a no-op write).
        var first = (long)run * fragments.Length + Environment.ProcessId * 1_000_000_000L;
        var lineage = new IngestLineage("bench", 0, first, first + fragments.Length - 1, fragments.Length, spans);
        var writer = new BlockWriter(store, new BlockWriterOptions { Compression = options.Compression });

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await writer.WriteAsync(options.Tenant, lineage, [], fragments, cancellationToken);
        clock.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var meta = result.Meta;

        var footprint = await BlockFootprint.ReadAsync(store, meta, cancellationToken);
        var byFamily = footprint.BytesByFamily.ToDictionary(kv => kv.Key, kv => (double)kv.Value / spans);

        // Each run reads its own block through the process-wide page cache, as a querier would; the counters show
        // how much of the run's lookups it served.
        var cache = Parquet.PageCache.Shared;
        var (hitsBefore, missesBefore) = (cache.Hits, cache.Misses);
        var reader = await BlockReader.OpenAsync(store, options.Tenant, meta.BlockId, cache, cancellationToken);
        var random = new Random(options.Seed.GetHashCode() ^ run);
        var firstLookup = Stopwatch.StartNew();
        await FindAsync(reader, workload, random.NextInt64(fragments.Length), cancellationToken);
        var firstLookupMs = firstLookup.Elapsed.TotalMilliseconds;
        var warming = await MeasureLookupsAsync(reader, workload, random, fragments.Length, cancellationToken);
        var warm = await MeasureLookupsAsync(reader, workload, random, fragments.Length, cancellationToken);

        var (hits, misses) = (cache.Hits - hitsBefore, cache.Misses - missesBefore);
        await log.WriteLineAsync(FormattableString.Invariant(
            $"page cache: {hits:N0} hits, {misses:N0} misses ({100.0 * hits / Math.Max(1, hits + misses):F1}% hits); holds {cache.Count:N0} pages, {cache.Bytes / 1048576.0:F1} of {cache.CapacityBytes / 1048576.0:F0} MiB"));

        if (!options.Keep)
        {
            await DeleteBlockAsync(meta, cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var outcome = new BlockBenchRun(fragments.Length, spans, seconds, spans / seconds, cpu > 0 ? spans / cpu : double.NaN, meta.Size,
            (double)meta.Size / spans, byFamily, meta.TotalRecords, warming, warm, firstLookupMs);
        await log.WriteLineAsync(FormattableString.Invariant(
            $"run {run + 1}: wrote {spans:N0} spans in {seconds:F2} s = {outcome.SpansPerSecond:N0} spans/s ({outcome.SpansPerCpuSecond:N0} per CPU-second); {outcome.BytesPerSpan:F1} B/span; by ID warming p50 {warming.P50Ms:F2} ms p99 {warming.P99Ms:F2} ms, warm p50 {warm.P50Ms:F2} ms p99 {warm.P99Ms:F2} ms"));
        return outcome;
    }

    /// <summary>Latency of <see cref="BlockBenchOptions.Lookups"/> lookups of random known trace IDs.</summary>
    private async Task<LatencySummary> MeasureLookupsAsync(BlockReader reader, ShopWorkload workload, Random random, int traces,
        CancellationToken cancellationToken)
    {
        var latencies = new List<double>(options.Lookups);
        for (var i = 0; i < options.Lookups; i++)
        {
            var index = random.NextInt64(traces);
            var started = Stopwatch.GetTimestamp();
            await FindAsync(reader, workload, index, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return Percentiles.Summarize(latencies);
    }

    private static async Task FindAsync(BlockReader reader, ShopWorkload workload, long index, CancellationToken cancellationToken)
    {
        var trace = await reader.FindTraceByIdAsync(workload.TraceId(index), cancellationToken);
        var found = 0;
        if (trace is not null)
        {
            foreach (var resourceSpans in trace.ResourceSpans)
            {
                foreach (var scopeSpans in resourceSpans.ScopeSpans)
                {
                    found += scopeSpans.Spans.Count;
                }
            }
        }
        if (found != workload.SpanCount(index))
        {
            throw new InvalidOperationException($"trace {workload.TraceIdHex(index)}: the block returned {found} spans, {workload.SpanCount(index)} were written");
        }
    }

    private async Task DeleteBlockAsync(BlockMeta meta, CancellationToken cancellationToken)
    {
        // meta.json first: without it the block no longer exists for readers, whatever is left behind.
        await store.DeleteAsync(BlockPaths.Meta(meta.TenantId, meta.BlockId), cancellationToken);
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(BlockPaths.BlockFolder(meta.TenantId, meta.BlockId), cancellationToken))
        {
            keys.Add(key);
        }
        foreach (var key in keys)
        {
            await store.DeleteAsync(key, cancellationToken);
        }
    }
}

/// <summary>Options of <c>blocks bench</c>.</summary>
internal sealed record BlockBenchOptions(int Traces, long Seed, int Runs, int Lookups, string Tenant, Parquet.CompressionCodec Compression, bool Keep);
