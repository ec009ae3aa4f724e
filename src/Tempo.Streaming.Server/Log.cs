using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Server;

/// <summary>Every log message of the host, with stable event IDs (1xxx). Lifecycle = Information, per request = Debug.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Starting tempo-streaming {Version} (target={Target}, config={ConfigSource})")]
    public static partial void Starting(ILogger logger, string version, string target, string configSource);

    [LoggerMessage(1002, LogLevel.Information, "tempo-streaming listening: {Listeners} target={Target} (GET /ready answers 200 once every service runs)")]
    public static partial void Ready(ILogger logger, string listeners, string target);

    [LoggerMessage(1003, LogLevel.Information, "Opening ingest log {Path} ({Partitions} partitions)")]
    public static partial void IngestLogOpening(ILogger logger, string path, int partitions);

    [LoggerMessage(1004, LogLevel.Information, "Ingest log {Where} open in {ElapsedMs} ms ({Partitions} partitions)")]
    public static partial void IngestLogOpened(ILogger logger, string where, long elapsedMs, int partitions);

    [LoggerMessage(1005, LogLevel.Critical, "Service {Service} failed; stopping tempo-streaming")]
    public static partial void ServiceFailed(ILogger logger, Exception exception, string service);

    [LoggerMessage(1006, LogLevel.Information,
        "Distributor running: {Partitions} active partitions, max_record_bytes={MaxRecordBytes}, max_attribute_bytes={MaxAttributeBytes}")]
    public static partial void DistributorRunning(ILogger logger, int partitions, int maxRecordBytes, int maxAttributeBytes);

    [LoggerMessage(1007, LogLevel.Information, "Shutdown requested: not ready any more, draining connections")]
    public static partial void ShutdownRequested(ILogger logger);

    [LoggerMessage(1008, LogLevel.Information, "Waiting for {InFlight} pushes in flight to finish")]
    public static partial void DrainingPushes(ILogger logger, long inFlight);

    [LoggerMessage(1009, LogLevel.Warning, "Shutdown timeout reached with {InFlight} pushes still in flight; closing the ingest log anyway")]
    public static partial void DrainTimedOut(ILogger logger, long inFlight);

    [LoggerMessage(1010, LogLevel.Information, "Ingest log {Where} closed")]
    public static partial void IngestLogClosed(ILogger logger, string where);

    [LoggerMessage(1011, LogLevel.Debug, "Service {Service} is {State}")]
    public static partial void ServiceState(ILogger logger, string service, string state);

    [LoggerMessage(1012, LogLevel.Information, "tempo-streaming stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(1013, LogLevel.Error, "Closing the ingest log {Where} failed")]
    public static partial void IngestLogCloseFailed(ILogger logger, Exception exception, string where);

    [LoggerMessage(1014, LogLevel.Information, "Opening Kafka topic {Topic} at {Address}")]
    public static partial void KafkaOpening(ILogger logger, string topic, string address);

    [LoggerMessage(1015, LogLevel.Warning,
        "Kafka topic {Topic} at {Address} not reachable (attempt {Attempt}): {Error}; retrying in {BackoffMs} ms (see /ready)")]
    public static partial void KafkaOpenRetry(ILogger logger, string topic, string address, int attempt, long backoffMs, string error);

    [LoggerMessage(1016, LogLevel.Information, "Partition ring running ({Source}): {Partitions} partitions, {Owners} owners")]
    public static partial void PartitionRingRunning(ILogger logger, string source, int partitions, int owners);

    [LoggerMessage(1017, LogLevel.Information,
        "Live store {InstanceId} consumes partition {Partition} of {Topic} in consumer group {ConsumerGroup}")]
    public static partial void LiveStorePartition(ILogger logger, string instanceId, int partition, string topic, string consumerGroup);

    [LoggerMessage(1018, LogLevel.Information,
        "Shutdown marker {Path} found: the partition is not recreated and this live store leaves the ring on shutdown")]
    public static partial void ShutdownMarkerFound(ILogger logger, string path);

    [LoggerMessage(1019, LogLevel.Information, "{InstanceId} owns partitions [{Partitions}] in the ring (address {Address}, zone {Zone})")]
    public static partial void JoinedPartitionRing(ILogger logger, string instanceId, string partitions, string address, string zone);

    [LoggerMessage(1020, LogLevel.Error, "Closing the {Component} failed")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string component);

    [LoggerMessage(1021, LogLevel.Information,
        "Compaction pass: {Tenants} tenants, {BlocksIn} blocks merged into {BlocksOut} ({Spans} spans), {Marked} past retention, {Deleted} deleted, {Errors} errors")]
    public static partial void CompactionPass(ILogger logger, int tenants, int blocksIn, int blocksOut, long spans, int marked, int deleted, int errors);

    [LoggerMessage(1022, LogLevel.Error, "Compaction pass failed; the next one runs in {CycleSeconds} s")]
    public static partial void CompactionFailed(ILogger logger, Exception exception, double cycleSeconds);
}
