using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.LiveStore;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "live store opened at {Path}: partition {Partition} resumes at offset {Offset} ({Source})")]
    public static partial void PartitionResumes(ILogger logger, string path, int partition, long offset, string source);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "partition {Partition}: records {From}..{To} are gone from the ingest log (retention) and were never consumed")]
    public static partial void OffsetGap(ILogger logger, int partition, long from, long to);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error,
        Message = "partition {Partition}: consuming at offset {Offset} failed; retrying in {BackoffMs} ms")]
    public static partial void ConsumeFailed(ILogger logger, Exception error, int partition, long offset, long backoffMs);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "partition {Partition}: skipped undecodable record at offset {Offset} (tenant '{Tenant}'): {Error}")]
    public static partial void RecordSkipped(ILogger logger, int partition, long offset, string tenant, string error);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "{Bytes} bytes of recent data are not flushed to disk yet, at max_live_traces_bytes {Limit}: consumption pauses until flushes catch up")]
    public static partial void ConsumptionPaused(ILogger logger, long bytes, long limit);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "live store closed at {Path}")]
    public static partial void Closed(ILogger logger, string path);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information,
        Message = "partition {Partition}: flushed offsets {First}..{Last} ({Records} records) into {Blocks} block(s)")]
    public static partial void RangeFlushed(ILogger logger, int partition, long first, long last, long records, int blocks);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error,
        Message = "partition {Partition}: cutting a block failed; the range is retried on the next check")]
    public static partial void FlushFailed(ILogger logger, Exception error, int partition);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning,
        Message = "partition {Partition}: committing offset {Offset} for group {Group} failed; the next flush commits again")]
    public static partial void CommitFailed(ILogger logger, Exception error, int partition, long offset, string group);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information,
        Message = "partition {Partition}: deleted flushed offsets {First}..{Last} ({Fragments} fragments) after complete_block_timeout")]
    public static partial void RangeDeleted(ILogger logger, int partition, long first, long last, int fragments);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information,
        Message = "partition {Partition}: resuming the interrupted cut of offsets {First}..{Last}")]
    public static partial void CutResumed(ILogger logger, int partition, long first, long last);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information,
        Message = "partition {Partition}: the live store was not closed cleanly; restored {Fragments} fragments of the unflushed offsets {First}..{Last} from the ingest log")]
    public static partial void FragmentsRestored(ILogger logger, int partition, int fragments, long first, long last);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error,
        Message = "partition {Partition}: {Missing} fragments of the unflushed offsets {First}..{Last} cannot be restored after an unclean close: the ingest log no longer holds offset {Offset}; those spans are missing from the live store and from the blocks cut from it")]
    public static partial void FragmentsUnrestorable(ILogger logger, int partition, int missing, long first, long last, long offset);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning,
        Message = "live store {Path}: flushing the memtables at close failed; the next start restores unflushed fragments from the ingest log")]
    public static partial void UncleanClose(ILogger logger, Exception error, string path);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Error,
        Message = "partition {Partition}: deleting flushed ranges after complete_block_timeout failed; retried on the next check")]
    public static partial void DeleteFailed(ILogger logger, Exception error, int partition);
}
