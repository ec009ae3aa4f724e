namespace Tempo.Streaming.IngestLog.Kafka;

public sealed partial class KafkaIngestLog
{
    private readonly KafkaPartitionReader?[] _readers;

    /// <summary>How long a read waits for records known to exist: a fetch round trip plus a connection attempt.</summary>
    private TimeSpan CatchUpWait => _options.FetchWait + _options.DialTimeout;

    /// <summary>
    /// Reads through the partition's consumer (created on first use). Waits up to <see cref="KafkaLogOptions.FetchWait"/>
    /// for a first record and then returns what is already fetched, so a busy partition is read without waiting. Broker
    /// trouble never throws: it is logged (rate-limited) and the read returns what it has, possibly nothing; librdkafka
    /// reconnects on its own, so a caller that keeps polling resumes when the brokers are back.
    /// </summary>
    public async ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
        CancellationToken cancellationToken)
    {
        CheckPartition(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(fromOffset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecords);
        var reader = Reader(partition);
        await reader.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var records = reader.Read(fromOffset, maxRecords, maxBytes, _options.FetchWait, Volatile.Read(ref _acknowledgedEnd[partition]),
                CatchUpWait, cancellationToken, out var error);
            if (error is not null)
            {
                _metrics.FetchErrors.Add(1, _topicTag);
                if (_events.TryLog($"fetch/{partition}/{error.Error.Code}", out var suppressed))
                {
                    KafkaLogMessages.FetchFailed(_logger, partition, Topic, fromOffset, $"{error.Error.Reason} ({error.Error.Code})",
                        records.Count, KafkaClientEvents.Suppressed(suppressed));
                }
            }

            return records;
        }
        finally
        {
            reader.Gate.Release();
        }
    }

    private KafkaPartitionReader Reader(int partition)
    {
        var reader = Volatile.Read(ref _readers[partition]);
        if (reader is not null)
        {
            return reader;
        }

        var created = new KafkaPartitionReader(BuildConsumer(PrivateGroupId("reader"), $"reader-{partition}", out var label), label, Topic, partition);
        reader = Interlocked.CompareExchange(ref _readers[partition], created, null);
        if (reader is null)
        {
            return created;
        }

        created.Dispose();
        return reader;
    }
}
