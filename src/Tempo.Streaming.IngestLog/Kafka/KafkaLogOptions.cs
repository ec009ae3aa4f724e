namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Settings of the Kafka ingest log (config key <c>ingest.kafka</c>; names follow Tempo's <c>pkg/ingest</c> where Tempo
/// has them, with Tempo's defaults).
/// </summary>
public sealed record KafkaLogOptions
{
    /// <summary><c>address</c>: bootstrap servers, <c>host:port[,host:port...]</c>.</summary>
    public string Address { get; init; } = "localhost:9092";

    /// <summary><c>topic</c>: the ingest topic; the partition ring lives in <c>&lt;topic&gt;-ring</c>.</summary>
    public string Topic { get; init; } = "tempo-ingest";

    /// <summary><c>client_id</c>: Kafka client.id (empty = librdkafka's default).</summary>
    public string ClientId { get; init; } = "";

    /// <summary><c>dial_timeout</c>: the longest a connection attempt to a broker may take.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>write_timeout</c>: how long a produce may wait for every delivery report (acks=all) before the push fails with
    /// 503; librdkafka retries inside this window (message.timeout.ms).
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>producer_linger</c>: how long the producer waits to batch records into one request (linger.ms).</summary>
    public TimeSpan ProducerLinger { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary><c>producer_compression</c>: none, gzip, snappy, lz4 or zstd (compression.codec).</summary>
    public string ProducerCompression { get; init; } = "lz4";

    /// <summary><c>auto_create_topic_enabled</c>: try to create the topic at startup; metadata is checked either way.</summary>
    public bool AutoCreateTopicEnabled { get; init; } = true;

    /// <summary><c>partitions</c>: partition count used when this process creates the topic.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>Topic-level configs used when this process creates the topic (the ring topic: cleanup.policy=compact).</summary>
    public IReadOnlyDictionary<string, string> TopicConfig { get; init; } = new Dictionary<string, string>();

    /// <summary>How long a read waits for new records before returning an empty batch.</summary>
    public TimeSpan FetchWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First and longest pause between retries of a failed broker call (exponential backoff).</summary>
    public TimeSpan RetryBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra librdkafka properties (tests: session timeouts for the mock broker).</summary>
    public IReadOnlyDictionary<string, string> ExtraProperties { get; init; } = new Dictionary<string, string>();
}
