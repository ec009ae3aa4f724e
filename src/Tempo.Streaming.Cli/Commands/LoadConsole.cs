using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tempo.Streaming.Cli.Load;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// Console side of <c>load</c>: a live Spectre.Console table when stdout is an interactive terminal, otherwise
/// a plain progress line every 5 s (logs and CI stay readable); then the summary.
/// </summary>
internal static class LoadConsole
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);

    private static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<LoadSummary> RunWithProgressAsync(LoadRunner runner, LoadOptions options, CancellationToken stop)
    {
        var run = runner.RunAsync(stop);
        var target = Describe(options);
        if (Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("elapsed", "acked spans", "spans/s (now)", "acked traces",
                "failed batches", "rejected spans", "in flight");
            table.Title = new TableTitle(Markup.Escape(target));
            table.AddRow("0s", "0", "0", "0", "0", "0", "0");
            await AnsiConsole.Live(table).StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(LiveInterval, CancellationToken.None)).ConfigureAwait(false);
                    var p = runner.Progress;
                    table.UpdateCell(0, 0, $"{p.Elapsed.TotalSeconds:0.0}s");
                    table.UpdateCell(0, 1, Number(p.AcknowledgedSpans));
                    table.UpdateCell(0, 2, Number(p.RecentSpansPerSecond));
                    table.UpdateCell(0, 3, Number(p.AcknowledgedTraces));
                    table.UpdateCell(0, 4, p.FailedBatches == 0 ? "0" : $"[red]{Number(p.FailedBatches)}[/]");
                    table.UpdateCell(0, 5, p.RejectedSpans == 0 ? "0" : $"[yellow]{Number(p.RejectedSpans)}[/]");
                    table.UpdateCell(0, 6, p.InFlight.ToString(CultureInfo.InvariantCulture));
                    context.Refresh();
                }
            }).ConfigureAwait(false);
        }
        else
        {
            Console.WriteLine($"load: {target}");
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(PlainInterval, CancellationToken.None)).ConfigureAwait(false);
                if (run.IsCompleted)
                {
                    break;
                }
                var p = runner.Progress;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"load: {p.Elapsed.TotalSeconds:0}s acked_spans={p.AcknowledgedSpans} spans_per_s={p.RecentSpansPerSecond:0} " +
                    $"acked_traces={p.AcknowledgedTraces} failed_batches={p.FailedBatches} rejected_spans={p.RejectedSpans} " +
                    $"in_flight={p.InFlight}"));
            }
        }
        return await run.ConfigureAwait(false);
    }

    public static void PrintSummary(LoadSummary s, LoadOptions options)
    {
        var verb = s.Mode == "out" ? "written" : "acknowledged";
        var rows = new List<(string Name, string Value)>
        {
            ("mode", s.Mode == "out" ? $"recorded to {options.OutputFile}" : Describe(options)),
            ("elapsed", $"{s.Elapsed.TotalSeconds:0.00} s"),
            ($"spans {verb}", Number(s.AcknowledgedSpans)),
            ($"traces {verb}", Number(s.AcknowledgedTraces)),
            ($"batches {verb}", Number(s.AcknowledgedBatches)),
            ("spans/s (overall)", Number(s.SpansPerSecond)),
            ("spans/s (median of seconds)", Number(s.MedianSpansPerSecond)),
            ("protobuf bytes/span", s.ProtobufBytesPerSpan.ToString("0.0", CultureInfo.InvariantCulture)),
            ("wire bytes", Number(s.WireBytes)),
        };
        if (s.Mode != "out")
        {
            rows.Add(("latency p50/p90/p99/max", string.Create(CultureInfo.InvariantCulture,
                $"{s.Latency.P50Ms:0.0} / {s.Latency.P90Ms:0.0} / {s.Latency.P99Ms:0.0} / {s.Latency.MaxMs:0.0} ms")));
            rows.Add(("failed batches", $"{Number(s.FailedBatches)} ({Number(s.FailedSpans)} spans)"));
            rows.Add(("rejected spans (partial success)", Number(s.RejectedSpans)));
            foreach (var (kind, count) in s.ErrorsByKind)
            {
                var example = s.ErrorExamples.TryGetValue(kind, out var message) ? message : "";
                rows.Add(($"error: {kind}", $"{Number(count)}  e.g. {example}"));
            }
        }

        if (Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("summary").AddColumn(new TableColumn("").RightAligned());
            foreach (var (name, value) in rows)
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(value));
            }
            AnsiConsole.Write(table);
        }
        else
        {
            foreach (var (name, value) in rows)
            {
                Console.WriteLine($"{name}: {value}");
            }
        }
    }

    public static string SummaryJson(LoadSummary s) => JsonSerializer.Serialize(new
    {
        mode = s.Mode,
        elapsedSeconds = s.Elapsed.TotalSeconds,
        acknowledgedBatches = s.AcknowledgedBatches,
        acknowledgedTraces = s.AcknowledgedTraces,
        acknowledgedSpans = s.AcknowledgedSpans,
        rejectedSpans = s.RejectedSpans,
        failedBatches = s.FailedBatches,
        failedSpans = s.FailedSpans,
        spansPerSecond = s.SpansPerSecond,
        medianSpansPerSecond = s.MedianSpansPerSecond,
        latencyMs = new { p50 = s.Latency.P50Ms, p90 = s.Latency.P90Ms, p99 = s.Latency.P99Ms, max = s.Latency.MaxMs },
        protobufBytesPerSpan = s.ProtobufBytesPerSpan,
        wireBytes = s.WireBytes,
        errorsByKind = s.ErrorsByKind,
    }, new JsonSerializerOptions { WriteIndented = true });

    private static string Describe(LoadOptions options)
    {
        var source = options.InputFile is { } input ? $"replaying {input}" : $"shop workload seed {options.Seed}";
        if (options.OutputFile is { } output)
        {
            return $"{source} → {output}";
        }
        var rate = options.Rate > 0 ? $"{Number(options.Rate)} spans/s" : "unlimited rate";
        var gzip = options.Gzip ? " gzip" : "";
        return $"{source} → {options.Protocol}{gzip} {options.ResolveEndpoint()} ({rate}, {options.BatchSpans} spans/batch, " +
               $"{options.Concurrency} in flight)";
    }

    private static string Number(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
