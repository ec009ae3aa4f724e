using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>Log lines of the block writer and reader, with stable event IDs (52xx = block format).</summary>
internal static partial class BlockLogMessages
{
    [LoggerMessage(EventId = 5201, Level = LogLevel.Information,
        Message = "Wrote block {Tenant}/{BlockId}: {Traces} traces, {Spans} spans, {RowGroups} row groups, {Bytes} bytes ({BytesPerSpan:F1} B/span) in {ElapsedMs} ms")]
    public static partial void BlockWritten(ILogger logger, string tenant, Guid blockId, long traces, long spans, int rowGroups, long bytes,
        double bytesPerSpan, long elapsedMs);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information,
        Message = "Block {Tenant}/{BlockId} already exists (meta.json present); not writing it again")]
    public static partial void BlockExists(ILogger logger, string tenant, Guid blockId);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Debug,
        Message = "Block {Tenant}/{BlockId}: {Disconnected} of {Traces} traces are not connected trees, {Rootless} have no root span")]
    public static partial void TraceQuality(ILogger logger, string tenant, Guid blockId, int disconnected, int traces, int rootless);
}
