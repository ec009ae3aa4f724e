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
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "Server address: host:port or URL (default localhost:4317 for gRPC, http://localhost:4318 for HTTP)",
        };
        var protocol = new Option<string>("--protocol")
        {
            Description = "Wire protocol",
            DefaultValueFactory = _ => "otlp-grpc",
        };
        protocol.AcceptOnlyFromAmong("otlp-grpc", "otlp-http", "otlp-http-json");
        var seed = new Option<long>("--seed") { Description = "Workload seed (same seed and start time = same spans)", DefaultValueFactory = _ => 42 };
        var traces = new Option<long?>("--traces") { Description = "Number of traces to send, then stop" };
        var duration = new Option<string?>("--duration")
        {
            Description = "Run time, Go syntax (30s, 2m, 1h30m); default 30s when --traces is not given",
        };
        var rate = new Option<double>("--rate") { Description = "Target spans per second; 0 = as fast as possible", DefaultValueFactory = _ => 0 };
        var batchSpans = new Option<int>("--batch-spans") { Description = "Spans per request (whole traces)", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight", DefaultValueFactory = _ => 8 };
        var connections = new Option<int>("--connections")
        {
            Description = "HTTP/2 connections for gRPC", DefaultValueFactory = _ => LoadOptions.Default.Connections,
        };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant ID, sent as X-Scope-OrgID" };
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
        var timeout = new Option<string>("--timeout") { Description = "Per-request timeout, Go syntax", DefaultValueFactory = _ => "30s" };
        var summaryJson = new Option<string?>("--summary-json") { Description = "Also write the summary as JSON to this file" };

        var command = new Command("load", "Generate the standard 'shop' workload and push it over OTLP (BENCHMARKS.md)")
        {
            endpoint, protocol, seed, traces, duration, rate, batchSpans, concurrency, connections, tenant, gzip, output, input,
            ackedOut, startTime, firstTrace, timeout, summaryJson,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            TimeSpan? runDuration = null;
            if (parse.GetValue(duration) is { } durationText)
            {
                if (GoDuration.TryParse(durationText, out var parsed))
                {
                    runDuration = parsed;
                }
                else
                {
                    problems.Add($"--duration '{durationText}' is not a duration like 30s, 5m or 1h30m");
                }
            }
            var requestTimeout = TimeSpan.FromSeconds(30);
            var timeoutText = parse.GetValue(timeout)!;
            if (!GoDuration.TryParse(timeoutText, out requestTimeout))
            {
                problems.Add($"--timeout '{timeoutText}' is not a duration like 10s");
            }
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

            var options = new LoadOptions
            {
                Endpoint = parse.GetValue(endpoint),
                Protocol = parse.GetValue(protocol) switch
                {
                    "otlp-http" => LoadProtocol.OtlpHttp,
                    "otlp-http-json" => LoadProtocol.OtlpHttpJson,
                    _ => LoadProtocol.OtlpGrpc,
                },
                Seed = parse.GetValue(seed),
                Traces = parse.GetValue(traces),
                Duration = runDuration,
                Rate = parse.GetValue(rate),
                BatchSpans = parse.GetValue(batchSpans),
                Concurrency = parse.GetValue(concurrency),
                Connections = parse.GetValue(connections),
                Tenant = parse.GetValue(tenant),
                Gzip = parse.GetValue(gzip),
                OutputFile = parse.GetValue(output),
                InputFile = parse.GetValue(input),
                AckedOutputFile = parse.GetValue(ackedOut),
                StartTime = baseTime,
                FirstTrace = parse.GetValue(firstTrace),
                RequestTimeout = requestTimeout,
            };
            problems.AddRange(options.Validate());
            if (problems.Count == 0)
            {
                try
                {
                    options.ResolveEndpoint();
                }
                catch (ArgumentException e)
                {
                    problems.Add(e.Message);
                }
            }
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
            if (parse.GetValue(summaryJson) is { } jsonPath)
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
