using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>
/// An ingest log whose consumer-group commits throw, as if the process died (or the broker refused) right after the
/// flushed offset was stored; everything else passes through to the real log.
/// </summary>
internal sealed class FailingCommitsLog(IIngestLog inner) : IIngestLog
{
    public string Topic => inner.Topic;

    public int PartitionCount => inner.PartitionCount;

    public ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken) =>
        inner.AppendAsync(partition, records, cancellationToken);

    public ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
        CancellationToken cancellationToken) => inner.ReadAsync(partition, fromOffset, maxRecords, maxBytes, cancellationToken);

    public ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken) =>
        inner.GetLogStartOffsetAsync(partition, cancellationToken);

    public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken) =>
        inner.GetHighWatermarkAsync(partition, cancellationToken);

    public ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken) =>
        throw new IOException($"simulated failure committing offset {nextOffset} of partition {partition} for {group}");

    public ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken) =>
        inner.GetCommittedAsync(group, partition, cancellationToken);

    public ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
        inner.GetOffsetForTimestampAsync(partition, timestamp, cancellationToken);

    // The fixture owns the real log and disposes it.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
