using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Tempo.Streaming.IngestLog.Kafka;

public sealed partial class KafkaIngestLog
{
    /// <summary>One gate per partition: the records of one append enter the producer queue back to back.</summary>
    private readonly SemaphoreSlim[] _appendGates;

    /// <summary>Per partition, the offset after the last record Kafka acknowledged to this instance (a high-watermark floor).</summary>
    private readonly long[] _acknowledgedEnd;

    private readonly Lock _producerLock = new();
    private IProducer<byte[]?, byte[]?> _producer;
    private string _producerLabel;
    private volatile bool _producerFailed;

    /// <summary>
    /// Produces the records to <paramref name="partition"/> and completes once Kafka acknowledged every one of them
    /// (acks=all). They are enqueued under the partition's gate and the producer is idempotent, so they keep their order
    /// and get contiguous offsets even while other appends run. librdkafka copies keys and values when a record is
    /// enqueued, so the caller's buffers are not read after this method returns its task. An empty value is produced as
    /// null, a Kafka tombstone (the compacted ring topic deletes entries that way); reads return null as empty.
    /// </summary>
    public async ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken)
    {
        CheckPartition(partition);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return [];
        }

        var append = new PendingAppend(records.Count);
        var target = new TopicPartition(Topic, new Partition(partition));
        var deadline = Environment.TickCount64 + (long)_options.WriteTimeout.TotalMilliseconds;
        long bytes = 0;
        var gate = _appendGates[partition];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Taken under the gate, so all records of this append go to one producer even if it is being rebuilt.
            var producer = CurrentProducer();
            for (var i = 0; i < records.Count; i++)
            {
                var record = records[i];
                var message = new Message<byte[]?, byte[]?>
                {
                    Key = Bytes(record.Key),
                    Value = Bytes(record.Value),
                    Timestamp = new Timestamp(record.Timestamp.ToUnixTimeMilliseconds(), TimestampType.CreateTime),
                };
                bytes += record.Key.Length + record.Value.Length;
                if (await EnqueueAsync(producer, target, message, append, deadline, cancellationToken).ConfigureAwait(false) is { } error)
                {
                    append.FailEnqueue(records.Count - i, error);
                    break;
                }
            }
        }
        finally
        {
            gate.Release();
        }

        long[] offsets;
        try
        {
            // librdkafka reports every record within message.timeout.ms; the margin only guards against a lost report.
            offsets = await append.Task.WaitAsync(_options.WriteTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _metrics.ProduceFailures.Add(1, _topicTag, new KeyValuePair<string, object?>("reason", "timeout"));
            throw new IngestLogUnavailableException(
                $"Kafka did not report on {records.Count} records for partition {partition} of {Topic} within {_options.WriteTimeout.TotalSeconds:0.#}s");
        }
        catch (PendingAppend.DeliveryFailedException e)
        {
            _metrics.ProduceFailures.Add(1, _topicTag, new KeyValuePair<string, object?>("reason", e.Error.Code.ToString()));
            throw new IngestLogUnavailableException(
                $"Kafka did not acknowledge {e.Failed} of {records.Count} records for partition {partition} of {Topic}" +
                $" within {_options.WriteTimeout.TotalSeconds:0.#}s: {e.Error.Reason}");
        }

        NoteAcknowledged(partition, offsets[^1] + 1);
        _metrics.ProducedRecords.Add(records.Count, _topicTag);
        _metrics.ProducedBytes.Add(bytes, _topicTag);
        return offsets;
    }

    /// <summary>Enqueues one record; returns the error when librdkafka refused it.</summary>
    private static async ValueTask<Error?> EnqueueAsync(IProducer<byte[]?, byte[]?> producer, TopicPartition target,
        Message<byte[]?, byte[]?> message, PendingAppend append, long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                producer.Produce(target, message, append.OnDelivery);
                return null;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull && Environment.TickCount64 < deadline)
            {
                // The local queue (queue.buffering.max.*) is full while brokers are slow: wait for room rather than fail,
                // within the same write timeout a queued record has.
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
            catch (ProduceException<byte[]?, byte[]?> e)
            {
                return e.Error;
            }
        }
    }

    /// <summary>
    /// The record's bytes as the array Confluent.Kafka needs. A buffer that is exactly one whole array is passed as is:
    /// librdkafka copies it while <c>Produce</c> runs. Empty becomes null (no key / a tombstone value).
    /// </summary>
    private static byte[]? Bytes(ReadOnlyMemory<byte> memory)
    {
        if (memory.IsEmpty)
        {
            return null;
        }

        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }

    private void NoteAcknowledged(int partition, long end)
    {
        ref var slot = ref _acknowledgedEnd[partition];
        var current = Volatile.Read(ref slot);
        while (end > current)
        {
            var seen = Interlocked.CompareExchange(ref slot, end, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// The producer, rebuilt when librdkafka declared the previous one fatally broken (an idempotent producer can be,
    /// e.g. after the broker lost its sequence state); until then every append would fail.
    /// </summary>
    private IProducer<byte[]?, byte[]?> CurrentProducer()
    {
        if (!_producerFailed)
        {
            return _producer;
        }

        lock (_producerLock)
        {
            if (_producerFailed)
            {
                var broken = _producer;
                (_producer, _producerLabel) = BuildProducer(_options, _events);
                _producerFailed = false;
                // Records still queued in the broken producer fail their appends through their delivery reports.
                broken.Dispose();
            }

            return _producer;
        }
    }

    private void OnClientFatal(string client)
    {
        if (client == _producerLabel)
        {
            _producerFailed = true;
        }
    }

    /// <summary>Collects the delivery reports of one append; completes once every record was reported.</summary>
    private sealed class PendingAppend
    {
        private readonly TaskCompletionSource<long[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly long[] _offsets;
        private int _acknowledged;
        private int _outstanding;
        private int _failed;
        private Error? _firstError;

        public PendingAppend(int records)
        {
            _offsets = new long[records];
            _outstanding = records;
            OnDelivery = Report;
        }

        /// <summary>Cached delegate: one allocation per append, not per record.</summary>
        public Action<DeliveryReport<byte[]?, byte[]?>> OnDelivery { get; }

        public Task<long[]> Task => _completion.Task;

        /// <summary>Runs on librdkafka's delivery-report thread; must not throw.</summary>
        private void Report(DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref _firstError, report.Error, null);
                Interlocked.Increment(ref _failed);
            }
            else
            {
                _offsets[Interlocked.Increment(ref _acknowledged) - 1] = report.Offset.Value;
            }

            Settle(1);
        }

        /// <summary><paramref name="records"/> were never enqueued: they count as failed and will not be reported.</summary>
        public void FailEnqueue(int records, Error error)
        {
            Interlocked.CompareExchange(ref _firstError, error, null);
            Interlocked.Add(ref _failed, records);
            Settle(records);
        }

        private void Settle(int records)
        {
            if (Interlocked.Add(ref _outstanding, -records) != 0)
            {
                return;
            }

            if (Volatile.Read(ref _failed) > 0)
            {
                _completion.TrySetException(new DeliveryFailedException(Volatile.Read(ref _firstError)!, Volatile.Read(ref _failed)));
                return;
            }

            // Reports of one partition arrive in order, but sorting makes the offsets-in-record-order result independent
            // of that: the records were enqueued in order and are contiguous, so the i-th smallest offset is record i's.
            Array.Sort(_offsets);
            _completion.TrySetResult(_offsets);
        }

        public sealed class DeliveryFailedException(Error error, int failed) : Exception(error.Reason)
        {
            public Error Error { get; } = error;

            public int Failed { get; } = failed;
        }
    }
}
