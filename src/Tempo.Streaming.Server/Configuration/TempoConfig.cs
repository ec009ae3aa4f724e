using Tempo.Streaming.IngestLog;
using Tempo.Streaming.Receivers.Otlp;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// The whole server configuration, read from the YAML file given with <c>-config.file</c> (keys follow Tempo's
/// configuration reference) and overlaid by command-line flags. Every value has a documented default, so a server
/// started without a config file runs the single binary with an embedded ingest log under <c>./data</c>.
/// </summary>
public sealed record TempoConfig
{
    /// <summary><c>target</c>: which components this process runs (Tempo's <c>-target</c>). Default <c>all</c>.</summary>
    public string Target { get; init; } = ServerTargets.All;

    /// <summary><c>multitenancy_enabled</c>: require <c>X-Scope-OrgID</c> on every request (Tempo default false).</summary>
    public bool MultitenancyEnabled { get; init; }

    public ServerConfig Server { get; init; } = new();

    public DistributorConfig Distributor { get; init; } = new();

    public IngestConfig Ingest { get; init; } = new();

    public StorageConfig Storage { get; init; } = new();

    public CompactorConfig Compactor { get; init; } = new();

    public LiveStoreConfig LiveStore { get; init; } = new();

    public OverridesConfig Overrides { get; init; } = new();

    /// <summary>The configuration a server started without <c>-config.file</c> runs with.</summary>
    public static TempoConfig Default { get; } = new();
}

/// <summary><c>server</c>: the Tempo HTTP API listener (dskit server keys).</summary>
public sealed record ServerConfig
{
    /// <summary><c>http_listen_address</c>: empty = every interface (as dskit).</summary>
    public string HttpListenAddress { get; init; } = "";

    /// <summary><c>http_listen_port</c>: Tempo's HTTP API, plus h2c gRPC on the same port. Default 3200, 0 = any free port.</summary>
    public int HttpListenPort { get; init; } = 3200;

    /// <summary><c>log_level</c>: debug, info, warn or error (dskit's levels). Default info.</summary>
    public LogLevelSetting LogLevel { get; init; } = LogLevelSetting.Info;
}

public enum LogLevelSetting
{
    Debug,
    Info,
    Warn,
    Error,
}

/// <summary><c>distributor</c>.</summary>
public sealed record DistributorConfig
{
    /// <summary><c>receivers</c>: the OpenTelemetry-collector receiver block Tempo embeds.</summary>
    public ReceiversConfig Receivers { get; init; } = new();

    /// <summary><c>max_attribute_bytes</c>: longer attribute keys/values are truncated; 0 = off. Tempo default 2048.</summary>
    public int MaxAttributeBytes { get; init; } = 2048;
}

/// <summary>
/// <c>distributor.receivers</c>. As in Tempo (and the OTel collector), a receiver protocol runs only when it is listed;
/// the default configuration lists OTLP gRPC and OTLP HTTP. A config file that writes <c>distributor.receivers</c>
/// replaces that list with its own.
/// </summary>
public sealed record ReceiversConfig
{
    /// <summary><c>otlp</c>; null when the config lists no OTLP receiver.</summary>
    public OtlpReceiverConfig? Otlp { get; init; } = new();
}

/// <summary><c>distributor.receivers.otlp.protocols</c>.</summary>
public sealed record OtlpReceiverConfig
{
    /// <summary><c>protocols.grpc</c>; null = OTLP gRPC not enabled.</summary>
    public OtlpGrpcProtocolConfig? Grpc { get; init; } = new();

    /// <summary><c>protocols.http</c>; null = OTLP HTTP not enabled.</summary>
    public OtlpHttpProtocolConfig? Http { get; init; } = new();
}

/// <summary><c>protocols.grpc</c> (OTel collector <c>configgrpc.ServerConfig</c> keys).</summary>
public sealed record OtlpGrpcProtocolConfig
{
    /// <summary>
    /// <c>endpoint</c>: host:port. The collector (and therefore Tempo) defaults to <c>localhost:4317</c>; set
    /// <c>0.0.0.0:4317</c> to accept traffic from other hosts.
    /// </summary>
    public string Endpoint { get; init; } = "localhost:4317";

    /// <summary><c>max_recv_msg_size_mib</c>: largest request message; the gRPC default is 4 MiB.</summary>
    public int MaxRecvMsgSizeMib { get; init; } = OtlpReceiverOptions.DefaultGrpcMaxRecvMsgSizeMiB;
}

/// <summary><c>protocols.http</c> (OTel collector <c>confighttp.ServerConfig</c> keys).</summary>
public sealed record OtlpHttpProtocolConfig
{
    /// <summary><c>endpoint</c>: host:port, default <c>localhost:4318</c> (collector default).</summary>
    public string Endpoint { get; init; } = "localhost:4318";

    /// <summary><c>max_request_body_size</c> in bytes; the collector's default is 20 MiB.</summary>
    public long MaxRequestBodySize { get; init; } = OtlpReceiverOptions.DefaultMaxRequestBodyBytes;
}

/// <summary>
/// <c>ingest</c>. The distributed targets (<c>distributor</c>, <c>live-store</c>) use Kafka, configured under Tempo 3.x's
/// <c>ingest.kafka</c>; the single binary's embedded log is configured under <c>ingest.embedded</c>.
/// </summary>
public sealed record IngestConfig
{
    public EmbeddedIngestConfig Embedded { get; init; } = new();

    public KafkaIngestConfig Kafka { get; init; } = new();
}

/// <summary>
/// <c>ingest.kafka</c>: Tempo's <c>pkg/ingest</c> KafkaConfig keys and defaults, plus the producer's linger and compression
/// (ours: Tempo's franz-go client fixes them in code, librdkafka needs them as settings).
/// </summary>
public sealed record KafkaIngestConfig
{
    /// <summary><c>address</c>: bootstrap brokers, <c>host:port[,host:port...]</c> (Tempo default localhost:9092).</summary>
    public string Address { get; init; } = "localhost:9092";

    /// <summary><c>topic</c>: the ingest topic; the partition ring lives in <c>&lt;topic&gt;-ring</c>.</summary>
    public string Topic { get; init; } = "tempo-ingest";

    /// <summary><c>client_id</c>: Kafka client.id; empty = the client library's default.</summary>
    public string ClientId { get; init; } = "";

    /// <summary><c>dial_timeout</c>: the longest a connection attempt to a broker may take (Tempo default 2s).</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>write_timeout</c>: how long a push waits for Kafka to acknowledge its records (Tempo default 10s).</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>consumer_group</c>: the group a live store commits its offsets to. Empty (Tempo's default and recommendation) =
    /// derived from the instance ID as Tempo's <c>LiveStoreConsumerGroupID</c> does: the ID without its <c>-N</c> ordinal,
    /// so every live store of a zone (<c>live-store-zone-a-0</c>, <c>-1</c>...) shares <c>live-store-zone-a</c>.
    /// </summary>
    public string ConsumerGroup { get; init; } = "";

    /// <summary><c>auto_create_topic_enabled</c>: create the topic at startup when it is missing (Tempo default true).</summary>
    public bool AutoCreateTopicEnabled { get; init; } = true;

    /// <summary>
    /// <c>auto_create_topic_default_partitions</c>: the partition count of a topic this process creates (Tempo default 1000);
    /// 0 = do not create topics, as Tempo skips its topic setup for values &lt;= 0.
    /// </summary>
    public int AutoCreateTopicDefaultPartitions { get; init; } = 1000;

    /// <summary>
    /// <c>producer_max_record_size_bytes</c>: a push larger than this is split into several records; Tempo's default and
    /// bounds (<see cref="EmbeddedIngestConfig.MinProducerMaxRecordSizeBytes"/> .. <see cref="EmbeddedIngestConfig.MaxProducerMaxRecordSizeBytes"/>).
    /// </summary>
    public int ProducerMaxRecordSizeBytes { get; init; } = EmbeddedIngestConfig.MaxProducerMaxRecordSizeBytes;

    /// <summary><c>producer_linger</c> (ours): how long the producer batches records before sending (librdkafka linger.ms).</summary>
    public TimeSpan ProducerLinger { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary><c>producer_compression</c> (ours): none, gzip, snappy, lz4 or zstd.</summary>
    public string ProducerCompression { get; init; } = "lz4";

    /// <summary>The values <see cref="ProducerCompression"/> accepts (librdkafka's compression.codec names).</summary>
    public static IReadOnlyList<string> Compressions { get; } = ["none", "gzip", "snappy", "lz4", "zstd"];
}

/// <summary><c>ingest.embedded</c>: the embedded segment log (ARCHITECTURE.md §3).</summary>
public sealed record EmbeddedIngestConfig
{
    /// <summary><c>path</c>: root folder, relative paths resolve against the working directory.</summary>
    public string Path { get; init; } = "./data/ingest";

    /// <summary><c>topic</c>: log name recorded in block lineage (Kafka's topic in distributed mode).</summary>
    public string Topic { get; init; } = "tempo-ingest";

    /// <summary><c>partitions</c>: fixed once the log exists.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary><c>segment_bytes</c>: a segment file is rolled at this size.</summary>
    public long SegmentBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary><c>retention_bytes</c> per partition; 0 = unlimited.</summary>
    public long RetentionBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary><c>retention_period</c> (Go duration); 0 = unlimited.</summary>
    public TimeSpan RetentionPeriod { get; init; } = TimeSpan.FromHours(24);

    /// <summary><c>compression</c>: <c>lz4</c> (default) or <c>none</c>, how record values are stored.</summary>
    public LogCompression Compression { get; init; } = LogCompression.Lz4;

    /// <summary>The values <see cref="Compression"/> accepts, by their YAML names.</summary>
    public static IReadOnlyDictionary<string, LogCompression> Compressions { get; } =
        new Dictionary<string, LogCompression>(StringComparer.Ordinal)
        {
            ["none"] = LogCompression.None,
            ["lz4"] = LogCompression.Lz4,
        };

    /// <summary>
    /// <c>producer_max_record_size_bytes</c>: Tempo's name (<c>ingest.kafka.producer_max_record_size_bytes</c>) for the
    /// size above which a push is split into several records, with Tempo's default and bounds.
    /// </summary>
    public int ProducerMaxRecordSizeBytes { get; init; } = 15_983_616;

    /// <summary>Tempo's bounds for <see cref="ProducerMaxRecordSizeBytes"/> (pkg/ingest: 1 MiB .. 16,000,000 − 16 KiB).</summary>
    public const int MinProducerMaxRecordSizeBytes = 1024 * 1024;

    public const int MaxProducerMaxRecordSizeBytes = 16_000_000 - 16_384;
}

/// <summary><c>compactor</c> (Tempo's keys under <c>compactor.compaction</c>).</summary>
public sealed record CompactorConfig
{
    /// <summary><c>compaction.compaction_cycle</c>: time between compaction and retention passes (Tempo 30s).</summary>
    public TimeSpan CompactionCycle { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>compaction.compaction_window</c>: blocks ending in the same window merge (Tempo 1h).</summary>
    public TimeSpan CompactionWindow { get; init; } = Blocks.Compaction.CompactorOptions.Default.CompactionWindow;

    /// <summary><c>compaction.max_compaction_objects</c>: traces per compaction at most (Tempo 6000000).</summary>
    public long MaxCompactionObjects { get; init; } = Blocks.Compaction.CompactorOptions.Default.MaxCompactionObjects;

    /// <summary><c>compaction.max_block_bytes</c>: input bytes per compaction at most (Tempo 100 GiB).</summary>
    public long MaxBlockBytes { get; init; } = Blocks.Compaction.CompactorOptions.Default.MaxBlockBytes;

    /// <summary><c>compaction.block_retention</c>: blocks older than this are deleted (Tempo 336h).</summary>
    public TimeSpan BlockRetention { get; init; } = Blocks.Compaction.CompactorOptions.Default.BlockRetention;

    /// <summary><c>compaction.compacted_block_retention</c>: grace period of replaced blocks (Tempo 1h).</summary>
    public TimeSpan CompactedBlockRetention { get; init; } = Blocks.Compaction.CompactorOptions.Default.CompactedBlockRetention;
}

/// <summary><c>storage</c>.</summary>
public sealed record StorageConfig
{
    public TraceStorageConfig Trace { get; init; } = new();
}

/// <summary><c>storage.trace</c>: where blocks go (the live store's flush and the compactor write there, queriers read).</summary>
public sealed record TraceStorageConfig
{
    /// <summary><c>backend</c>: local or s3.</summary>
    public StorageBackend Backend { get; init; } = StorageBackend.Local;

    public LocalStorageConfig Local { get; init; } = new();

    public S3StorageConfig S3 { get; init; } = new();

    /// <summary>
    /// <c>blocklist_poll</c>: how often queriers re-read each tenant's blocks (tenant index, else a listing). Tempo's
    /// default is 5m; ours is shorter because a live store cuts blocks every few minutes and, in the single binary, its
    /// own blocks are visible at once anyway.
    /// </summary>
    public TimeSpan BlocklistPoll { get; init; } = TimeSpan.FromSeconds(15);
}

public enum StorageBackend
{
    Local,
    S3,
}

/// <summary><c>storage.trace.local</c>.</summary>
public sealed record LocalStorageConfig
{
    /// <summary><c>path</c>: relative paths resolve against the working directory.</summary>
    public string Path { get; init; } = "./data/blocks";
}

/// <summary><c>storage.trace.s3</c> (Tempo's key names).</summary>
public sealed record S3StorageConfig
{
    public string Bucket { get; init; } = "";

    /// <summary><c>endpoint</c>: host[:port] of the S3 API (MinIO), no scheme — as Tempo.</summary>
    public string Endpoint { get; init; } = "";

    public string AccessKey { get; init; } = "";

    /// <summary><c>secret_key</c>: masked in <c>/status/config</c>.</summary>
    public string SecretKey { get; init; } = "";

    /// <summary><c>insecure</c>: plain HTTP instead of HTTPS.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>forcepathstyle</c>: http://host/bucket/key addressing (MinIO).</summary>
    public bool ForcePathStyle { get; init; }

    public string Region { get; init; } = "";
}

/// <summary><c>live_store</c>: the RocksDB live store (ARCHITECTURE.md §5); timing keys as Tempo's live store.</summary>
public sealed record LiveStoreConfig
{
    /// <summary><c>path</c>: folder of the RocksDB database; everything in it can be rebuilt from the ingest log.</summary>
    public string Path { get; init; } = "./data/live-store";

    /// <summary><c>max_trace_idle</c>: a trace idle this long stops counting as live (Tempo default 5s).</summary>
    public TimeSpan MaxTraceIdle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>max_trace_live</c>: a trace stops counting as live this long after its first span (Tempo default 30s).</summary>
    public TimeSpan MaxTraceLive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>max_live_traces_bytes</c>: memory for recent trace data not yet flushed to disk (RocksDB memtables); consumption
    /// pauses while it is full; 0 = RocksDB's own limits (Tempo's default 250000000).
    /// </summary>
    public long MaxLiveTracesBytes { get; init; } = 250_000_000;

    /// <summary><c>block_cache_size_bytes</c>: RocksDB block cache.</summary>
    public long BlockCacheSizeBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary><c>ring</c>: how this live store identifies itself in the partition ring.</summary>
    public LiveStoreRingConfig Ring { get; init; } = new();

    /// <summary>
    /// <c>max_block_bytes</c>: ingest-log record bytes per cut block at most (a busy partition is cut at the record that
    /// reaches it, so its cut points depend only on the log).
    /// </summary>
    public long MaxBlockBytes { get; init; } = new LiveStore.Flushing.BlockFlushOptions().MaxBlockBytes;

    /// <summary><c>max_block_duration</c>: the oldest unflushed record's age that forces a cut.</summary>
    public TimeSpan MaxBlockDuration { get; init; } = new LiveStore.Flushing.BlockFlushOptions().MaxBlockDuration;

    /// <summary><c>complete_block_timeout</c>: how long a flushed range stays queryable in the live store too.</summary>
    public TimeSpan CompleteBlockTimeout { get; init; } = new LiveStore.Flushing.BlockFlushOptions().CompleteBlockTimeout;

    /// <summary><c>flush_check_period</c>: how often due cuts and deletions are looked for.</summary>
    public TimeSpan FlushCheckPeriod { get; init; } = new LiveStore.Flushing.BlockFlushOptions().CheckInterval;

    /// <summary><c>concurrent_flushes</c>: cuts of different partitions under way at once.</summary>
    public int ConcurrentFlushes { get; init; } = new LiveStore.Flushing.BlockFlushOptions().ConcurrentFlushes;

    /// <summary>
    /// <c>flush_blocks</c>: whether this live store cuts blocks (the partition's flush owner); a replica that only serves
    /// queries sets false and keeps its data until an operator removes it.
    /// </summary>
    public bool FlushBlocks { get; init; } = true;

    /// <summary><c>partition_ring</c>: when partitions turn ACTIVE and when inactive ones are deleted.</summary>
    public PartitionRingConfig PartitionRing { get; init; } = new();

    /// <summary>
    /// <c>shutdown_marker_dir</c>: where <c>prepare-downscale</c> leaves its marker file (Tempo's default is
    /// /var/tempo/live-store/shutdown-marker; ours sits next to the other data under ./data).
    /// </summary>
    public string ShutdownMarkerDir { get; init; } = "./data/live-store/shutdown-marker";
}

/// <summary><c>live_store.ring</c> (dskit ring lifecycler keys, Tempo's defaults).</summary>
public sealed record LiveStoreRingConfig
{
    /// <summary>
    /// <c>instance_id</c>: this member's ID; default the host name, as Tempo. In distributed mode it ends in the instance
    /// ordinal (<c>live-store-zone-a-3</c>), which picks the partition this live store consumes.
    /// </summary>
    public string InstanceId { get; init; } = DefaultInstanceId();

    /// <summary><c>instance_availability_zone</c>: empty when zones are not used.</summary>
    public string InstanceAvailabilityZone { get; init; } = "";

    /// <summary>
    /// <c>instance_addr</c>: the address other components use to reach this member; empty = the machine's first
    /// non-loopback IPv4 address (else 127.0.0.1), as dskit picks one from the network interfaces.
    /// </summary>
    public string InstanceAddr { get; init; } = "";

    /// <summary><c>instance_port</c>: the port published with <see cref="InstanceAddr"/>; 0 = the bound server.http_listen_port.</summary>
    public int InstancePort { get; init; }

    /// <summary><c>heartbeat_period</c>: how often the member refreshes its ring entry (Tempo default 5s).</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>heartbeat_timeout</c>: a member whose heartbeat is older is not queried (Tempo default 1m).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromMinutes(1);

    private static string DefaultInstanceId()
    {
        try
        {
            return System.Net.Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return Environment.MachineName;
        }
    }
}

/// <summary><c>live_store.partition_ring</c> (dskit PartitionRingConfig keys and defaults).</summary>
public sealed record PartitionRingConfig
{
    /// <summary><c>min_partition_owners_count</c>: owners a PENDING partition waits for before it turns ACTIVE.</summary>
    public int MinPartitionOwnersCount { get; init; } = 1;

    /// <summary><c>min_partition_owners_duration</c>: how long those owners must have been registered.</summary>
    public TimeSpan MinPartitionOwnersDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>delete_inactive_partition_after</c>: an INACTIVE partition without owners is deleted after this; 0 = never.</summary>
    public TimeSpan DeleteInactivePartitionAfter { get; init; } = TimeSpan.FromHours(13);
}

/// <summary><c>overrides</c>: per-tenant limits; only <c>defaults.global.max_bytes_per_trace</c> so far (Tempo's key path).</summary>
public sealed record OverridesConfig
{
    /// <summary><c>defaults.global.max_bytes_per_trace</c>: larger traces lose their excess spans; 0 = off (Tempo default 5000000).</summary>
    public long MaxBytesPerTrace { get; init; } = 5_000_000;
}
