using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Cli.Blocks;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>blocks search-bench</c>: spans scanned per second per core by our TraceQL search over shop-workload blocks,
/// beside DuckDB running the equivalent SQL over the same data.parquet files. Exit code 1 when the two disagree on
/// a query's matched spans (the table is printed first).
/// </summary>
internal static class SearchBenchCommand
{
    public static Command Create()
    {
        var traces = new Option<int>("--traces") { Description = "Shop traces, split over two blocks", DefaultValueFactory = _ => 50_000 };
        var seed = new Option<long>("--seed") { Description = "Workload seed", DefaultValueFactory = _ => 42 };
        var runs = new Option<int>("--runs") { Description = "Timed runs per query and engine, after one warm-up", DefaultValueFactory = _ => 5 };
        var tenant = new Option<string>("--tenant") { Description = "Tenant of the blocks", DefaultValueFactory = _ => "bench" };
        var path = new Option<string?>("--path")
        {
            Description = "Blocks folder (a local backend) to search; written first when it holds no blocks of the tenant, kept afterwards (default: a temp folder deleted at the end)",
        };
        var autoDedicated = new Option<bool>("--auto-dedicated-columns") { Description = "Write the blocks with the most frequent string attributes in dedicated columns" };
        var node = new Option<string>("--node") { Description = "The node executable that runs DuckDB", DefaultValueFactory = _ => "node" };
        var script = new Option<string>("--duckdb-script")
        {
            Description = "tests/js/duckdb-bench.mjs (needs @duckdb/node-api beside it: scripts/install-test-deps.sh)",
            DefaultValueFactory = _ => "tests/js/duckdb-bench.mjs",
        };
        var summaryJson = new Option<string?>("--summary-json") { Description = "Also write the medians as JSON to this file" };
        traces.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 2)
            {
                result.AddError("--traces must be at least 2 (one per block)");
            }
        });
        runs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--runs must be at least 1");
            }
        });

        var command = new Command("search-bench", "TraceQL search spans/s per core over shop-workload blocks, beside DuckDB on the same files")
        {
            traces, seed, runs, tenant, path, autoDedicated, node, script, summaryJson,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SearchBenchOptions(parse.GetValue(traces), parse.GetValue(seed), parse.GetValue(runs), parse.GetValue(tenant)!,
                parse.GetValue(path), parse.GetValue(autoDedicated), parse.GetValue(node)!, parse.GetValue(script)!);
            if (!File.Exists(options.DuckDbScript))
            {
                await Console.Error.WriteLineAsync($"error: --duckdb-script '{options.DuckDbScript}' does not exist");
                return BlocksCommand.ExitUsage;
            }
            SearchBenchReport report;
            try
            {
                report = await new SearchBench(options, Console.Out).RunAsync(ct);
            }
            catch (Exception e) when (e is InvalidOperationException or BackendException or IOException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return BlocksCommand.ExitFailed;
            }
            Print(report);
            if (parse.GetValue(summaryJson) is { } file)
            {
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, SummaryJson), ct);
            }
            return report.Queries.All(q => q.Agrees) ? 0 : BlocksCommand.ExitFailed;
        });
        return command;
    }

    private static readonly JsonSerializerOptions SummaryJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static void Print(SearchBenchReport report)
    {
        var dedicated = report.DedicatedSpanColumns.Count == 0 ? "none" : string.Join(", ", report.DedicatedSpanColumns);
        Console.WriteLine();
        Console.WriteLine($"medians of {report.Runs} run(s), one core each: {report.Blocks} block(s), {report.Traces:N0} traces, {report.Spans:N0} spans scanned per run; dedicated span columns: {dedicated}");
        Console.WriteLine($"  {"query",-24} {"candidate",10} {"matched spans",-23} {"spans/s per core",-25} {"ours/DuckDB",11}  wall ms");
        Console.WriteLine($"  {"",-24} {"traces",10} {"ours",11} {"DuckDB",11} {"ours",12} {"DuckDB",12} {"",11}  {"ours",8} {"DuckDB",8}");
        foreach (var q in report.Queries)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {q.Name,-24} {q.CandidateTraces,10:N0} {q.Matched,11:N0} {q.DuckDbMatched,11:N0} {q.SpansPerCpuSecond,12:N0} {q.DuckDbSpansPerCpuSecond,12:N0} {q.Ratio,10:F2}x  {q.WallMs,8:F0} {q.DuckDbWallMs,8:F0}{(q.Agrees ? "" : "  MISMATCH")}"));
        }
        foreach (var q in report.Queries)
        {
            Console.WriteLine($"  {q.Name,-24} {q.TraceQL}");
        }
    }
}
