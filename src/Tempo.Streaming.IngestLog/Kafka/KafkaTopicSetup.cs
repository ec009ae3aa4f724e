using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Makes sure the topic exists at open and learns its partition count (issue 4: "topic creation attempted and, where
/// the broker refuses, metadata checked"). Like Tempo's ingest client, creation is best effort: a broker that refuses it
/// (no permission, an existing topic, no CreateTopics support as in librdkafka's mock) is fine as long as metadata shows
/// the topic; only a topic that never appears fails the open.
/// </summary>
internal static class KafkaTopicSetup
{
    public static async Task<int> EnsureTopicAsync(IAdminClient admin, KafkaLogOptions options, ILogger logger,
        CancellationToken cancellationToken)
    {
        if (options.AutoCreateTopicEnabled)
        {
            await TryCreateAsync(admin, options, logger, cancellationToken).ConfigureAwait(false);
        }

        var partitions = await ReadPartitionCountAsync(admin, options, cancellationToken).ConfigureAwait(false);
        if (partitions != options.Partitions)
        {
            KafkaLogMessages.PartitionCountDiffers(logger, options.Topic, partitions, options.Partitions);
        }

        return partitions;
    }

    private static async Task TryCreateAsync(IAdminClient admin, KafkaLogOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        // Short on purpose: a broker without a CreateTopics handler never answers, and the metadata check decides anyway.
        var timeout = options.DialTimeout + TimeSpan.FromSeconds(1);
        try
        {
            var brokers = await Task.Run(() => admin.GetMetadata(timeout).Brokers.Count, cancellationToken).ConfigureAwait(false);
            var replication = (short)Math.Clamp(brokers, 1, 3);
            var topic = new TopicSpecification
            {
                Name = options.Topic,
                NumPartitions = options.Partitions,
                ReplicationFactor = replication,
                Configs = options.TopicConfig.Count == 0 ? null : new Dictionary<string, string>(options.TopicConfig),
            };
            var create = admin.CreateTopicsAsync([topic], new CreateTopicsOptions { RequestTimeout = timeout, OperationTimeout = timeout });
            await create.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            KafkaLogMessages.TopicCreated(logger, options.Topic, options.Partitions, replication);
        }
        catch (CreateTopicsException e) when (e.Results.Count > 0 && e.Results[0].Error.Code == ErrorCode.TopicAlreadyExists)
        {
            KafkaLogMessages.TopicExists(logger, options.Topic);
        }
        catch (CreateTopicsException e)
        {
            KafkaLogMessages.TopicCreateRefused(logger, options.Topic, e.Results.Count > 0 ? e.Results[0].Error.Reason : e.Message);
        }
        catch (KafkaException e)
        {
            KafkaLogMessages.TopicCreateRefused(logger, options.Topic, e.Error.Reason);
        }
        catch (TimeoutException)
        {
            KafkaLogMessages.TopicCreateRefused(logger, options.Topic, $"no answer within {timeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>
    /// Polls the topic's metadata until it lists at least one partition, for a few dial timeouts (a new topic takes a
    /// moment to propagate to every broker's metadata cache).
    /// </summary>
    private static async Task<int> ReadPartitionCountAsync(IAdminClient admin, KafkaLogOptions options, CancellationToken cancellationToken)
    {
        var budget = TimeSpan.FromTicks(Math.Max(options.DialTimeout.Ticks * 3, TimeSpan.FromSeconds(3).Ticks));
        var deadline = Environment.TickCount64 + (long)budget.TotalMilliseconds;
        var backoff = options.RetryBackoffMin;
        string reason;
        while (true)
        {
            try
            {
                var metadata = await Task.Run(() => admin.GetMetadata(options.Topic, options.DialTimeout), cancellationToken)
                    .ConfigureAwait(false);
                var topic = metadata.Topics.Find(t => t.Topic == options.Topic);
                if (topic is null)
                {
                    reason = "the broker did not list the topic";
                }
                else if (topic.Error.IsError)
                {
                    reason = $"{topic.Error.Reason} ({topic.Error.Code})";
                }
                else if (topic.Partitions.Count == 0)
                {
                    reason = "the topic has no partitions";
                }
                else
                {
                    return topic.Partitions.Count;
                }
            }
            catch (KafkaException e)
            {
                reason = $"{e.Error.Reason} ({e.Error.Code})";
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                throw new InvalidOperationException(
                    $"Kafka topic {options.Topic} is not available on {options.Address} after {budget.TotalSeconds:0.#}s: {reason}. " +
                    (options.AutoCreateTopicEnabled
                        ? "Check that the brokers are reachable and allow creating the topic, or create it beforehand."
                        : "Create the topic, or set auto_create_topic_enabled."));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds, remaining)), cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.RetryBackoffMax.Ticks));
        }
    }
}
