using System.CommandLine;
using Tempo.Streaming.Cli.Replay;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli replay --topic T --partition N[,M...] --from X --to Y [--force] [--max-block-bytes] [--rate]</c>
/// (issue 6 point 5): rebuilds blocks from the ingest log (embedded <c>--log.path</c> or Kafka <c>--kafka.address</c>)
/// into a backend (<c>--path</c> or <c>--backend s3</c>) with the live store's block builder. Ranges blocks already cover
/// are skipped unless <c>--force</c>, then replayed with their recorded boundaries (same block IDs); offsets no block
/// covers are cut by <c>--max-block-bytes</c>. A replay killed midway is finished by running it again with <c>--force</c>:
/// the ranges it wrote keep their boundaries (existing blocks are no-ops), the rest is cut again from the same start, so
/// the cut points are the ones the first run would have made. (Without --force a re-run finishes a block whose data was
/// written without meta.json, but cannot see a tenant's block that left nothing in the backend.) Exit codes: 0 done; 1 the log or backend failed, or a recorded range is
/// no longer in the log; 2 bad arguments or offsets (nothing is written).
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var backend = new BackendOptionSet();
        var log = new IngestLogOptionSet();
        var partition = new Option<string?>("--partition", "--partitions") { Description = "Partition(s) to replay: N or N,M,..." };
        var from = new Option<string?>("--from") { Description = "First offset, or a time (ISO 8601): the first record stamped at or after it (default: the log start)" };
        var to = new Option<string?>("--to") { Description = "Last offset (inclusive), or a time: the last record stamped at or before it (default: the newest record)" };
        var force = new Option<bool>("--force") { Description = "Also replay ranges blocks already cover, with their recorded boundaries (a deleted block comes back with its ID)" };
        var maxBlockBytes = new Option<long>("--max-block-bytes")
        {
            Description = "Cut offsets no block covers into runs of this many record bytes (the live store's max_block_bytes)",
            DefaultValueFactory = _ => ReplayRequest.DefaultMaxBlockBytes,
        };
        var rate = new Option<double>("--rate") { Description = "Throttle: records per second at most (0 = unthrottled)" };
        var includeUnflushed = new Option<bool>("--include-unflushed")
        {
            Description = "Also replay offsets at or past the live store group's committed offset (only when no live store will flush them)",
        };
        var command = new Command("replay",
            "Rebuild blocks from the ingest log: the same blocks (IDs and bytes) the live store's flush writes for those offsets. " +
            "Ranges blocks cover are skipped unless --force; offsets no block covers are cut by --max-block-bytes. " +
            "An interrupted replay is finished by running it again with --force. Exit 0 done, 1 failure, 2 bad input")
        {
            partition, from, to, force, maxBlockBytes, rate, includeUnflushed,
        };
        backend.AddTo(command);
        log.AddTo(command);
        // --topic (the name the issue gives) is the Kafka topic option itself: the option set opens that topic, and an
        // embedded log, which holds one topic, is checked against it.
        var kafkaTopic = (Option<string>)command.Options.Single(o => o.Name == "--kafka.topic");
        kafkaTopic.Aliases.Add("--topic");
        kafkaTopic.Description = "The ingest topic: with Kafka the topic to read (default tempo-ingest); an embedded log's topic must match";
        command.SetAction((parse, ct) => BlocksCommand.WithStore(backend, parse, async store =>
        {
            // Checked here, not by parser validators: those exit 1, and usage errors exit 2.
            var problems = new List<string>();
            if (log.Problem(parse) is { } logProblem)
            {
                problems.Add(logProblem);
            }
            var topic = parse.GetResult(kafkaTopic) is { Implicit: false } ? parse.GetValue(kafkaTopic) : null;
            var request = ReplayRequest.Parse(topic, parse.GetValue(partition), parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(force), parse.GetValue(maxBlockBytes), parse.GetValue(rate), parse.GetValue(includeUnflushed), problems);
            if (request is null || problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync($"error: {problem}");
                }
                return BlocksCommand.ExitUsage;
            }

            Tempo.Streaming.IngestLog.IIngestLog? opened;
            try
            {
                opened = await log.OpenAsync(parse, ct);
            }
            catch (IngestLogAccessException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return BlocksCommand.ExitFailed;
            }
            if (opened is null)
            {
                await Console.Error.WriteLineAsync("error: replay reads the ingest log: give --log.path (embedded) or --kafka.address (Kafka)");
                return BlocksCommand.ExitUsage;
            }
            await using var ingestLog = opened;
            return await ReplayRun.RunAsync(ingestLog, store, request, log.ConsumerGroup(parse), Console.Out, ct);
        }));
        return command;
    }
}
