using System.Globalization;
using Spectre.Console;
using Tempo.Streaming.LiveStore.Replay;

namespace Tempo.Streaming.Cli.Replay;

/// <summary>
/// Console side of <c>replay</c>: the plan, a Spectre.Console progress bar (records/s, ETA, lag) when stdout is an
/// interactive terminal, otherwise a plain progress line every 5 s (logs and CI stay readable), then the summary.
/// </summary>
internal static class ReplayConsole
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);

    private static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static void PrintPlan(TextWriter output, ReplayPlan plan, long? committedOffset)
    {
        var committed = committedOffset is { } c ? Invariant($" (live store committed {c})") : "";
        output.WriteLine(Invariant($"plan {plan.Topic}/{plan.Partition} offsets {plan.From}-{plan.To}{committed}"));
        foreach (var segment in plan.Segments)
        {
            output.WriteLine(Invariant($"  {segment.FirstOffset,10}-{segment.LastOffset,-10} {Describe(segment)}"));
        }
    }

    public static async Task<T> RunWithProgressAsync<T>(Task<T> run, ReplayProgress progress)
    {
        if (Interactive)
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                // records/s, ETA (at the average rate so far) and lag come from the replay's counters, in the description
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("replay", maxValue: Math.Max(1, progress.PlannedRecords));
                    while (!run.IsCompleted)
                    {
                        await Task.WhenAny(run, Task.Delay(LiveInterval)).ConfigureAwait(false);
                        task.Value = Math.Min(progress.Records, task.MaxValue);
                        task.Description = Markup.Escape(Line(progress));
                    }
                    task.Value = task.MaxValue;
                }).ConfigureAwait(false);
        }
        else
        {
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(PlainInterval)).ConfigureAwait(false);
                if (!run.IsCompleted)
                {
                    Console.WriteLine($"replay: {Line(progress)}");
                }
            }
        }
        return await run.ConfigureAwait(false);
    }

    private static string Line(ReplayProgress p)
    {
        var eta = p.Eta is { } left ? left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "-";
        return Invariant($"p{p.Partition} {p.Records:N0}/{p.PlannedRecords:N0} records  {p.RecordsPerSecond:N0}/s  ETA {eta}  lag {p.Lag:N0}");
    }

    private static string Describe(ReplaySegment segment) => segment.Kind switch
    {
        ReplaySegmentKind.Covered when segment.Replay => "covered by blocks: replay with these boundaries (--force)",
        ReplaySegmentKind.Covered => "covered by blocks: skip (--force replays it)",
        ReplaySegmentKind.Recorded => "recorded only by compacted blocks (their output is missing): replay with these boundaries",
        ReplaySegmentKind.Interrupted => "covered, but a tenant's block of it has no meta.json (an interrupted write): replay with these boundaries",
        ReplaySegmentKind.Gap => "no block: replay, cut by --max-block-bytes",
        ReplaySegmentKind.NotYetFlushed => "at or past the committed offset: skip, the live store has not flushed it yet (--include-unflushed replays it)",
        ReplaySegmentKind.OutsideLog => "recorded by blocks but not entirely in the log any more: cannot be rebuilt with its block IDs",
        _ => segment.Kind.ToString(),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
