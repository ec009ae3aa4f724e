using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>Log lines of the compactor, with stable event IDs (55xx = compaction and retention).</summary>
internal static partial class CompactionLogMessages
{
    [LoggerMessage(EventId = 5501, Level = LogLevel.Information,
        Message = "Compacted {Inputs} blocks of tenant {Tenant} into {BlockId} (level {Level}): {Traces} traces, {Spans} spans, {Bytes} bytes, {Combined} traces combined")]
    public static partial void Compacted(ILogger logger, string tenant, int inputs, Guid blockId, int level, long traces, long spans, long bytes, long combined);

    [LoggerMessage(EventId = 5502, Level = LogLevel.Information,
        Message = "Compacted block {Tenant}/{BlockId} was already written by an earlier run; marking its {Inputs} inputs compacted")]
    public static partial void OutputExists(ILogger logger, string tenant, Guid blockId, int inputs);

    [LoggerMessage(EventId = 5503, Level = LogLevel.Error,
        Message = "Compaction failed: {Job}: {Error}")]
    public static partial void CompactionFailed(ILogger logger, string job, string error, Exception exception);

    [LoggerMessage(EventId = 5504, Level = LogLevel.Information,
        Message = "Block {Tenant}/{BlockId} is superseded by {CoveredBy} (its ingest ranges are in that block); marking it compacted")]
    public static partial void Superseded(ILogger logger, string tenant, Guid blockId, Guid coveredBy);

    [LoggerMessage(EventId = 5505, Level = LogLevel.Information,
        Message = "Retention: block {Tenant}/{BlockId} ended at {EndTime:o}, past the block retention; marking it for deletion")]
    public static partial void MarkedForDeletion(ILogger logger, string tenant, Guid blockId, DateTimeOffset endTime);

    [LoggerMessage(EventId = 5506, Level = LogLevel.Information,
        Message = "Retention: deleting block {Tenant}/{BlockId}, compacted at {CompactedTime:o}")]
    public static partial void Deleting(ILogger logger, string tenant, Guid blockId, DateTimeOffset compactedTime);

    [LoggerMessage(EventId = 5507, Level = LogLevel.Error,
        Message = "Retention failed for block {Tenant}/{BlockId}: {Error}")]
    public static partial void RetentionFailed(ILogger logger, string tenant, Guid blockId, string error, Exception exception);

    [LoggerMessage(EventId = 5508, Level = LogLevel.Debug,
        Message = "Block folder {Tenant}/{BlockId} is skipped by the compactor: {Problem}")]
    public static partial void Skipped(ILogger logger, string tenant, Guid blockId, string problem);

    [LoggerMessage(EventId = 5509, Level = LogLevel.Error,
        Message = "Compactor could not process tenant {Tenant}: {Error}")]
    public static partial void TenantFailed(ILogger logger, string tenant, string error, Exception exception);
}
