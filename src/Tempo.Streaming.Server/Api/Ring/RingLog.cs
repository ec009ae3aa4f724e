using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// Log messages of the ring and downscale routes (event IDs 13xx). Every state change an operator asks for is logged
/// at Information with the partition, as Tempo's live store does; a refused or failed change at Warning / Error.
/// </summary>
internal static partial class RingLog
{
    public const string Category = "Tempo.Streaming.Server.Ring";

    [LoggerMessage(1301, LogLevel.Information, "partition {Partition} prepared for downscaling: state changed to INACTIVE")]
    public static partial void PartitionInactive(ILogger logger, int partition);

    [LoggerMessage(1302, LogLevel.Information, "partition {Partition} is already set to INACTIVE state")]
    public static partial void PartitionAlreadyInactive(ILogger logger, int partition);

    [LoggerMessage(1303, LogLevel.Warning,
        "received a request to prepare partition {Partition} for shutdown, but the request can't be satisfied because the partition is in PENDING state")]
    public static partial void PartitionPendingRefused(ILogger logger, int partition);

    [LoggerMessage(1304, LogLevel.Information, "partition {Partition} downscaling preparation cancelled: state changed back to ACTIVE")]
    public static partial void PartitionActiveAgain(ILogger logger, int partition);

    [LoggerMessage(1305, LogLevel.Information, "partition {Partition} is not in INACTIVE state ({State}), so no need to cancel downscaling")]
    public static partial void PartitionNotInactive(ILogger logger, int partition, string state);

    [LoggerMessage(1306, LogLevel.Error, "failed to change the state of partition {Partition} to {State}")]
    public static partial void PartitionChangeFailed(ILogger logger, Exception exception, int partition, string state);

    [LoggerMessage(1312, LogLevel.Warning, "partition {Partition}: state change refused by the ring: {Reason}")]
    public static partial void PartitionChangeRefused(ILogger logger, int partition, string reason);

    [LoggerMessage(1307, LogLevel.Information, "live-store prepared for shutdown: it leaves the ring on shutdown and does not recreate partition {Partition} (marker {Path})")]
    public static partial void PreparedForShutdown(ILogger logger, int partition, string path);

    [LoggerMessage(1308, LogLevel.Information, "prepare-downscale refused: partition {Partition} must be in INACTIVE state, it is {State} (marker {Path} not written)")]
    public static partial void PrepareDownscaleRefused(ILogger logger, int partition, string state, string path);

    [LoggerMessage(1309, LogLevel.Information, "live-store shutdown preparation cancelled (marker {Path} removed)")]
    public static partial void ShutdownPreparationCancelled(ILogger logger, string path);

    [LoggerMessage(1310, LogLevel.Error, "prepare-downscale: the shutdown marker file {Path} could not be {Action}")]
    public static partial void MarkerFailed(ILogger logger, Exception exception, string path, string action);

    [LoggerMessage(1311, LogLevel.Error, "prepare-downscale: live_store.shutdown_marker_dir is not set, so the shutdown marker has no path")]
    public static partial void MarkerPathMissing(ILogger logger);
}
