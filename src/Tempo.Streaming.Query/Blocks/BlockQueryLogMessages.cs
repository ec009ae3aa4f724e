using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Query.Blocks;

/// <summary>Log lines of the block list and block lookups, with stable event IDs (44xx = querier blocks).</summary>
internal static partial class BlockQueryLogMessages
{
    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning,
        Message = "Block list poll could not list the tenants of {Backend}; keeping the previous block list: {Problem}")]
    public static partial void TenantListingFailed(ILogger logger, string backend, string problem, Exception exception);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning,
        Message = "Block list poll of tenant {Tenant} failed; keeping its previous {Blocks} blocks: {Problem}")]
    public static partial void TenantPollFailed(ILogger logger, string tenant, int blocks, string problem, Exception exception);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning,
        Message = "Tenant index of {Tenant} cannot be used, listing the tenant's blocks instead: {Problem}")]
    public static partial void TenantIndexUnusable(ILogger logger, string tenant, string problem);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Debug,
        Message = "Polled tenant {Tenant} from {Source}: {Live} live blocks, {Compacted} compacted")]
    public static partial void TenantPolled(ILogger logger, string tenant, string source, int live, int compacted);

    [LoggerMessage(EventId = 4405, Level = LogLevel.Debug,
        Message = "Block folder {Tenant}/{BlockId} skipped by the block list: {Problem}")]
    public static partial void BlockFolderSkipped(ILogger logger, string tenant, Guid blockId, string problem);

    [LoggerMessage(EventId = 4406, Level = LogLevel.Information,
        Message = "Tenant {Tenant} has no blocks any more; dropped from the block list")]
    public static partial void TenantDropped(ILogger logger, string tenant);

    [LoggerMessage(EventId = 4410, Level = LogLevel.Warning,
        Message = "Skipping block {Tenant}/{BlockId} in trace-by-ID lookups; the other blocks still answer: {Problem}")]
    public static partial void BlockSkipped(ILogger logger, string tenant, Guid blockId, string problem, Exception exception);

    [LoggerMessage(EventId = 4411, Level = LogLevel.Debug,
        Message = "Skipping block {Tenant}/{BlockId} again (reported before): {Problem}")]
    public static partial void BlockSkippedAgain(ILogger logger, string tenant, Guid blockId, string problem);

    [LoggerMessage(EventId = 4412, Level = LogLevel.Debug,
        Message = "Block {Tenant}/{BlockId} was deleted after the block list was polled; skipped")]
    public static partial void BlockDeleted(ILogger logger, string tenant, Guid blockId);

    [LoggerMessage(EventId = 4413, Level = LogLevel.Debug,
        Message = "Block {Tenant}/{BlockId} has format {Format}, which this querier does not read; skipped")]
    public static partial void BlockFormatUnsupported(ILogger logger, string tenant, Guid blockId, string format);
}
