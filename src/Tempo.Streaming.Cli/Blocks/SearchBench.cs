using System.Diagnostics;
using System.Globalization;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Cli.Measurement;
using Tempo.Streaming.Parquet;
using Tempo.Streaming.Parquet.Scanning;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Engine;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>Options of <c>blocks search-bench</c>; <paramref name="Path"/> null = a temp folder deleted at the end.</summary>
internal sealed record SearchBenchOptions(int Traces, long Seed, int Runs, string Tenant, string? Path, bool AutoDedicatedColumns,
    string Node, string DuckDbScript);

/// <summary>
/// One query's medians. Spans per CPU-second divide every span of the blocks (what a scan covers) by the CPU time of the
/// whole process: ours with its GC and JIT threads, node with DuckDB's.
/// </summary>
internal sealed record SearchBenchResult(string Name, string TraceQL, long CandidateTraces, long Matched, long DuckDbMatched,
    double SpansPerCpuSecond, double DuckDbSpansPerCpuSecond, double WallMs, double DuckDbWallMs)
{
    public bool Agrees => Matched == DuckDbMatched;

    /// <summary>Above 1: our engine scans more spans per core-second than DuckDB.</summary>
    public double Ratio => SpansPerCpuSecond / DuckDbSpansPerCpuSecond;
}

internal sealed record SearchBenchReport(string Folder, int Blocks, long Traces, long Spans, int Runs, IReadOnlyList<string> DedicatedSpanColumns,
    IReadOnlyList<SearchBenchResult> Queries);

/// <summary>
/// TraceQL search over vParquet4 blocks of the shop workload beside DuckDB running the equivalent SQL over the same
/// data.parquet files, both on one core. Ours runs as a querier job does: condition pushed down, candidate traces
/// decoded and evaluated; each run opens fresh readers with a fresh page cache, so no run gets decoded pages from the
/// one before (DuckDB decodes again on each run too). Both find the files in the OS page cache.
/// </summary>
internal sealed class SearchBench(SearchBenchOptions options, TextWriter log)
{
    private const int BlockCount = 2;

    public async Task<SearchBenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var folder = options.Path ?? Directory.CreateTempSubdirectory("search-bench-").FullName;
        try
        {
            var store = new LocalObjectStore(folder);
            var (metas, generatedSpans) = await BlocksAsync(store, cancellationToken);
            var files = metas.Select(m => Path.Combine(store.Root, BlockPaths.Data(m.TenantId, m.BlockId))).ToList();
            var duckDb = new DuckDbBench(options.Node, options.DuckDbScript);

            var spans = long.Parse((await duckDb.RunAsync(files, SearchBenchQueries.CountSpans, 1, cancellationToken)).Result, CultureInfo.InvariantCulture);
            if (generatedSpans is { } generated && generated != spans)
            {
                await log.WriteLineAsync($"MISMATCH: the workload generated {generated:N0} spans, DuckDB counts {spans:N0} in the blocks");
            }
            await log.WriteLineAsync($"{metas.Count} block(s), {metas.Sum(m => m.TotalObjects):N0} traces, {spans:N0} spans; {options.Runs} timed run(s) per query after a warm-up");

            var results = new List<SearchBenchResult>();
            foreach (var query in SearchBenchQueries.All)
            {
                await log.WriteLineAsync($"{query.Name}: {query.TraceQL}");
                var (candidates, matched, ours) = await MeasureOursAsync(store, metas, query, cancellationToken);
                var duck = await MeasureDuckDbAsync(duckDb, metas, files, query, cancellationToken);
                var duckMatched = long.Parse(duck.Result, CultureInfo.InvariantCulture);
                if (duckMatched != matched)
                {
                    await log.WriteLineAsync($"MISMATCH: {query.Name}: our search matched {matched:N0} spans, DuckDB {duckMatched:N0}");
                }
                results.Add(new SearchBenchResult(query.Name, query.TraceQL, candidates, matched, duckMatched,
                    Percentiles.Median([.. ours.Select(r => spans / (r.CpuMs / 1000))]),
                    Percentiles.Median([.. duck.Runs.Select(r => spans / (r.CpuMs / 1000))]),
                    Percentiles.Median([.. ours.Select(r => r.WallMs)]), Percentiles.Median([.. duck.Runs.Select(r => r.WallMs)])));
            }

            var dedicated = metas.SelectMany(m => m.DedicatedColumns).Where(c => c.Scope == DedicatedColumn.ScopeSpan)
                .Select(c => c.Name).Distinct().ToList();
            return new SearchBenchReport(folder, metas.Count, metas.Sum(m => m.TotalObjects), spans, options.Runs, dedicated, results);
        }
        finally
        {
            if (options.Path is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>The tenant's live blocks in the folder, or, when it has none, <see cref="BlockCount"/> new ones and their span count.</summary>
    private async Task<(List<BlockMeta> Metas, long? GeneratedSpans)> BlocksAsync(LocalObjectStore store, CancellationToken cancellationToken)
    {
        var metas = new List<BlockMeta>();
        await foreach (var entry in BlockCatalog.ListBlocksAsync(store, options.Tenant, cancellationToken))
        {
            if (entry is { Meta: { } meta, IsCompacted: false })
            {
                metas.Add(meta);
            }
        }
        if (metas.Count > 0)
        {
            await log.WriteLineAsync($"reusing the {metas.Count} block(s) of tenant {options.Tenant} in {store.Root}");
            return (metas, null);
        }

        var workload = new ShopWorkload(options.Seed, DateTimeOffset.UtcNow.AddMinutes(-10));
        var writer = new BlockWriter(store, new BlockWriterOptions { AutoDedicatedColumns = options.AutoDedicatedColumns });
        long total = 0;
        for (var block = 0; block < BlockCount; block++)
        {
            var first = (long)block * options.Traces / BlockCount;
            var end = (long)(block + 1) * options.Traces / BlockCount;
            await log.WriteLineAsync($"writing block {block + 1} of {BlockCount}: shop traces {first:N0}..{end - 1:N0} (seed {options.Seed}) to {store.Root}");
            var fragments = new List<TraceFragment>();
            long spans = 0;
            for (var i = first; i < end; i++)
            {
                var trace = new Trace();
                trace.ResourceSpans.Add(workload.GenerateTrace(i).ResourceSpans);
                fragments.Add(new TraceFragment(workload.TraceId(i), trace));
                spans += workload.SpanCount(i);
            }
            var lineage = new IngestLineage("search-bench", 0, first, end - 1, end - first, spans);
            metas.Add((await writer.WriteAsync(options.Tenant, lineage, [], fragments, cancellationToken)).Meta);
            total += spans;
        }
        return (metas, total);
    }

    private sealed record OurRun(double WallMs, double CpuMs);

    private async Task<(long Candidates, long Matched, List<OurRun> Runs)> MeasureOursAsync(IObjectStore store, List<BlockMeta> metas,
        SearchBenchQuery query, CancellationToken cancellationToken)
    {
        var search = TraceQLSearch.Compile(TraceQLParser.ParseValid(query.TraceQL));
        var runs = new List<OurRun>();
        long candidates = 0, matched = 0;
        for (var run = 0; run <= options.Runs; run++)
        {
            // The previous run's garbage is not this run's cost.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            (candidates, matched) = await ScanAsync(store, metas, search, cancellationToken);
            var wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
            if (run > 0)
            {
                runs.Add(new OurRun(wallMs, cpuMs));
                await log.WriteLineAsync(FormattableString.Invariant(
                    $"  ours   run {run}: {wallMs,8:F0} ms wall, {cpuMs,8:F0} ms CPU; {candidates:N0} candidate traces, {matched:N0} spans matched"));
            }
        }
        return (candidates, matched, runs);
    }

    private static async Task<(long Candidates, long Matched)> ScanAsync(IObjectStore store, List<BlockMeta> metas, TraceQLSearch search,
        CancellationToken cancellationToken)
    {
        var pageCache = new PageCache(PageCache.DefaultCapacityBytes);
        long candidates = 0, matched = 0;
        foreach (var meta in metas)
        {
            var reader = await BlockReader.OpenAsync(store, meta.TenantId, meta.BlockId, pageCache, cancellationToken);
            await foreach (var (traceId, trace) in reader.ReadCandidateTracesAsync(search.Condition, new ScanStatistics(), cancellationToken))
            {
                candidates++;
                foreach (var spanset in search.Evaluate(OtlpTraceModel.Build(traceId, trace)))
                {
                    matched += spanset.Spans.Count;
                }
            }
        }
        return (candidates, matched);
    }

    /// <summary>
    /// DuckDB over every file at once, or, when the blocks keep a queried attribute in different places, over each
    /// group of alike files in turn: the result and each run's times are then the sums over the groups.
    /// </summary>
    private async Task<DuckDbTiming> MeasureDuckDbAsync(DuckDbBench duckDb, List<BlockMeta> metas, List<string> files, SearchBenchQuery query,
        CancellationToken cancellationToken)
    {
        var groups = metas.Select((meta, i) => (Sql: query.Sql(SpanSql.For(meta)), File: files[i])).GroupBy(g => g.Sql).ToList();
        long result = 0;
        var wallMs = new double[options.Runs];
        var cpuMs = new double[options.Runs];
        foreach (var group in groups)
        {
            await log.WriteLineAsync($"  DuckDB SQL{(groups.Count > 1 ? $" ({group.Count()} of the files)" : "")}: {group.Key}");
            var timing = await duckDb.RunAsync([.. group.Select(g => g.File)], group.Key, options.Runs, cancellationToken);
            result += long.Parse(timing.Result, CultureInfo.InvariantCulture);
            for (var run = 0; run < options.Runs; run++)
            {
                wallMs[run] += timing.Runs[run].WallMs;
                cpuMs[run] += timing.Runs[run].CpuMs;
            }
        }
        for (var run = 0; run < options.Runs; run++)
        {
            await log.WriteLineAsync(FormattableString.Invariant(
                $"  DuckDB run {run + 1}: {wallMs[run],8:F0} ms wall, {cpuMs[run],8:F0} ms CPU; {result:N0} spans matched"));
        }
        return new DuckDbTiming(result.ToString(CultureInfo.InvariantCulture), [.. wallMs.Zip(cpuMs, (w, c) => new DuckDbRun(w, c))]);
    }
}
