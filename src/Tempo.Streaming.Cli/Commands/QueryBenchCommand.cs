using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tempo.Streaming.Cli.QueryBench;
using Tempo.Streaming.Cli.Querying;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli query-bench</c>: trace-by-ID latency for random known IDs (BENCHMARKS.md), IDs from a
/// <c>load --acked-out</c> file. Exit codes: 0 every answer complete, 1 some answer missing / wrong / failed, 2 bad usage.
/// </summary>
public static class QueryBenchCommand
{
    public static Command Create() => new Definition().Command;

    /// <summary>Parses and validates a command line (without running it): the options, or the problems with them.</summary>
    public static (QueryBenchOptions? Options, IReadOnlyList<string> Problems) Parse(IReadOnlyList<string> args)
    {
        var definition = new Definition();
        return CommandLineParsing.Parse(definition.Command, definition.Bind, args);
    }

    private sealed class Definition
    {
        private readonly Option<string> _queryEndpoint = new("--query-endpoint")
        {
            Description = "Tempo HTTP API base URL (the server's :3200)", DefaultValueFactory = _ => "http://localhost:3200",
        };

        private readonly Option<string> _ids = new("--ids") { Description = "A `load --acked-out` file of known trace IDs", Required = true };
        private readonly Option<int> _requests = new("--requests") { Description = "Measured requests", DefaultValueFactory = _ => 20_000 };
        private readonly Option<int> _concurrency = new("--concurrency") { Description = "Requests in flight", DefaultValueFactory = _ => 4 };
        private readonly Option<int> _warmup = new("--warmup") { Description = "Unmeasured requests first", DefaultValueFactory = _ => 200 };
        private readonly Option<int> _randomSeed = new("--random-seed") { Description = "Seed of the random ID choice", DefaultValueFactory = _ => 1 };
        private readonly Option<long> _seed = new("--seed")
        {
            Description = "Workload seed of the IDs; each answer's span count is checked against it", DefaultValueFactory = _ => 42,
        };

        private readonly Option<bool> _noVerify = new("--no-verify") { Description = "Do not check span counts (IDs not from the shop workload)" };
        private readonly Option<string> _format = new("--format") { Description = "Response format asked for", DefaultValueFactory = _ => "protobuf" };
        private readonly Option<string?> _mode = new("--mode")
        {
            Description = "Tempo's trace-by-ID mode: all, ingesters (live store only) or blocks (object storage only); default: none sent (all)",
        };

        private readonly Option<string?> _tenant = new("--tenant") { Description = "Tenant ID, sent as X-Scope-OrgID" };
        private readonly Option<string> _timeout = new("--timeout") { Description = "Per-request timeout, Go syntax", DefaultValueFactory = _ => "30s" };
        private readonly Option<string?> _summaryJson = new("--summary-json") { Description = "Also write the summary as JSON to this file" };

        public Definition()
        {
            _format.AcceptOnlyFromAmong("protobuf", "json");
            Command = new Command("query-bench", "Trace-by-ID latency (p50/p90/p99/max) over random IDs from a load --acked-out file")
            {
                _queryEndpoint, _ids, _requests, _concurrency, _warmup, _randomSeed, _seed, _noVerify, _format, _mode, _tenant, _timeout, _summaryJson,
            };
            Command.SetAction(RunAsync);
        }

        public Command Command { get; }

        public QueryBenchOptions? Bind(ParseResult parse, List<string> problems)
        {
            var endpoint = PushOptionSet.ParseHttpUri(parse.GetValue(_queryEndpoint)!, "--query-endpoint", problems);
            var options = new QueryBenchOptions
            {
                QueryEndpoint = endpoint ?? new Uri("http://localhost:3200"),
                IdsFile = parse.GetValue(_ids)!,
                Requests = parse.GetValue(_requests),
                Concurrency = parse.GetValue(_concurrency),
                Warmup = parse.GetValue(_warmup),
                RandomSeed = parse.GetValue(_randomSeed),
                WorkloadSeed = parse.GetValue(_noVerify) ? null : parse.GetValue(_seed),
                Format = parse.GetValue(_format) == "json" ? TraceResponseFormat.Json : TraceResponseFormat.Protobuf,
                Tenant = parse.GetValue(_tenant),
                Mode = parse.GetValue(_mode),
                RequestTimeout = PushOptionSet.Duration(parse.GetValue(_timeout)!, "--timeout", TimeSpan.FromSeconds(30), problems),
            };
            problems.AddRange(options.Validate());
            return problems.Count == 0 ? options : null;
        }

        private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            var problems = new List<string>();
            var options = Bind(parse, problems);
            if (options is null)
            {
                PushOptionSet.PrintProblems("query-bench", problems);
                return LoadCommand.ExitUsage;
            }

            var runner = new QueryBenchRunner(options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"query-bench: {options.Requests:#,0} requests ({options.Warmup} warm-up) of GET {options.QueryEndpoint}api/traces/<id>" +
                $"{(options.Mode is { } mode ? "?mode=" + mode : "")} " +
                $"({options.Format}), {options.Concurrency} in flight, IDs from {options.IdsFile}"));
            QueryBenchSummary summary;
            try
            {
                summary = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine($"query-bench: {e.Message}");
                return LoadCommand.ExitUsage;
            }

            Print(summary);
            if (parse.GetValue(_summaryJson) is { } path)
            {
                await File.WriteAllTextAsync(path, Json(summary), CancellationToken.None).ConfigureAwait(false);
            }

            return summary.HasErrors ? LoadCommand.ExitErrors : 0;
        }
    }

    private static void Print(QueryBenchSummary s)
    {
        var i = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(i, $"known traces: {s.KnownTraces:#,0}; requests: {s.Requests:#,0} in {s.Elapsed.TotalSeconds:0.00} s ({s.RequestsPerSecond:#,0}/s)"));
        Console.WriteLine(string.Create(i, $"latency p50/p90/p99/p99.9/max: {s.Latency.P50Ms:0.00} / {s.Latency.P90Ms:0.00} / {s.Latency.P99Ms:0.00} / " +
            $"{s.P999Ms:0.00} / {s.Latency.MaxMs:0.00} ms"));
        Console.WriteLine(string.Create(i, $"answers: {s.Complete:#,0} complete, {s.WrongSpanCount:#,0} wrong span count, {s.NotFound:#,0} not found"));
        foreach (var (kind, count) in s.ErrorsByKind)
        {
            Console.WriteLine($"error: {kind}: {count}  e.g. {s.ErrorExamples.GetValueOrDefault(kind)}");
        }

        if (s.ErrorExamples.TryGetValue("wrong span count", out var wrong))
        {
            Console.WriteLine($"e.g. {wrong}");
        }
    }

    public static string Json(QueryBenchSummary s) => JsonSerializer.Serialize(new
    {
        knownTraces = s.KnownTraces,
        mode = s.Mode,
        requests = s.Requests,
        elapsedSeconds = s.Elapsed.TotalSeconds,
        requestsPerSecond = s.RequestsPerSecond,
        latencyMs = new { p50 = s.Latency.P50Ms, p90 = s.Latency.P90Ms, p99 = s.Latency.P99Ms, p999 = s.P999Ms, max = s.Latency.MaxMs },
        complete = s.Complete,
        wrongSpanCount = s.WrongSpanCount,
        notFound = s.NotFound,
        errorsByKind = s.ErrorsByKind,
    }, new JsonSerializerOptions { WriteIndented = true });
}
