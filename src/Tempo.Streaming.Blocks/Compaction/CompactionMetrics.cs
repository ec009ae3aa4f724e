using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// Instruments of the compactor (meter <c>Tempo.Streaming.Compactor</c>) under Tempo's names and labels
/// (tempodb/compactor.go, tempodb/retention.go); <c>level</c> is the highest compaction level among the inputs.
/// </summary>
internal static class CompactionMetrics
{
    public const string MeterName = "Tempo.Streaming.Compactor";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> BlocksCompacted = Meter.CreateCounter<long>(
        "tempodb_compaction_blocks_total", description: "Total number of blocks compacted.");

    public static readonly Counter<long> ObjectsWritten = Meter.CreateCounter<long>(
        "tempodb_compaction_objects_written_total", description: "Total number of objects written to backend during compaction.");

    public static readonly Counter<long> BytesWritten = Meter.CreateCounter<long>(
        "tempodb_compaction_bytes_written_total", description: "Total number of bytes written to backend during compaction.");

    public static readonly Counter<long> ObjectsCombined = Meter.CreateCounter<long>(
        "tempodb_compaction_objects_combined_total", description: "Total number of objects combined during compaction.");

    public static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "tempodb_compaction_errors_total", description: "Total number of errors occurring during compaction.");

    public static readonly Counter<long> MarkedForDeletion = Meter.CreateCounter<long>(
        "tempodb_retention_marked_for_deletion_total", description: "Total number of blocks marked for deletion.");

    public static readonly Counter<long> Deleted = Meter.CreateCounter<long>(
        "tempodb_retention_deleted_total", description: "Total number of blocks deleted.");

    public static readonly Counter<long> RetentionErrors = Meter.CreateCounter<long>(
        "tempodb_retention_errors_total", description: "Total number of times an error occurred while performing retention.");

    public static KeyValuePair<string, object?> Level(int level) => new("level", level.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
