using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.Benchmarks.Distributor;

/// <summary>
/// An ingest log that acknowledges every append synchronously and keeps nothing, so a push measures only the
/// distributor's own CPU work (scan, validate, regroup, encode records) and the whole push runs on the caller's thread.
/// </summary>
public sealed class CountingIngestLog(int partitions) : IIngestLog
{
    private long _records;
    private long _bytes;

    public string Topic => "benchmark";

    public int PartitionCount => partitions;

    public long Records => Volatile.Read(ref _records);

    public long Bytes => Volatile.Read(ref _bytes);

    public ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken)
    {
        long bytes = 0;
        for (var i = 0; i < records.Count; i++)
        {
            bytes += records[i].Key.Length + records[i].Value.Length;
        }
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _records, records.Count);
        // The distributor does not read the offsets; an empty array avoids charging the sink's allocation to the push.
        return new ValueTask<long[]>([]);
    }

    public ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
        CancellationToken cancellationToken) => throw new NotSupportedException("the counting log keeps no records");

    public ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken) => ValueTask.FromResult(Records);

    public ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken) =>
        ValueTask.FromResult<long?>(null);

    public ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
        ValueTask.FromResult<long?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
