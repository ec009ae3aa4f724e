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
}
