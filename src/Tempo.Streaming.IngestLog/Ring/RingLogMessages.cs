using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>Every log line of the partition ring (stores and lifecycler), with stable event IDs (15xx = partition ring).</summary>
internal static partial class RingLogMessages
{
    [LoggerMessage(EventId = 1501, Level = LogLevel.Information,
        Message = "Partition {Partition} not found in the ring; created it in state {State}")]
    public static partial void PartitionCreated(ILogger logger, int partition, string state);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information,
        Message = "Partition {Partition} found in the ring in state {State} (since {StateTimestamp:o})")]
    public static partial void PartitionFound(ILogger logger, int partition, string state, DateTimeOffset stateTimestamp);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information,
        Message = "Partition {Partition} not found in the ring and partition creation on startup is off (downscale marker); waiting for it to appear")]
    public static partial void WaitingForPartition(ILogger logger, int partition);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information,
        Message = "Registered owner {OwnerId} of partition {Partition} (zone '{Zone}', HTTP address '{HttpAddress}', owner since {UpdatedTimestamp:o})")]
    public static partial void OwnerRegistered(ILogger logger, string ownerId, int partition, string zone, string httpAddress, DateTimeOffset updatedTimestamp);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Information,
        Message = "Partition {Partition} state {FromState} -> {ToState} ({Reason})")]
    public static partial void PartitionStateChanged(ILogger logger, int partition, string fromState, string toState, string reason);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Information,
        Message = "Removed partition {Partition} from the ring: INACTIVE since {StateTimestamp:o} with no owners")]
    public static partial void InactivePartitionDeleted(ILogger logger, int partition, DateTimeOffset stateTimestamp);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning,
        Message = "Owner entry {OwnerId} of partition {Partition} was missing from the ring (removed by someone else); registered it again")]
    public static partial void OwnerRecreated(ILogger logger, string ownerId, int partition);

    [LoggerMessage(EventId = 1508, Level = LogLevel.Warning,
        Message = "Owned partition {Partition} is missing from the ring; it is not re-created while running (dskit behaviour) - restart the member to create it")]
    public static partial void OwnedPartitionMissing(ILogger logger, int partition);

    [LoggerMessage(EventId = 1509, Level = LogLevel.Warning, Message = "Partition ring reconciliation failed; retrying in {RetryIn}")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, TimeSpan retryIn);

    [LoggerMessage(EventId = 1510, Level = LogLevel.Information, Message = "Removed owner {OwnerId} of partition {Partition} from the ring on shutdown")]
    public static partial void OwnerRemovedOnShutdown(ILogger logger, string ownerId, int partition);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Error, Message = "Failed to remove owner {OwnerId} of partition {Partition} from the ring on shutdown")]
    public static partial void OwnerRemovalFailed(ILogger logger, Exception exception, string ownerId, int partition);

    [LoggerMessage(EventId = 1512, Level = LogLevel.Information, Message = "Partition ring lifecycler of {InstanceId} is shutting down")]
    public static partial void LifecyclerStopping(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 1520, Level = LogLevel.Information,
        Message = "Loaded the partition ring from {Topic} up to offset {HighWatermark}: {Partitions} partitions, {Owners} owners")]
    public static partial void RingLoaded(ILogger logger, string topic, long highWatermark, int partitions, int owners);

    [LoggerMessage(EventId = 1521, Level = LogLevel.Warning,
        Message = "Skipped partition ring record at offset {Offset} of {Topic} (key '{Key}'): {Reason}")]
    public static partial void RecordSkipped(ILogger logger, string topic, long offset, string key, string reason);

    [LoggerMessage(EventId = 1522, Level = LogLevel.Warning, Message = "Reading the partition ring from {Topic} failed; retrying in {RetryIn}")]
    public static partial void TailFailed(ILogger logger, Exception exception, string topic, TimeSpan retryIn);

    [LoggerMessage(EventId = 1523, Level = LogLevel.Error, Message = "A partition ring Changed handler threw")]
    public static partial void ChangedHandlerFailed(ILogger logger, Exception exception);
}
