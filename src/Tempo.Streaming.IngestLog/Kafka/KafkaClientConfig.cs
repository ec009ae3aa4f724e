using System.Globalization;
using Confluent.Kafka;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Validates <see cref="KafkaLogOptions"/> and turns them into librdkafka settings (names in librdkafka's
/// CONFIGURATION.md). Validation happens once at open, so a wrong setting fails startup with a message instead of a
/// produce failing later.
/// </summary>
internal static class KafkaClientConfig
{
    /// <summary>The codecs librdkafka's <c>compression.codec</c> accepts (and Tempo's <c>producer_compression</c>).</summary>
    public static readonly IReadOnlyList<string> Compressions = ["none", "gzip", "snappy", "lz4", "zstd"];

    public static void Validate(KafkaLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Address))
        {
            throw new ArgumentException("ingest.kafka.address must name at least one broker (host:port[,host:port...])", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            throw new ArgumentException("ingest.kafka.topic must not be empty", nameof(options));
        }

        if (!IsKnownCompression(options.ProducerCompression))
        {
            throw new ArgumentException(
                $"ingest.kafka.producer_compression \"{options.ProducerCompression}\" is not supported; use one of {string.Join(", ", Compressions)}",
                nameof(options));
        }

        if (options.Partitions < 1)
        {
            throw new ArgumentException($"ingest.kafka.partitions must be at least 1, not {options.Partitions}", nameof(options));
        }

        Positive(options.DialTimeout, "dial_timeout");
        Positive(options.WriteTimeout, "write_timeout");
        Positive(options.RetryBackoffMin, "retry backoff minimum");
        if (options.ProducerLinger < TimeSpan.Zero || options.FetchWait < TimeSpan.Zero)
        {
            throw new ArgumentException("ingest.kafka.producer_linger and the fetch wait must not be negative", nameof(options));
        }

        if (options.RetryBackoffMax < options.RetryBackoffMin)
        {
            throw new ArgumentException("the longest retry backoff must not be shorter than the first", nameof(options));
        }

        // librdkafka refuses linger.ms >= message.timeout.ms: a record would time out before its batch is sent.
        if (options.ProducerLinger >= options.WriteTimeout)
        {
            throw new ArgumentException(
                $"ingest.kafka.producer_linger ({options.ProducerLinger}) must be shorter than write_timeout ({options.WriteTimeout})", nameof(options));
        }
    }

    private static bool IsKnownCompression(string? codec)
    {
        foreach (var known in Compressions)
        {
            if (string.Equals(known, codec, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ingest.kafka.{name} must be positive, not {value}", name);
        }
    }

    public static ProducerConfig Producer(KafkaLogOptions options)
    {
        var config = new ProducerConfig
        {
            // ARCHITECTURE.md §1.1: a push is acknowledged only once every in-sync replica has the record.
            Acks = Acks.All,
            // Idempotence keeps per-partition order across retries, which keeps the records of one append contiguous.
            EnableIdempotence = true,
            LingerMs = options.ProducerLinger.TotalMilliseconds,
            MessageTimeoutMs = Milliseconds(options.WriteTimeout),
            // Only the offset and the error are needed from a delivery report; the key and value are not copied back.
            DeliveryReportFields = "none",
        };
        config.Set("compression.codec", options.ProducerCompression);
        // A producer-only property in librdkafka 2.0 (consumers log a warning for it).
        config.Set("retry.backoff.ms", Milliseconds(options.RetryBackoffMin).ToString(CultureInfo.InvariantCulture));
        // Without auto-creation a metadata request must not create the topic behind the operator's back.
        config.Set("allow.auto.create.topics", options.AutoCreateTopicEnabled ? "true" : "false");
        Common(config, options, "producer");
        return config;
    }

    /// <summary>
    /// A consumer that is assigned partitions explicitly (never subscribed, so it never joins a rebalance) and never
    /// commits on its own: <paramref name="groupId"/> is either a private ID (readers) or the group whose offsets it
    /// commits and reads.
    /// </summary>
    public static ConsumerConfig Consumer(KafkaLogOptions options, string groupId, string role)
    {
        var config = new ConsumerConfig
        {
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // Reading below the log-start offset starts at the log start (IIngestLog.ReadAsync contract).
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
            // The broker holds an empty fetch at most this long: bounds how stale the cached high watermark gets while a
            // reader is idle, and how soon a new record reaches a waiting read.
            FetchWaitMaxMs = Math.Clamp(Milliseconds(options.FetchWait), 10, 500),
        };
        Common(config, options, role);
        return config;
    }

    public static AdminClientConfig Admin(KafkaLogOptions options)
    {
        var config = new AdminClientConfig();
        Common(config, options, "admin");
        return config;
    }

    private static void Common(ClientConfig config, KafkaLogOptions options, string role)
    {
        config.BootstrapServers = options.Address;
        config.ClientId = string.IsNullOrEmpty(options.ClientId) ? "tempo-streaming-" + role : options.ClientId;
        // librdkafka's minimum for this setting is 1 s.
        config.SocketConnectionSetupTimeoutMs = Math.Max(1000, Milliseconds(options.DialTimeout));
        config.ReconnectBackoffMs = Milliseconds(options.RetryBackoffMin);
        // librdkafka's default (10 s) would keep a client away from a recovered broker for that long after an outage.
        config.ReconnectBackoffMaxMs = Math.Max(Milliseconds(options.RetryBackoffMin), Milliseconds(options.RetryBackoffMax));
        foreach (var (key, value) in options.ExtraProperties)
        {
            config.Set(key, value);
        }
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Min(int.MaxValue, Math.Ceiling(value.TotalMilliseconds));
}
