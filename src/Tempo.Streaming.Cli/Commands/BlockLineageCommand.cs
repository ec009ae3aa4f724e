using System.CommandLine;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Cli.Blocks;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// <c>tempo-streaming-cli blocks lineage [--tenant] [--partition] [--json]</c>: the lineage audit (issue 6) over the blocks
/// of a backend, optionally against the ingest log's offsets (<c>--log.path</c> or <c>--kafka.address</c>): per partition
/// the offset ranges covered by live and compacted blocks, gaps and overlaps. Exit codes: 0 healthy, 1 a gap or overlap
/// was found (or the backend or log could not be read), 2 bad arguments.
/// </summary>
internal static class BlockLineageCommand
{
    public static Command Create()
    {
        var backend = new BackendOptionSet();
        var log = new IngestLogOptionSet();
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's blocks (gaps are still judged over every tenant)" };
        var partition = new Option<int?>("--partition") { Description = "Only this partition" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (the shape of GET /status/lineage)" };
        var command = new Command("lineage",
            "Audit which log offsets the blocks cover, per partition: covered ranges (live and compacted blocks), gaps, overlaps; " +
            "with --log.path or --kafka.address also the committed offset and high watermark. Exit 1 on a gap or overlap")
        {
            tenant, partition, json,
        };
        backend.AddTo(command);
        log.AddTo(command);
        command.SetAction((parse, ct) => BlocksCommand.WithStore(backend, parse, async store =>
        {
            // Checked here, not by parser validators: those exit 1, and usage errors of the blocks commands exit 2.
            if (log.Problem(parse) is { } problem)
            {
                await Console.Error.WriteLineAsync($"error: {problem}");
                return BlocksCommand.ExitUsage;
            }
            if (parse.GetValue(partition) is < 0)
            {
                await Console.Error.WriteLineAsync("error: --partition must be >= 0");
                return BlocksCommand.ExitUsage;
            }
            if (parse.GetValue(tenant) is { } name)
            {
                BlockPaths.ValidateTenant(name); // ArgumentException: a usage error with the tenant rule in its message
            }
            return await BlockLineage.RunAsync(store, log, parse, parse.GetValue(tenant), parse.GetValue(partition), parse.GetValue(json), Console.Out, ct);
        }));
        return command;
    }
}
