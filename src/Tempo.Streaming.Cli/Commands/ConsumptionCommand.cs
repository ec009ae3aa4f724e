using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tempo.Streaming.Cli.Consumption;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli consumption</c>: the live store's consumption rate end to end — push the shop workload (full
/// speed by default) and read <c>tempo_live_store_spans_stored_total</c> from /metrics over time, until the live store
/// has stored every acknowledged span. Exit codes: 0 caught up without push errors, 1 otherwise, 2 bad usage.
/// </summary>
public static class ConsumptionCommand
{
    public static Command Create() => new Definition().Command;

    /// <summary>Parses and validates a command line (without running it): the options, or the problems with them.</summary>
    public static (ConsumptionOptions? Options, IReadOnlyList<string> Problems) Parse(IReadOnlyList<string> args)
    {
        var definition = new Definition();
        return CommandLineParsing.Parse(definition.Command, definition.Bind, args);
    }

    private sealed class Definition
    {
        private readonly PushOptionSet _push = new(defaultRate: 0);
        private readonly Option<string> _metric = new("--metric")
        {
            Description = "Counter of spans applied to the live store", DefaultValueFactory = _ => ConsumptionOptions.DefaultMetric,
        };

        private readonly Option<string> _scrapeInterval = new("--scrape-interval")
        {
            Description = "Time between two readings of /metrics", DefaultValueFactory = _ => "1s",
        };

        private readonly Option<string> _catchUpTimeout = new("--catch-up-timeout")
        {
            Description = "How long to wait after the push for the live store to store everything", DefaultValueFactory = _ => "5m",
        };

        public Definition()
        {
            Command = new Command("consumption",
                "Push the shop workload and measure the spans/s the live store applies to RocksDB (from /metrics)");
            _push.AddTo(Command);
            Command.Options.Add(_metric);
            Command.Options.Add(_scrapeInterval);
            Command.Options.Add(_catchUpTimeout);
            Command.SetAction(RunAsync);
        }

        public Command Command { get; }

        public ConsumptionOptions? Bind(ParseResult parse, List<string> problems)
        {
            var load = _push.BindLoad(parse, problems);
            var query = _push.QueryEndpoint(parse, problems);
            var options = new ConsumptionOptions
            {
                Load = load,
                QueryEndpoint = query ?? new Uri("http://localhost:3200"),
                Metric = parse.GetValue(_metric)!,
                ScrapeInterval = PushOptionSet.Duration(parse.GetValue(_scrapeInterval)!, "--scrape-interval", TimeSpan.FromSeconds(1), problems),
                CatchUpTimeout = PushOptionSet.Duration(parse.GetValue(_catchUpTimeout)!, "--catch-up-timeout", TimeSpan.FromMinutes(5), problems),
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
                PushOptionSet.PrintProblems("consumption", problems);
                return LoadCommand.ExitUsage;
            }

            using var runner = new ConsumptionRunner(options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"consumption: {options.Load.Protocol} {options.Load.ResolveEndpoint()} at {(options.Load.Rate > 0 ? $"{options.Load.Rate:#,0} spans/s" : "full speed")}, " +
                $"reading {options.Metric} from {options.MetricsUri} every {options.ScrapeInterval.TotalSeconds:0.###} s"));
            var run = runner.RunAsync(cancellationToken);
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
                if (!run.IsCompleted && runner.LastSample is { } sample)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"consumption: {sample.Seconds:0}s acked_spans={sample.AcknowledgedSpans} stored_spans={sample.StoredSpans:0} " +
                        $"lag={sample.AcknowledgedSpans - sample.StoredSpans:0}"));
                }
            }

            ConsumptionSummary summary;
            try
            {
                summary = await run.ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"consumption: {e.Message}");
                return LoadCommand.ExitErrors;
            }

            Print(summary, runner.MissedReadings);
            if (_push.SummaryJson(parse) is { } path)
            {
                await File.WriteAllTextAsync(path, Json(summary), CancellationToken.None).ConfigureAwait(false);
            }

            return summary.HasErrors ? LoadCommand.ExitErrors : 0;
        }
    }

    private static void Print(ConsumptionSummary s, long missedReadings)
    {
        var i = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(i, $"pushed: {s.Load.AcknowledgedSpans:#,0} spans acknowledged in {s.Load.Elapsed.TotalSeconds:0.0} s " +
            $"(median {s.Load.MedianSpansPerSecond:#,0} spans/s of whole seconds), {s.Load.FailedBatches} failed batches"));
        Console.WriteLine(string.Create(i, $"stored: {s.StoredSpans:#,0} spans; median {s.MedianStoredPerSecondDuringLoad:#,0} spans/s while pushing, " +
            $"{s.MedianStoredPerSecondUntilCaughtUp:#,0} spans/s until caught up, {s.StoredPerSecondOverall:#,0} spans/s overall"));
        Console.WriteLine(string.Create(i, $"{(s.CaughtUp ? "caught up" : "NOT caught up")} {s.CatchUp.TotalSeconds:0.0} s after the push ended; " +
            $"largest lag {s.MaxLagSpans:#,0} spans; {missedReadings} missed readings"));
    }

    public static string Json(ConsumptionSummary s) => JsonSerializer.Serialize(new
    {
        acknowledgedSpans = s.Load.AcknowledgedSpans,
        pushSeconds = s.Load.Elapsed.TotalSeconds,
        pushMedianSpansPerSecond = s.Load.MedianSpansPerSecond,
        failedBatches = s.Load.FailedBatches,
        rejectedSpans = s.Load.RejectedSpans,
        storedSpans = s.StoredSpans,
        storedMedianSpansPerSecondDuringLoad = s.MedianStoredPerSecondDuringLoad,
        storedMedianSpansPerSecondUntilCaughtUp = s.MedianStoredPerSecondUntilCaughtUp,
        storedSpansPerSecondOverall = s.StoredPerSecondOverall,
        maxLagSpans = s.MaxLagSpans,
        caughtUp = s.CaughtUp,
        catchUpSeconds = s.CatchUp.TotalSeconds,
        samples = s.Samples.Select(x => new { seconds = x.Seconds, stored = x.StoredSpans, acknowledged = x.AcknowledgedSpans }),
    }, new JsonSerializerOptions { WriteIndented = true });
}
