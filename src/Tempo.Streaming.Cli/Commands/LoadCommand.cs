using System.CommandLine;
using System.Globalization;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Core;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli load</c>: the standard "shop" workload of BENCHMARKS.md, sent over OTLP gRPC,
/// OTLP/HTTP protobuf or OTLP/HTTP JSON, or recorded to / replayed from a file.
/// Exit codes: 0 all batches acknowledged in full, 1 some batch failed or spans were rejected, 2 bad usage.
/// </summary>
public static class LoadCommand
{
    public const int ExitErrors = 1;
    public const int ExitUsage = 2;

    public static Command Create()
    {
        var push = new PushOptionSet(defaultRate: 0, withQueryEndpoint: false);
        var gzip = new Option<bool>("--gzip") { Description = "Compress requests with gzip" };
        var output = new Option<string?>("--out") { Description = "Write the batches to this file instead of sending them" };
        var input = new Option<string?>("--in") { Description = "Send the batches of a file written by --out" };
        var ackedOut = new Option<string?>("--acked-out")
        {
            Description = "Append 'index<TAB>trace-id' for every trace of every acknowledged batch to this file",
        };
        var startTime = new Option<string?>("--start-time")
        {
            Description = "Workload base time: RFC 3339 (2025-01-02T03:04:05Z) or unix nanoseconds; default now",
        };
        var firstTrace = new Option<long>("--first-trace") { Description = "Index of the first trace to generate", DefaultValueFactory = _ => 0 };

        var command = new Command("load", "Generate the standard 'shop' workload and push it over OTLP (BENCHMARKS.md)");
        push.AddTo(command);
        foreach (var option in new Option[] { gzip, output, input, ackedOut, startTime, firstTrace })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            DateTimeOffset? baseTime = null;
            if (parse.GetValue(startTime) is { } startText)
            {
                if (TryParseStartTime(startText, out var parsedStart))
                {
                    baseTime = parsedStart;
                }
                else
                {
                    problems.Add($"--start-time '{startText}' is neither RFC 3339 nor unix nanoseconds");
                }
            }

            var options = push.BindLoad(parse, problems, o => o with
            {
                Gzip = parse.GetValue(gzip),
                OutputFile = parse.GetValue(output),
                InputFile = parse.GetValue(input),
                AckedOutputFile = parse.GetValue(ackedOut),
                StartTime = baseTime,
                FirstTrace = parse.GetValue(firstTrace),
            });
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine($"load: {problem}");
                }
                return ExitUsage;
            }

            var runner = new LoadRunner(options);
            var summary = await LoadConsole.RunWithProgressAsync(runner, options, cancellationToken).ConfigureAwait(false);
            LoadConsole.PrintSummary(summary, options);
            if (push.SummaryJson(parse) is { } jsonPath)
            {
                await File.WriteAllTextAsync(jsonPath, LoadConsole.SummaryJson(summary), CancellationToken.None).ConfigureAwait(false);
            }
            return summary.HasErrors ? ExitErrors : 0;
        });
        return command;
    }

    private static bool TryParseStartTime(string text, out DateTimeOffset time)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var nanos))
        {
            time = DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out time);
    }
}
