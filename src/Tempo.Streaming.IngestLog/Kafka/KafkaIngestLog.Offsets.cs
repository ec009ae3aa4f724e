using Confluent.Kafka;

namespace Tempo.Streaming.IngestLog.Kafka;

public sealed partial class KafkaIngestLog
{
    /// <summary>Whether the brokers answer ListOffsets by time; unknown (null) until a lookup needed to know.</summary>
    private bool? _brokerLooksUpTimes;

    /// <summary>
    /// Completes synchronously from the partition reader's cached watermark when a read ran in the last second (the
    /// live store's lag gauge reads this from a metrics callback and only uses a synchronous answer); otherwise asks the
    /// brokers, retrying transient failures.
    /// </summary>
    public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken)
    {
        CheckPartition(partition);
        var reader = Volatile.Read(ref _readers[partition]);
        try
        {
            if (reader is not null && reader.TryGetFreshHighWatermark(out var cached))
            {
                // Never below what Kafka already acknowledged to this instance: the fetch may predate our last append.
                return ValueTask.FromResult(Math.Max(cached, Volatile.Read(ref _acknowledgedEnd[partition])));
            }
        }
        catch (ObjectDisposedException)
        {
            // Closed under us (shutdown): fall through to the broker query, which reports the disposal.
        }

        return new ValueTask<long>(QueryHighWatermarkAsync(partition, cancellationToken));
    }

    private async Task<long> QueryHighWatermarkAsync(int partition, CancellationToken cancellationToken) =>
        (await QueryWatermarksAsync(partition, cancellationToken).ConfigureAwait(false)).High.Value;

    public async ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken)
    {
        CheckPartition(partition);
        return (await QueryWatermarksAsync(partition, cancellationToken).ConfigureAwait(false)).Low.Value;
    }

    private Task<WatermarkOffsets> QueryWatermarksAsync(int partition, CancellationToken cancellationToken)
    {
        var topicPartition = new TopicPartition(Topic, new Partition(partition));
        return _retry.RunAsync("watermark query",
            () => _queryConsumer.Value.Consumer.QueryWatermarkOffsets(topicPartition, _options.DialTimeout), cancellationToken);
    }

    public async ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken)
    {
        CheckPartition(partition);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentOutOfRangeException.ThrowIfNegative(nextOffset);
        var consumer = GroupConsumer(group);
        var offsets = new[] { new TopicPartitionOffset(Topic, new Partition(partition), new Offset(nextOffset)) };
        // Retried: the coordinator refuses commits while it moves or while the group rebalances (another member joined).
        await _retry.RunAsync($"offset commit of group {group}", () =>
        {
            consumer.Commit(offsets);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken)
    {
        CheckPartition(partition);
        ArgumentException.ThrowIfNullOrEmpty(group);
        var consumer = GroupConsumer(group);
        var topicPartitions = new[] { new TopicPartition(Topic, new Partition(partition)) };
        var committed = await _retry.RunAsync($"committed-offset query of group {group}",
            () => consumer.Committed(topicPartitions, _options.DialTimeout + _options.DialTimeout), cancellationToken).ConfigureAwait(false);
        var offset = committed.Count == 0 ? Offset.Unset : committed[0].Offset;
        // Offset.Unset (-1001): the group never committed this partition.
        return offset.Value < 0 ? null : offset.Value;
    }

    /// <summary>
    /// The group's consumer: it carries the group ID for commits and offset queries but never subscribes, so it never
    /// joins the group or triggers a rebalance of the group's other members.
    /// </summary>
    private IConsumer<byte[]?, byte[]?> GroupConsumer(string group)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _groupConsumers.GetOrAdd(group, static (g, self) =>
            new Lazy<(IConsumer<byte[]?, byte[]?>, string)>(() => (self.BuildConsumer(g, "group", out var label), label)), this).Value.Consumer;
    }

    /// <summary>
    /// Kafka's ListOffsets by time: the first offset whose record timestamp is &gt;= <paramref name="timestamp"/>.
    /// When the brokers answer "none" for a non-empty partition the answer is checked once per instance by asking for
    /// time 0: a broker that looks offsets up by time answers that with the log start, one that does not (librdkafka's
    /// mock) answers "none" again, and then the partition is scanned from its start. The scan costs a read of the
    /// partition up to the first match, but only runs on such brokers when the lookup answered "none" (a replay by time).
    /// </summary>
    public async ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        CheckPartition(partition);
        var found = await LookUpOffsetAsync(partition, timestamp.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        if (found >= 0)
        {
            return found;
        }

        var watermarks = await QueryWatermarksAsync(partition, cancellationToken).ConfigureAwait(false);
        if (watermarks.Low.Value >= watermarks.High.Value)
        {
            return null;
        }

        _brokerLooksUpTimes ??= await LookUpOffsetAsync(partition, 0, cancellationToken).ConfigureAwait(false) >= 0;
        if (_brokerLooksUpTimes.Value)
        {
            return null;
        }

        KafkaLogMessages.ScanningForTimestamp(_logger, partition, Topic, timestamp);
        return await Task.Run(() => ScanForTimestamp(partition, timestamp.ToUnixTimeMilliseconds(), watermarks, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The brokers' answer, or -1 for "no record at or after that time".</summary>
    private async Task<long> LookUpOffsetAsync(int partition, long unixMs, CancellationToken cancellationToken)
    {
        var query = new[] { new TopicPartitionTimestamp(Topic, new Partition(partition), new Timestamp(unixMs, TimestampType.CreateTime)) };
        var answer = await _retry.RunAsync("offset lookup by time",
            () => _queryConsumer.Value.Consumer.OffsetsForTimes(query, _options.DialTimeout + _options.DialTimeout), cancellationToken).ConfigureAwait(false);
        return answer.Count == 0 || answer[0].Offset.Value < 0 ? -1 : answer[0].Offset.Value;
    }

    /// <summary>Reads the partition from its start up to the first record at or after <paramref name="unixMs"/>.</summary>
    private long? ScanForTimestamp(int partition, long unixMs, WatermarkOffsets watermarks, CancellationToken cancellationToken)
    {
        using var reader = new KafkaPartitionReader(BuildConsumer(PrivateGroupId("scan"), "scan", out var label), label, Topic, partition);
        var next = watermarks.Low.Value;
        var end = watermarks.High.Value;
        var stalledSince = Environment.TickCount64;
        var stallLimit = (long)_options.WriteTimeout.TotalMilliseconds;
        while (next < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = reader.Read(next, 1000, 16 * 1024 * 1024, _options.FetchWait, end, CatchUpWait, cancellationToken, out var error);
            if (batch.Count == 0)
            {
                if (Environment.TickCount64 - stalledSince > stallLimit)
                {
                    throw new IngestLogUnavailableException(
                        $"scanning partition {partition} of {Topic} for a timestamp stalled at offset {next} for {_options.WriteTimeout.TotalSeconds:0.#}s" +
                        (error is null ? "" : $": {error.Error.Reason}"));
                }

                continue;
            }

            stalledSince = Environment.TickCount64;
            foreach (var record in batch)
            {
                if (record.Offset >= end)
                {
                    return null;
                }

                if (record.Timestamp.ToUnixTimeMilliseconds() >= unixMs)
                {
                    return record.Offset;
                }

                next = record.Offset + 1;
            }
        }

        return null;
    }
}
