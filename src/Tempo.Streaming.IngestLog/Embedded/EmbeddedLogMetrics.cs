using System.Diagnostics.Metrics;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>Instruments of the embedded log (meter <c>Tempo.Streaming.IngestLog</c>), tagged by partition.</summary>
internal static class EmbeddedLogMetrics
{
    public const string MeterName = "Tempo.Streaming.IngestLog";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> AppendedRecords = Meter.CreateCounter<long>(
        "tempo_ingest_log_appended_records_total", description: "Records durably appended to the embedded ingest log.");

    public static readonly Counter<long> AppendedBytes = Meter.CreateCounter<long>(
        "tempo_ingest_log_appended_bytes_total", unit: "bytes", description: "Bytes (with framing) durably appended to the embedded ingest log.");

    public static readonly Counter<long> GroupCommits = Meter.CreateCounter<long>(
        "tempo_ingest_log_group_commits_total", description: "Write+fsync rounds; appended records divided by this is the group-commit batch size.");

    public static readonly Histogram<double> FsyncDuration = Meter.CreateHistogram<double>(
        "tempo_ingest_log_fsync_duration_seconds", unit: "s", description: "Time spent in fsync of a segment file.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });

    public static readonly Counter<long> RecoveredTruncatedBytes = Meter.CreateCounter<long>(
        "tempo_ingest_log_recovered_truncated_bytes_total", unit: "bytes", description: "Bytes of invalid segment tails cut off by recovery at open.");

    public static readonly Counter<long> DeletedSegments = Meter.CreateCounter<long>(
        "tempo_ingest_log_deleted_segments_total", description: "Segments deleted by retention (tag reason = size | age).");

    public static readonly Counter<long> AppendFailures = Meter.CreateCounter<long>(
        "tempo_ingest_log_append_failures_total", description: "Appends that faulted because a write or fsync failed.");
}
