using Tempo.Streaming.Distributor;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Kafka;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.LiveStore;
using Tempo.Streaming.Receivers.Otlp;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>Maps the YAML configuration onto the option records the components take.</summary>
public static class ComponentOptions
{
    /// <summary><c>ingest.embedded</c>; a relative path resolves against the working directory.</summary>
    public static EmbeddedLogOptions ToEmbeddedLogOptions(this TempoConfig config)
    {
        var embedded = config.Ingest.Embedded;
        return new EmbeddedLogOptions
        {
            Path = System.IO.Path.GetFullPath(embedded.Path),
            Topic = embedded.Topic,
            Partitions = embedded.Partitions,
            SegmentBytes = embedded.SegmentBytes,
            RetentionBytes = embedded.RetentionBytes,
            RetentionPeriod = embedded.RetentionPeriod,
            Compression = embedded.Compression,
        };
    }

    /// <summary>
    /// <c>ingest.kafka</c> for the ingest topic. <c>auto_create_topic_default_partitions: 0</c> turns topic creation off, as
    /// Tempo skips its topic setup for values &lt;= 0.
    /// </summary>
    public static KafkaLogOptions ToKafkaLogOptions(this TempoConfig config)
    {
        var kafka = config.Ingest.Kafka;
        return new KafkaLogOptions
        {
            Address = kafka.Address,
            Topic = kafka.Topic,
            ClientId = kafka.ClientId,
            DialTimeout = kafka.DialTimeout,
            WriteTimeout = kafka.WriteTimeout,
            ProducerLinger = kafka.ProducerLinger,
            ProducerCompression = kafka.ProducerCompression,
            AutoCreateTopicEnabled = kafka.AutoCreateTopicEnabled && kafka.AutoCreateTopicDefaultPartitions > 0,
            Partitions = Math.Max(1, kafka.AutoCreateTopicDefaultPartitions),
        };
    }

    /// <summary>
    /// The partition ring's topic <c>&lt;topic&gt;-ring</c> (ARCHITECTURE.md §4): one partition, so every member reads every
    /// entry in write order, and compacted, so the topic keeps the latest entry per key however long the ring lives.
    /// </summary>
    public static KafkaLogOptions ToRingLogOptions(this TempoConfig config) => config.ToKafkaLogOptions() with
    {
        Topic = RingTopic(config),
        Partitions = 1,
        AutoCreateTopicEnabled = config.Ingest.Kafka.AutoCreateTopicEnabled,
        TopicConfig = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
    };

    public static string RingTopic(TempoConfig config) => config.Ingest.Kafka.Topic + "-ring";

    /// <summary><c>distributor.max_attribute_bytes</c> and the producer's record size limit of the log this target writes.</summary>
    public static DistributorOptions ToDistributorOptions(this TempoConfig config) => new()
    {
        MaxAttributeBytes = config.Distributor.MaxAttributeBytes,
        MaxRecordBytes = ServerTargets.UsesKafka(config.Target)
            ? config.Ingest.Kafka.ProducerMaxRecordSizeBytes
            : config.Ingest.Embedded.ProducerMaxRecordSizeBytes,
    };

    /// <summary>
    /// <c>live_store</c> and <c>overrides.defaults.global.max_bytes_per_trace</c>. The single binary consumes every partition
    /// in the group <c>live-store</c>; a distributed live store consumes <paramref name="partitions"/> in its zone's group.
    /// </summary>
    public static LiveStoreOptions ToLiveStoreOptions(this TempoConfig config, IReadOnlyList<int>? partitions = null) => new()
    {
        Path = System.IO.Path.GetFullPath(config.LiveStore.Path),
        Partitions = partitions ?? [],
        ConsumerGroup = ServerTargets.UsesKafka(config.Target) ? LiveStoreInstance.ConsumerGroup(config) : new LiveStoreOptions().ConsumerGroup,
        MaxTraceIdle = config.LiveStore.MaxTraceIdle,
        MaxTraceLive = config.LiveStore.MaxTraceLive,
        MaxLiveTracesBytes = config.LiveStore.MaxLiveTracesBytes,
        MaxBytesPerTrace = config.Overrides.MaxBytesPerTrace,
        BlockCacheBytes = config.LiveStore.BlockCacheSizeBytes,
        Flush = new LiveStore.Flushing.BlockFlushOptions
        {
            Enabled = config.LiveStore.FlushBlocks,
            MaxBlockBytes = config.LiveStore.MaxBlockBytes,
            MaxBlockDuration = config.LiveStore.MaxBlockDuration,
            CompleteBlockTimeout = config.LiveStore.CompleteBlockTimeout,
            CheckInterval = config.LiveStore.FlushCheckPeriod,
            ConcurrentFlushes = config.LiveStore.ConcurrentFlushes,
        },
    };

    /// <summary><c>compactor.compaction</c> as the compactor's options.</summary>
    public static Blocks.Compaction.CompactorOptions ToCompactorOptions(this TempoConfig config) => Blocks.Compaction.CompactorOptions.Default with
    {
        CompactionWindow = config.Compactor.CompactionWindow,
        MaxCompactionObjects = config.Compactor.MaxCompactionObjects,
        MaxBlockBytes = config.Compactor.MaxBlockBytes,
        BlockRetention = config.Compactor.BlockRetention,
        CompactedBlockRetention = config.Compactor.CompactedBlockRetention,
    };

    /// <summary>The block backend of <c>storage.trace</c>: a local folder (created when missing) or an S3 bucket.</summary>
    public static Blocks.Backend.IObjectStore CreateBlockStore(this TempoConfig config)
    {
        var trace = config.Storage.Trace;
        if (trace.Backend == StorageBackend.Local)
        {
            var path = System.IO.Path.GetFullPath(trace.Local.Path);
            Directory.CreateDirectory(path);
            return new Blocks.Backend.LocalObjectStore(path);
        }

        var s3 = trace.S3;
        var options = new Blocks.Backend.S3BackendOptions
        {
            Bucket = s3.Bucket,
            Endpoint = string.IsNullOrEmpty(s3.Endpoint) ? null : s3.Endpoint,
            Region = string.IsNullOrEmpty(s3.Region) ? "us-east-1" : s3.Region,
            // Tempo reads credentials from the config, else the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
            AccessKey = string.IsNullOrEmpty(s3.AccessKey) ? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") : s3.AccessKey,
            SecretKey = string.IsNullOrEmpty(s3.SecretKey) ? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") : s3.SecretKey,
            Insecure = s3.Insecure,
            // forcepathstyle as configured; with a custom endpoint (MinIO, s3rver) path style regardless, since those
            // serve http://host/bucket/key unless a wildcard domain is set up for virtual-hosted buckets.
            ForcePathStyle = s3.ForcePathStyle || !string.IsNullOrEmpty(s3.Endpoint),
        };
        options.Validate();
        return new Blocks.Backend.S3ObjectStore(options);
    }

    /// <summary>
    /// <c>live_store.ring</c> and <c>live_store.partition_ring</c> for a member owning <paramref name="partitions"/>,
    /// reachable at <paramref name="httpAddress"/>. New partitions start PENDING in distributed mode; in the single binary
    /// ACTIVE at once, since the in-process live store is their only possible owner and the ring dies with the process.
    /// </summary>
    public static PartitionLifecyclerOptions ToLifecyclerOptions(this TempoConfig config, IReadOnlyList<int> partitions, string httpAddress)
    {
        var ring = config.LiveStore.Ring;
        var partitionRing = config.LiveStore.PartitionRing;
        return new PartitionLifecyclerOptions
        {
            InstanceId = ring.InstanceId,
            Partitions = partitions,
            Zone = ring.InstanceAvailabilityZone,
            HttpAddress = httpAddress,
            HeartbeatPeriod = ring.HeartbeatPeriod,
            MinOwnersCount = partitionRing.MinPartitionOwnersCount,
            MinOwnersDuration = partitionRing.MinPartitionOwnersDuration,
            DeleteInactivePartitionAfter = partitionRing.DeleteInactivePartitionAfter,
            InitialState = ServerTargets.UsesKafka(config.Target) ? PartitionState.Pending : PartitionState.Active,
        };
    }

    /// <summary>Tempo's shutdown marker file (dskit <c>shutdownmarker</c>: <c>shutdown-requested.txt</c>) in <c>shutdown_marker_dir</c>.</summary>
    public static string ShutdownMarkerPath(this TempoConfig config) =>
        System.IO.Path.Combine(System.IO.Path.GetFullPath(config.LiveStore.ShutdownMarkerDir), "shutdown-requested.txt");

    /// <summary>
    /// The OTLP receivers this process listens with: the configured ones on targets that run the distributor, none on
    /// the others (a live store shares the distributors' config file but takes no pushes).
    /// </summary>
    public static OtlpReceiverConfig? OtlpReceivers(this TempoConfig config) =>
        ServerTargets.RunsDistributor(config.Target) ? config.Distributor.Receivers.Otlp : null;

    /// <summary><c>multitenancy_enabled</c> and the OTLP protocol limits.</summary>
    public static OtlpReceiverOptions ToOtlpReceiverOptions(this TempoConfig config)
    {
        var otlp = config.Distributor.Receivers.Otlp;
        return new OtlpReceiverOptions
        {
            MultitenancyEnabled = config.MultitenancyEnabled,
            MaxRequestBodyBytes = otlp?.Http?.MaxRequestBodySize ?? OtlpReceiverOptions.DefaultMaxRequestBodyBytes,
            GrpcMaxRecvMsgSizeMiB = otlp?.Grpc?.MaxRecvMsgSizeMib ?? OtlpReceiverOptions.DefaultGrpcMaxRecvMsgSizeMiB,
        };
    }
}
