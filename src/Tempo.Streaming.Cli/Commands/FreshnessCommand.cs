using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tempo.Streaming.Cli.Freshness;
using Tempo.Streaming.Cli.Querying;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli freshness</c>: acknowledged → found by ID (BENCHMARKS.md "end-to-end freshness"). Pushes the
/// shop workload at <c>--rate</c> (default 75,000 spans/s: half the ingest target, issue 3's operating point) and probes
/// sampled acknowledged traces with <c>GET /api/traces/&lt;id&gt;</c> until complete.
/// Exit codes: 0 every sample found complete, 1 push errors or samples timed out / over-complete, 2 bad usage.
/// </summary>
public static class FreshnessCommand
{
    public const double DefaultRate = 75_000;

    public static Command Create() => new Definition().Command;

    /// <summary>Parses and validates a command line (without running it): the options, or the problems with them.</summary>
    public static (FreshnessOptions? Options, IReadOnlyList<string> Problems) Parse(IReadOnlyList<string> args)
    {
        var definition = new Definition();
        return CommandLineParsing.Parse(definition.Command, definition.Bind, args);
    }

    private sealed class Definition
    {
        private readonly PushOptionSet _push = new(DefaultRate);
        private readonly Option<int> _sampleEvery = new("--sample-every")
        {
            Description = "Probe every N-th trace (by trace index); 1 = every acknowledged trace", DefaultValueFactory = _ => 10,
        };

        private readonly Option<string> _pollInterval = new("--poll-interval")
        {
            Description = "Pause between polls of one trace (the resolution; a trace late by more than 20x this is polled every 5% of its wait)",
            DefaultValueFactory = _ => "10ms",
        };

        private readonly Option<string> _probeTimeout = new("--probe-timeout")
        {
            Description = "Give up on a trace this long after its acknowledgement", DefaultValueFactory = _ => "30s",
        };

        private readonly Option<int> _maxProbes = new("--max-probes")
        {
            Description = "Probes polling at once; further samples are skipped and counted", DefaultValueFactory = _ => 4096,
        };

        private readonly Option<int> _queryConnections = new("--query-connections")
        {
            Description = "HTTP connections to the query endpoint", DefaultValueFactory = _ => 16,
        };

        private readonly Option<string> _format = new("--format")
        {
            Description = "Trace-by-ID response format asked for", DefaultValueFactory = _ => "protobuf",
        };

        public Definition()
        {
            _format.AcceptOnlyFromAmong("protobuf", "json");
            Command = new Command("freshness",
                "Push the shop workload and measure acknowledged -> complete trace found by ID (p50/p90/p99/max)");
            _push.AddTo(Command);
            Command.Options.Add(_sampleEvery);
            Command.Options.Add(_pollInterval);
            Command.Options.Add(_probeTimeout);
            Command.Options.Add(_maxProbes);
            Command.Options.Add(_queryConnections);
            Command.Options.Add(_format);
            Command.SetAction(RunAsync);
        }

        public Command Command { get; }

        public FreshnessOptions? Bind(ParseResult parse, List<string> problems)
        {
            var load = _push.BindLoad(parse, problems);
            var query = _push.QueryEndpoint(parse, problems);
            var options = new FreshnessOptions
            {
                Load = load,
                QueryEndpoint = query ?? new Uri("http://localhost:3200"),
                SampleEvery = parse.GetValue(_sampleEvery),
                PollInterval = PushOptionSet.Duration(parse.GetValue(_pollInterval)!, "--poll-interval", TimeSpan.FromMilliseconds(10), problems),
                ProbeTimeout = PushOptionSet.Duration(parse.GetValue(_probeTimeout)!, "--probe-timeout", TimeSpan.FromSeconds(30), problems),
                MaxProbes = parse.GetValue(_maxProbes),
                QueryConnections = parse.GetValue(_queryConnections),
                Format = parse.GetValue(_format) == "json" ? TraceResponseFormat.Json : TraceResponseFormat.Protobuf,
            };
            CommandLineParsing.AddNew(problems, options.Validate());

            return problems.Count == 0 ? options : null;
        }

        private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            var problems = new List<string>();
            var options = Bind(parse, problems);
            if (options is null)
            {
                PushOptionSet.PrintProblems("freshness", problems);
                return LoadCommand.ExitUsage;
            }

            var runner = new FreshnessRunner(options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"freshness: {options.Load.Protocol} {options.Load.ResolveEndpoint()} at {(options.Load.Rate > 0 ? $"{options.Load.Rate:#,0} spans/s" : "full speed")}, " +
                $"probing every {options.SampleEvery}th trace on {options.QueryEndpoint} every {options.PollInterval.TotalMilliseconds:0.#} ms"));
            var run = runner.RunAsync(cancellationToken);
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
                if (!run.IsCompleted)
                {
                    var p = runner.Progress;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"freshness: {p.Load.Elapsed.TotalSeconds:0}s acked_spans={p.Load.AcknowledgedSpans} spans_per_s={p.Load.RecentSpansPerSecond:0} " +
                        $"sampled={p.Sampled} found={p.Found} timed_out={p.TimedOut} probing={p.ActiveProbes}"));
                }
            }

            var summary = await run.ConfigureAwait(false);
            Print(summary);
            if (_push.SummaryJson(parse) is { } path)
            {
                await File.WriteAllTextAsync(path, Json(summary), CancellationToken.None).ConfigureAwait(false);
            }

            return summary.HasErrors ? LoadCommand.ExitErrors : 0;
        }
    }

    private static void Print(FreshnessSummary s)
    {
        var i = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(i, $"pushed: {s.Load.AcknowledgedSpans:#,0} spans / {s.Load.AcknowledgedTraces:#,0} traces acknowledged in {s.Load.Elapsed.TotalSeconds:0.0} s " +
            $"({s.Load.SpansPerSecond:#,0} spans/s), {s.Load.FailedBatches} failed batches, {s.Load.RejectedSpans} rejected spans"));
        Console.WriteLine(string.Create(i, $"sampled traces: {s.Sampled:#,0} (found complete {s.Found:#,0}, timed out {s.TimedOut:#,0}, " +
            $"more spans than sent {s.OverComplete:#,0}, skipped at --max-probes {s.Skipped:#,0})"));
        Console.WriteLine(string.Create(i, $"freshness p50/p90/p99/max: {s.Delay.P50Ms:0.0} / {s.Delay.P90Ms:0.0} / {s.Delay.P99Ms:0.0} / {s.Delay.MaxMs:0.0} ms " +
            $"over {s.Delay.Count:#,0} traces"));
        Console.WriteLine(string.Create(i, $"polls: {s.Polls:#,0} ({s.PartialAnswers:#,0} answered with part of the trace)"));
        foreach (var (kind, count) in s.PollErrorsByKind)
        {
            Console.WriteLine($"poll error: {kind}: {count}  e.g. {s.PollErrorExamples.GetValueOrDefault(kind)}");
        }
    }

    public static string Json(FreshnessSummary s) => JsonSerializer.Serialize(new
    {
        acknowledgedSpans = s.Load.AcknowledgedSpans,
        acknowledgedTraces = s.Load.AcknowledgedTraces,
        pushSpansPerSecond = s.Load.SpansPerSecond,
        pushMedianSpansPerSecond = s.Load.MedianSpansPerSecond,
        failedBatches = s.Load.FailedBatches,
        rejectedSpans = s.Load.RejectedSpans,
        sampled = s.Sampled,
        found = s.Found,
        timedOut = s.TimedOut,
        overComplete = s.OverComplete,
        skipped = s.Skipped,
        polls = s.Polls,
        partialAnswers = s.PartialAnswers,
        freshnessMs = new { p50 = s.Delay.P50Ms, p90 = s.Delay.P90Ms, p99 = s.Delay.P99Ms, max = s.Delay.MaxMs, count = s.Delay.Count },
        pollErrorsByKind = s.PollErrorsByKind,
    }, new JsonSerializerOptions { WriteIndented = true });
}
