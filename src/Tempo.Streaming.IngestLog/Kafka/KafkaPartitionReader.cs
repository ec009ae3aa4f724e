using Confluent.Kafka;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Reads one partition through its own consumer: assigned explicitly (no group membership, no rebalances), positioned
/// by the caller's offsets, never committing. librdkafka prefetches in the background, so consecutive reads from where
/// the previous one stopped cost no broker round trip; a read from elsewhere re-assigns at that offset.
/// Not thread-safe: the owner serializes calls through <see cref="Gate"/>.
/// </summary>
internal sealed class KafkaPartitionReader : IDisposable
{
    /// <summary>A cached high watermark older than this is not served to a caller that needs it synchronously.</summary>
    private const long FreshWatermarkMs = 1000;

    /// <summary>The longest single blocking wait inside librdkafka, so cancellation is noticed promptly.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(100);

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly TopicPartition _topicPartition;

    /// <summary>The offset the consumer delivers next, or -1 before the first assignment.</summary>
    private long _position = -1;

    /// <summary>A record taken from the consumer that did not fit the previous read's byte budget.</summary>
    private ConsumeResult<byte[]?, byte[]?>? _pending;

    /// <summary>When a read last reached the broker without an error (Environment.TickCount64), 0 = never.</summary>
    private long _lastHealthyReadMs;

    public KafkaPartitionReader(IConsumer<byte[]?, byte[]?> consumer, string label, string topic, int partition)
    {
        _consumer = consumer;
        Label = label;
        _topicPartition = new TopicPartition(topic, new Partition(partition));
    }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The client's name in logs (never read from the client: see KafkaIngestLog.BuildProducer).</summary>
    public string Label { get; }

    /// <summary>
    /// Takes records at or after <paramref name="fromOffset"/>: waits up to <paramref name="wait"/> for the first one,
    /// then only takes what librdkafka has already fetched. When records at <paramref name="fromOffset"/> are known to
    /// exist (below <paramref name="knownEnd"/> or the high watermark of earlier fetches), the wait for the first one is
    /// stretched to <paramref name="catchUpWait"/>: after a re-positioning librdkafka needs a fetch round trip before it
    /// has anything, and a read must not come back empty while records exist. Blocks the calling thread for at most
    /// that long (librdkafka has no asynchronous consume). An error ends the read early with what was read so far and
    /// <paramref name="error"/> set.
    /// </summary>
    public IReadOnlyList<LogRecord> Read(long fromOffset, int maxRecords, int maxBytes, TimeSpan wait, long knownEnd, TimeSpan catchUpWait,
        CancellationToken cancellationToken, out ConsumeException? error)
    {
        error = null;
        if (_position != fromOffset)
        {
            // Assign (not Seek): Seek fails on a partition whose fetcher has not started yet, Assign always positions it.
            _consumer.Assign(new TopicPartitionOffset(_topicPartition, new Offset(fromOffset)));
            _position = fromOffset;
            _pending = null;
        }

        // Allocated with the first record: an idle partition is polled often and most polls find nothing.
        List<LogRecord>? records = null;
        long bytes = 0;
        var started = Environment.TickCount64;
        var deadline = started + (long)wait.TotalMilliseconds;
        var stretchedDeadline = started + (long)Math.Max(wait.TotalMilliseconds, catchUpWait.TotalMilliseconds);
        var stretched = false;
        while ((records?.Count ?? 0) < maxRecords)
        {
            var result = _pending;
            _pending = null;
            if (result is null)
            {
                var remaining = records is not null ? 0 : deadline - Environment.TickCount64;
                try
                {
                    result = _consumer.Consume(remaining <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(remaining, WaitSlice.TotalMilliseconds)));
                }
                catch (ConsumeException e)
                {
                    error = e;
                    return (IReadOnlyList<LogRecord>?)records ?? [];
                }

                if (result is null)
                {
                    if (records is not null || cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    // Past the caller's wait, keep waiting (slice by slice) only while records may exist at fromOffset.
                    var now = Environment.TickCount64;
                    if (stretched || now >= deadline)
                    {
                        if (now >= stretchedDeadline || !MayHaveRecordsAt(fromOffset, knownEnd))
                        {
                            break;
                        }

                        stretched = true;
                        deadline = stretchedDeadline;
                    }

                    continue;
                }
            }

            var offset = result.Offset.Value;
            if (offset < fromOffset)
            {
                _position = offset + 1;
                // fromOffset was past the end of the partition: librdkafka reset to the earliest offset
                // (auto.offset.reset). Nothing at or past fromOffset exists yet, so these records are not the caller's.
                continue;
            }

            var key = result.Message.Key;
            var value = result.Message.Value;
            long size = (key?.Length ?? 0) + (value?.Length ?? 0);
            if (records is not null && bytes + size > maxBytes)
            {
                // Kept for the next read, which asks for _position (the offset after the last record returned).
                _pending = result;
                break;
            }

            records ??= new List<LogRecord>(Math.Min(maxRecords, 256));
            records.Add(new LogRecord(_topicPartition.Partition.Value, offset,
                DateTimeOffset.FromUnixTimeMilliseconds(result.Message.Timestamp.UnixTimestampMs),
                key ?? ReadOnlyMemory<byte>.Empty,
                // A null value (a Kafka tombstone) reads as empty: empty values are produced as null (see AppendAsync).
                value ?? ReadOnlyMemory<byte>.Empty));
            bytes += size;
            _position = offset + 1;
        }

        Volatile.Write(ref _lastHealthyReadMs, Environment.TickCount64);
        return (IReadOnlyList<LogRecord>?)records ?? [];
    }

    /// <summary>
    /// Whether records at <paramref name="offset"/> may exist: below what this log knows was acknowledged, below the high
    /// watermark of the latest fetch, or unknown because no fetch has answered yet (a new reader, or brokers down).
    /// </summary>
    private bool MayHaveRecordsAt(long offset, long knownEnd)
    {
        var fetchedHigh = _consumer.GetWatermarkOffsets(_topicPartition).High.Value;
        return fetchedHigh < 0 || offset < Math.Max(knownEnd, fetchedHigh);
    }

    /// <summary>
    /// The high watermark librdkafka learnt from this reader's latest fetch responses, when a read ran within the last
    /// second (so the fetcher is active and the value is at most a fetch wait old). Local: no broker round trip.
    /// </summary>
    public bool TryGetFreshHighWatermark(out long highWatermark)
    {
        highWatermark = -1;
        var last = Volatile.Read(ref _lastHealthyReadMs);
        if (last == 0 || Environment.TickCount64 - last > FreshWatermarkMs)
        {
            return false;
        }

        var watermarks = _consumer.GetWatermarkOffsets(_topicPartition);
        if (watermarks.High.Value < 0)
        {
            return false;
        }

        highWatermark = watermarks.High.Value;
        return true;
    }

    public void Dispose()
    {
        try
        {
            _consumer.Close();
        }
        finally
        {
            _consumer.Dispose();
        }
    }
}
