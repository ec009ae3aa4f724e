using System.Diagnostics;
using System.Globalization;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.Cli.Commands;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Replay;

namespace Tempo.Streaming.Cli.Replay;

/// <summary>
/// <c>replay</c> against an open log and backend: resolves and checks every partition's offsets first (bad input writes
/// nothing), lists every tenant's blocks once, plans each partition, then rebuilds the planned ranges with the live
/// store's block builder, throttled, showing progress, and prints the summary.
/// </summary>
internal static class ReplayRun
{
    public static async Task<int> RunAsync(IIngestLog log, IObjectStore store, ReplayRequest request, string consumerGroup,
        TextWriter output, CancellationToken cancellationToken)
    {
        if (request.Topic is { } topic && topic != log.Topic)
        {
            await Console.Error.WriteLineAsync(
                $"error: --topic '{topic}' but the log holds topic '{log.Topic}' (with Kafka, --topic names the topic to read; an embedded log has one)");
            return BlocksCommand.ExitUsage;
        }

        var bounds = new List<PartitionBounds>(request.Partitions.Count);
        try
        {
            foreach (var partition in request.Partitions)
            {
                bounds.Add(await ReplayBounds.ResolveAsync(log, partition, request.From, request.To, cancellationToken));
            }
        }
        catch (ReplayInputException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return BlocksCommand.ExitUsage;
        }

        var inventory = await LineageCatalog.LoadAsync(store, cancellationToken);
        var coverage = ReplayCoverage.FromInventory(inventory);
        var plans = new List<ReplayPlan>(bounds.Count);
        var summary = new ReplaySummary();
        long planned = 0;
        await output.WriteLineAsync($"replay {log.Topic} into {store.Description}{(request.Force ? " (--force)" : "")}");
        foreach (var partition in bounds)
        {
            var committed = request.IncludeUnflushed
                ? null
                : await log.GetCommittedAsync(consumerGroup, partition.Partition, cancellationToken);
            var plan = ReplayPlanner.Plan(inventory, log.Topic, partition, request.Force, committed);
            ReplayConsole.PrintPlan(output, plan, committed);
            summary.AddPlan(plan);
            plans.Add(plan);
            foreach (var segment in plan.Segments)
            {
                planned += segment.Replay ? segment.LastOffset - segment.FirstOffset + 1 : 0;
            }
        }

        var progress = new ReplayProgress(planned);
        var pacer = new RatePacer(request.RecordsPerSecond, batchSpans: BatchRecords(request.RecordsPerSecond));
        var read = new ReplayReadOptions
        {
            BatchRecords = BatchRecords(request.RecordsPerSecond),
            RecordsRead = progress.Read,
            Throttle = pacer.Unlimited ? null : pacer.WaitAsync,
        };
        var builder = new ReplayBlockBuilder(log, new BlockWriter(store, BlockWriterOptions.Cut), dedicatedColumns: null, read);
        var clock = Stopwatch.StartNew();
        var exit = 0;
        try
        {
            await ReplayConsole.RunWithProgressAsync(ReplayAllAsync(), progress);
        }
        catch (Exception e) when (e is ReplayInputException or BackendException or IOException)
        {
            // Retention under the replay, a backend or log failure: every block written so far is complete (meta.json
            // last) and keeps its ID, so the summary of what was done stands and a re-run with --force finishes the rest.
            await Console.Error.WriteLineAsync($"error: {e.Message} (run the replay again with --force to finish it)");
            exit = BlocksCommand.ExitFailed;
        }
        summary.Elapsed = clock.Elapsed;
        summary.Print(output);
        if (summary.SegmentsOutsideLog > 0)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"error: {summary.SegmentsOutsideLog} recorded range(s) are no longer entirely in the log and were not rebuilt (see the plan)"));
            exit = BlocksCommand.ExitFailed;
        }
        return exit;

        async Task<int> ReplayAllAsync()
        {
            for (var i = 0; i < plans.Count; i++)
            {
                progress.StartPartition(plans[i].Partition, plans[i].From, bounds[i].HighWatermark);
                foreach (var range in await builder.ReplayAsync(plans[i], request.MaxBlockBytes, coverage, cancellationToken))
                {
                    summary.Add(range);
                }
            }
            return 0;
        }
    }

    /// <summary>Records per log read: a tenth of a second's worth when throttled, so the pace is smooth; else up to 1000.</summary>
    private static int BatchRecords(double recordsPerSecond) =>
        recordsPerSecond > 0 ? (int)Math.Clamp(recordsPerSecond / 10, 1, 1000) : 1000;
}
