namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// Binds <c>ingest.kafka</c> with the checks of Tempo's <c>KafkaConfig.Validate</c> (same wording where Tempo has one) and
/// the broker-side rules a bad value would otherwise only reveal at the first produce (topic name syntax, port ranges).
/// </summary>
internal static class KafkaConfigBinder
{
    // Kafka's topic name rules (kafka.common.internals.Topic): at most 249 characters of [a-zA-Z0-9._-]. The ring topic
    // appends "-ring", so the ingest topic keeps 5 characters in reserve.
    private const int MaxTopicLength = 249 - 5;

    public static KafkaIngestConfig Bind(YamlSection section, KafkaIngestConfig defaults)
    {
        var result = defaults with
        {
            Address = section.String("address") ?? defaults.Address,
            Topic = section.String("topic") ?? defaults.Topic,
            ClientId = section.String("client_id") ?? defaults.ClientId,
            DialTimeout = section.Duration("dial_timeout") ?? defaults.DialTimeout,
            WriteTimeout = section.Duration("write_timeout") ?? defaults.WriteTimeout,
            ConsumerGroup = section.String("consumer_group") ?? defaults.ConsumerGroup,
            AutoCreateTopicEnabled = section.Bool("auto_create_topic_enabled") ?? defaults.AutoCreateTopicEnabled,
            AutoCreateTopicDefaultPartitions = (int)(section.Integer("auto_create_topic_default_partitions", 0, 1_000_000,
                "must be 0 (do not create topics) or a partition count up to 1000000") ?? defaults.AutoCreateTopicDefaultPartitions),
            ProducerMaxRecordSizeBytes = (int)(section.Integer("producer_max_record_size_bytes",
                EmbeddedIngestConfig.MinProducerMaxRecordSizeBytes, EmbeddedIngestConfig.MaxProducerMaxRecordSizeBytes,
                $"the configured producer max record size bytes must be a value between {EmbeddedIngestConfig.MinProducerMaxRecordSizeBytes} " +
                $"and {EmbeddedIngestConfig.MaxProducerMaxRecordSizeBytes}") ?? defaults.ProducerMaxRecordSizeBytes),
            ProducerLinger = section.Duration("producer_linger") ?? defaults.ProducerLinger,
            ProducerCompression = section.String("producer_compression") ?? defaults.ProducerCompression,
        };

        if (AddressError(result.Address) is { } addressError)
        {
            throw section.Has("address") ? section.Invalid("address", addressError) : ConfigException.Without($"ingest.kafka.address: {addressError}");
        }

        if (TopicError(result.Topic) is { } topicError)
        {
            throw section.Invalid("topic", topicError);
        }

        if (!KafkaIngestConfig.Compressions.Contains(result.ProducerCompression, StringComparer.Ordinal))
        {
            throw section.Invalid("producer_compression",
                $"invalid value \"{result.ProducerCompression}\": expected one of {string.Join(", ", KafkaIngestConfig.Compressions)}");
        }

        if (result.DialTimeout <= TimeSpan.Zero)
        {
            throw section.Invalid("dial_timeout", "must be positive");
        }

        if (result.WriteTimeout <= TimeSpan.Zero)
        {
            throw section.Invalid("write_timeout", "must be positive");
        }

        // librdkafka accepts linger.ms from 0 to 900000.
        if (result.ProducerLinger > TimeSpan.FromMinutes(15))
        {
            throw section.Invalid("producer_linger", "must be at most 15m");
        }

        section.EnsureNoUnknownKeys();
        return result;
    }

    /// <summary>Why <paramref name="address"/> is not a bootstrap list <c>host:port[,host:port...]</c>; null when it is.</summary>
    public static string? AddressError(string address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return "the Kafka address has not been configured";
        }

        foreach (var broker in address.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!ListenEndpoint.TryParse(broker, out var endpoint, out _) || endpoint.Host.Length == 0 || endpoint.Port == 0)
            {
                return $"invalid broker address \"{broker}\": expected host:port with a port from 1 to 65535 (several brokers separated by commas)";
            }
        }

        return null;
    }

    private static string? TopicError(string topic)
    {
        if (topic.Length == 0)
        {
            return "the Kafka topic has not been configured";
        }

        if (topic.Length > MaxTopicLength)
        {
            return $"topic names are at most {MaxTopicLength} characters (Kafka's 249 minus the \"-ring\" suffix of the partition-ring topic)";
        }

        if (topic is "." or "..")
        {
            return "\".\" and \"..\" are not valid Kafka topic names";
        }

        foreach (var c in topic)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"invalid Kafka topic name \"{topic}\": only ASCII letters, digits, '.', '_' and '-' are allowed";
            }
        }

        return null;
    }
}
