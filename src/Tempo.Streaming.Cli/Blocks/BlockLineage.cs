using System.CommandLine;
using System.Globalization;
using System.Text;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.Cli.Commands;
using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>
/// <c>blocks lineage</c>: lists every tenant's blocks (gaps are judged over all tenants, whatever <c>--tenant</c> says),
/// reads the partitions' log-start offset, high watermark and the consumer group's committed offset when a log is named,
/// and prints <see cref="LineageAudit"/>'s report as a table or JSON.
/// <para>
/// The CLI cannot see the live store's own state (its RocksDB is held open by the server): without the flushed offset
/// the committed offset bounds the audit, and ranges the live store flushed without any span (no block, recorded only
/// in the live store) show as gaps here; the server's <c>/status/lineage</c> knows both.
/// </para>
/// </summary>
internal static class BlockLineage
{
    public static async Task<int> RunAsync(IObjectStore store, IngestLogOptionSet logOptions, ParseResult parse, string? tenant, int? partition,
        bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var inventory = await LineageCatalog.LoadAsync(store, cancellationToken);

        IReadOnlyList<PartitionOffsets> offsets = [];
        string? logDescription = null;
        IIngestLog? log;
        try
        {
            log = await logOptions.OpenAsync(parse, cancellationToken);
        }
        catch (IngestLogAccessException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return BlocksCommand.ExitFailed;
        }
        if (log is not null)
        {
            await using (log)
            {
                if (partition is { } only && only >= log.PartitionCount)
                {
                    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"error: --partition {only} does not exist: topic '{log.Topic}' has partitions 0 to {log.PartitionCount - 1}"));
                    return BlocksCommand.ExitUsage;
                }
                var group = logOptions.ConsumerGroup(parse);
                try
                {
                    offsets = await ReadOffsetsAsync(log, group, partition, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Kafka client and embedded-log failures alike: the audit cannot be judged without the offsets asked for.
                    await Console.Error.WriteLineAsync($"error: reading the offsets of topic '{log.Topic}' (group {group}) failed: {e.Message}");
                    return BlocksCommand.ExitFailed;
                }
                logDescription = string.Create(CultureInfo.InvariantCulture,
                    $"log: topic {log.Topic}, {log.PartitionCount} partition(s), committed offsets of group {group}");
            }
        }

        var report = LineageAudit.Run(inventory, offsets, tenant, partition);
        if (json)
        {
            await output.WriteLineAsync(Encoding.UTF8.GetString(LineageReportJson.Serialize(report, indented: true)));
        }
        else
        {
            await output.WriteLineAsync($"backend: {store.Description}");
            await output.WriteLineAsync(logDescription ?? "log: none given (--log.path or --kafka.address): only holes between blocks are gaps");
            LineageReportText.Write(output, report);
        }
        return report.Healthy ? 0 : BlocksCommand.ExitFailed;
    }

    private static async Task<IReadOnlyList<PartitionOffsets>> ReadOffsetsAsync(IIngestLog log, string group, int? only,
        CancellationToken cancellationToken)
    {
        var offsets = new List<PartitionOffsets>();
        for (var p = only ?? 0; p < (only is null ? log.PartitionCount : only.Value + 1); p++)
        {
            offsets.Add(new PartitionOffsets(log.Topic, p)
            {
                LogStartOffset = await log.GetLogStartOffsetAsync(p, cancellationToken),
                HighWatermark = await log.GetHighWatermarkAsync(p, cancellationToken),
                CommittedOffset = await log.GetCommittedAsync(group, p, cancellationToken),
            });
        }
        return offsets;
    }
}
