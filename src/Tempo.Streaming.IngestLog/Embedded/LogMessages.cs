using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>Every log line of the embedded ingest log, with stable event IDs (1xxx = embedded log).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Opened embedded ingest log {Path} (topic {Topic}, {Partitions} partitions, read-only: {ReadOnly})")]
    public static partial void Opened(ILogger logger, string path, string topic, int partitions, bool readOnly);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "Recovered embedded ingest log partition {Partition}: segment {Segment} had an invalid tail at byte {Position} ({Reason}); truncated {DroppedBytes} bytes, the partition continues at offset {NextOffset}")]
    public static partial void TruncatedTail(ILogger logger, int partition, string segment, long position, string reason, long droppedBytes, long nextOffset);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information,
        Message = "Rebuilt the sparse index of partition {Partition} segment {Segment} from its records")]
    public static partial void IndexRebuilt(ILogger logger, int partition, string segment);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug,
        Message = "Rolled partition {Partition} to a new segment at offset {BaseOffset}")]
    public static partial void SegmentRolled(ILogger logger, int partition, long baseOffset);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information,
        Message = "Retention deleted partition {Partition} segment {Segment} ({Bytes} bytes, by {Reason}); log-start offset is now {LogStartOffset}")]
    public static partial void SegmentDeleted(ILogger logger, int partition, string segment, long bytes, string reason, long logStartOffset);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning,
        Message = "Partition {Partition} has no records for offsets [{From}, {To}) between segments (lost to an earlier corrupt segment tail); reads skip the gap")]
    public static partial void OffsetGap(ILogger logger, int partition, long from, long to);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error,
        Message = "Append to partition {Partition} failed; the {Appends} waiting appends were not acknowledged")]
    public static partial void AppendFailed(ILogger logger, Exception exception, int partition, int appends);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information, Message = "Closed embedded ingest log {Path}")]
    public static partial void Closed(ILogger logger, string path);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "Retention of partition {Partition} failed")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, int partition);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
        Message = "Could not delete file {File} of a segment removed by retention")]
    public static partial void SegmentFileDeleteFailed(ILogger logger, Exception exception, string file);
}
