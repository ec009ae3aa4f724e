namespace Tempo.Streaming.IngestLog;

/// <summary>
/// The partitioned ingest log (ARCHITECTURE.md §3): the source of truth every downstream component rebuilds from.
/// Implemented by the embedded segment log (single-binary mode) and by the Kafka adapter (distributed mode); one
/// contract test suite runs against both. Offsets follow Kafka's conventions: the first record of a partition has
/// offset 0 (or the log-start offset after retention), the high watermark is the offset the next append will get,
/// and a committed offset is the next offset the group will consume.
/// </summary>
public interface IIngestLog : IAsyncDisposable
{
    /// <summary>Topic name (Kafka) or log name (embedded); part of every block's lineage.</summary>
    string Topic { get; }

    int PartitionCount { get; }

    /// <summary>
    /// Appends records to one partition and completes only once every one of them is durable (Kafka acks=all;
    /// embedded: fsync'd). Returns the offset assigned to each record, in order. Either every record is appended
    /// or the task faults; a fault means none of them may be assumed durable. Once the task has completed, whatever
    /// its outcome, the log never reads the records' key and value memory again (callers pool those buffers).
    /// </summary>
    ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// Reads records with offset &gt;= <paramref name="fromOffset"/>, at most <paramref name="maxRecords"/> and about
    /// <paramref name="maxBytes"/> (at least one record is returned when one exists). Returns an empty list when
    /// the partition has nothing at or past that offset yet. An offset below the log-start offset (removed by
    /// retention) starts at the log-start offset.
    /// </summary>
    ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
        CancellationToken cancellationToken);

    /// <summary>Offset of the oldest record still retained (= high watermark when the partition is empty).</summary>
    ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken);

    /// <summary>The offset the next appended record will get (Kafka's high watermark).</summary>
    ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken);

    /// <summary>Stores the group's committed offset (the next offset to consume) for a partition, atomically.</summary>
    ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken);

    /// <summary>The group's committed offset for a partition, or null when it never committed.</summary>
    ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken);

    /// <summary>
    /// The earliest offset whose record timestamp is &gt;= <paramref name="timestamp"/> (Kafka ListOffsets by time),
    /// or null when no such record exists.
    /// </summary>
    ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken);
}

/// <summary>A record to append: key = tenant ID bytes, value = a marshalled <c>tempopb.PushBytesRequest</c>.</summary>
public readonly record struct IngestRecord(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, DateTimeOffset Timestamp);

/// <summary>A record read back from a partition.</summary>
public sealed record LogRecord(int Partition, long Offset, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value);
