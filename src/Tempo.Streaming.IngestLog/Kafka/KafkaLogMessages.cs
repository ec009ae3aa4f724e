using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>Every log line of the Kafka ingest log, with stable event IDs (12xx = Kafka adapter).</summary>
internal static partial class KafkaLogMessages
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information,
        Message = "Opened Kafka ingest log: topic {Topic} on {Bootstrap}, {Partitions} partitions, compression {Compression}")]
    public static partial void Opened(ILogger logger, string topic, string bootstrap, int partitions, string compression);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Created Kafka topic {Topic} with {Partitions} partitions (replication factor {ReplicationFactor})")]
    public static partial void TopicCreated(ILogger logger, string topic, int partitions, int replicationFactor);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Kafka topic {Topic} already exists; using its metadata")]
    public static partial void TopicExists(ILogger logger, string topic);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning,
        Message = "Could not create Kafka topic {Topic} ({Reason}); checking whether it exists through metadata")]
    public static partial void TopicCreateRefused(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning,
        Message = "Kafka topic {Topic} has {Actual} partitions, not the configured {Configured}; using {Actual}")]
    public static partial void PartitionCountDiffers(ILogger logger, string topic, int actual, int configured);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Kafka client {Client}: {Code} {Reason}{Suppressed}")]
    public static partial void ClientError(ILogger logger, string client, string code, string reason, string suppressed);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Error, Message = "Kafka client {Client} hit a fatal error ({Code} {Reason}); it is rebuilt on next use")]
    public static partial void ClientFatal(ILogger logger, string client, string code, string reason);

    [LoggerMessage(EventId = 1208, Message = "librdkafka {Client} [{Facility}] {Text}{Suppressed}")]
    public static partial void Librdkafka(ILogger logger, LogLevel level, string client, string facility, string text, string suppressed);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Warning,
        Message = "Reading partition {Partition} of {Topic} at offset {Offset} failed: {Reason}; returning the {Records} records read so far{Suppressed}")]
    public static partial void FetchFailed(ILogger logger, int partition, string topic, long offset, string reason, int records, string suppressed);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning,
        Message = "Kafka call {Operation} failed ({Reason}); retrying in {RetryInMs} ms")]
    public static partial void Retrying(ILogger logger, string operation, string reason, long retryInMs);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information,
        Message = "The broker found no record of partition {Partition} of {Topic} at or after {Timestamp:O}; scanning the partition to confirm (the broker does not look offsets up by time)")]
    public static partial void ScanningForTimestamp(ILogger logger, int partition, string topic, DateTimeOffset timestamp);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning,
        Message = "Flushing the Kafka producer of {Topic} at shutdown left {Pending} records without a delivery report")]
    public static partial void FlushIncomplete(ILogger logger, string topic, int pending);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Information, Message = "Closed Kafka ingest log {Topic}")]
    public static partial void Closed(ILogger logger, string topic);

    [LoggerMessage(EventId = 1214, Level = LogLevel.Warning, Message = "Closing Kafka consumer {Client} failed")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string client);
}
