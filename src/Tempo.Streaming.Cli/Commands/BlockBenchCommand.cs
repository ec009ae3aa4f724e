using System.CommandLine;
using System.Text.Json;
using Tempo.Streaming.Cli.Blocks;
using Tempo.Streaming.Cli.Measurement;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>blocks bench</c>: the issue-5 block figures on the standard workload — write rate, bytes per span (by column
/// family) and trace-by-ID latency — as medians of several runs against the chosen backend.
/// </summary>
internal static class BlockBenchCommand
{
    public static Command Create()
    {
        var backend = new BackendOptionSet();
        var traces = new Option<int>("--traces") { Description = "Shop traces per block", DefaultValueFactory = _ => 50_000 };
        var seed = new Option<long>("--seed") { Description = "Workload seed", DefaultValueFactory = _ => 42 };
        var runs = new Option<int>("--runs") { Description = "Blocks written (the figures are medians over them)", DefaultValueFactory = _ => 3 };
        var lookups = new Option<int>("--lookups") { Description = "Trace-by-ID lookups per block", DefaultValueFactory = _ => 2000 };
        var tenant = new Option<string>("--tenant") { Description = "Tenant the bench blocks are written under", DefaultValueFactory = _ => "bench" };
        var compression = new Option<string>("--compression") { Description = "data.parquet codec: zstd, snappy, gzip, none", DefaultValueFactory = _ => "zstd" };
        compression.AcceptOnlyFromAmong("zstd", "snappy", "gzip", "none");
        var keep = new Option<bool>("--keep") { Description = "Keep the bench blocks (default: delete each after measuring)" };
        var summaryJson = new Option<string?>("--summary-json") { Description = "Also write the medians as JSON to this file" };
        foreach (var option in new[] { traces, runs, lookups })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{result.Option.Name} must be at least 1");
                }
            });
        }

        var command = new Command("bench", "Block figures on the shop workload: write spans/s, bytes per span by column family, trace-by-ID p50/p99")
        {
            traces, seed, runs, lookups, tenant, compression, keep, summaryJson,
        };
        backend.AddTo(command);
        command.SetAction((parse, ct) => BlocksCommand.WithStore(backend, parse, async store =>
        {
            var codec = parse.GetValue(compression) switch
            {
                "snappy" => CompressionCodec.Snappy,
                "gzip" => CompressionCodec.Gzip,
                "none" => CompressionCodec.Uncompressed,
                _ => CompressionCodec.Zstd,
            };
            var options = new BlockBenchOptions(parse.GetValue(traces), parse.GetValue(seed), parse.GetValue(runs), parse.GetValue(lookups),
                parse.GetValue(tenant)!, codec, parse.GetValue(keep));
            var results = await new BlockBench(store, options, Console.Out).RunAsync(ct);
            var summary = Summarize(store.Description, options, results);
            Print(summary);
            if (parse.GetValue(summaryJson) is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(summary, SummaryJson), ct);
            }
            return 0;
        }));
        return command;
    }

    private static readonly JsonSerializerOptions SummaryJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Medians over the runs.</summary>
    internal sealed record BlockBenchSummary(string Backend, string Compression, int Runs, long Traces, long Spans, double SpansPerSecond,
        double SpansPerCpuSecond, double BytesPerSpan, IReadOnlyDictionary<string, double> BytesPerSpanByFamily, double RowGroups,
        double WarmingLookupP50Ms, double WarmingLookupP99Ms, double LookupP50Ms, double LookupP99Ms, double FirstLookupMs);

    private static BlockBenchSummary Summarize(string backend, BlockBenchOptions options, IReadOnlyList<BlockBenchRun> runs)
    {
        double Median(Func<BlockBenchRun, double> pick) => Percentiles.Median(runs.Select(pick).ToArray());
        var families = runs[0].BytesPerSpanByFamily.Keys.ToDictionary(f => f, f => Median(r => r.BytesPerSpanByFamily[f]));
        return new BlockBenchSummary(backend, options.Compression.ToString(), runs.Count, runs[0].Traces, runs[0].Spans,
            Median(r => r.SpansPerSecond), Median(r => r.SpansPerCpuSecond), Median(r => r.BytesPerSpan), families, Median(r => r.RowGroups),
            Median(r => r.Warming.P50Ms), Median(r => r.Warming.P99Ms), Median(r => r.Warm.P50Ms), Median(r => r.Warm.P99Ms),
            Median(r => r.FirstLookupMs));
    }

    private static void Print(BlockBenchSummary s)
    {
        Console.WriteLine();
        Console.WriteLine($"medians of {s.Runs} run(s), {s.Backend}, {s.Compression}, {s.Traces:N0} traces / {s.Spans:N0} spans per block:");
        Console.WriteLine(FormattableString.Invariant($"  write        {s.SpansPerSecond,12:N0} spans/s wall, {s.SpansPerCpuSecond:N0} spans per CPU-second"));
        Console.WriteLine(FormattableString.Invariant($"  stored       {s.BytesPerSpan,12:F1} bytes/span ({s.RowGroups} row groups)"));
        foreach (var (family, bytes) in s.BytesPerSpanByFamily.OrderByDescending(kv => kv.Value))
        {
            Console.WriteLine(FormattableString.Invariant($"    {family,-12}{bytes,10:F2} bytes/span"));
        }
        Console.WriteLine(FormattableString.Invariant($"  trace by ID  warm p50 {s.LookupP50Ms:F2} ms, p99 {s.LookupP99Ms:F2} ms (second pass of lookups: the page cache holds what the first pass read)"));
        Console.WriteLine(FormattableString.Invariant($"               warming p50 {s.WarmingLookupP50Ms:F2} ms, p99 {s.WarmingLookupP99Ms:F2} ms (first pass; first lookup of a block {s.FirstLookupMs:F1} ms)"));
    }
}
