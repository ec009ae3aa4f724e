using System.Collections.Concurrent;
using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.Distributor.Tests.Support;

/// <summary>
/// An in-memory <see cref="IIngestLog"/> that keeps every appended record, for asserting what the distributor wrote.
/// Appends to partitions listed in <see cref="FailingPartitions"/> fault like an unreachable log.
/// </summary>
internal sealed class RecordingIngestLog(int partitionCount) : IIngestLog
{
    private readonly List<LogRecord>[] _partitions = Enumerable.Range(0, partitionCount).Select(_ => new List<LogRecord>()).ToArray();
    private readonly ConcurrentDictionary<(string, int), long> _committed = new();

    public HashSet<int> FailingPartitions { get; } = [];

    public int AppendCalls;

    public string Topic => "test-ingest";

    public int PartitionCount => partitionCount;

    public IReadOnlyList<LogRecord> RecordsOf(int partition)
    {
        lock (_partitions[partition])
        {
            return _partitions[partition].ToList();
        }
    }

    public IReadOnlyList<LogRecord> AllRecords() =>
        Enumerable.Range(0, partitionCount).SelectMany(RecordsOf).ToList();

    public ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref AppendCalls);
        if ((uint)partition >= (uint)partitionCount)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition, "no such partition");
        }

        return AppendSlowAsync(partition, records);
    }

    private async ValueTask<long[]> AppendSlowAsync(int partition, IReadOnlyList<IngestRecord> records)
    {
        // Complete asynchronously, as a real log does after its fsync or delivery report.
        await Task.Yield();
        if (FailingPartitions.Contains(partition))
        {
            throw new IOException($"partition {partition} is unavailable (test)");
        }

        var list = _partitions[partition];
        lock (list)
        {
            var offsets = new long[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                offsets[i] = list.Count;
                list.Add(new LogRecord(partition, list.Count, records[i].Timestamp, records[i].Key.ToArray(), records[i].Value.ToArray()));
            }

            return offsets;
        }
    }

    public ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
        CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<LogRecord>>(RecordsOf(partition).Skip((int)fromOffset).Take(maxRecords).ToList());

    public ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken) =>
        ValueTask.FromResult((long)RecordsOf(partition).Count);

    public ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken)
    {
        _committed[(group, partition)] = nextOffset;
        return ValueTask.CompletedTask;
    }

    public ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_committed.TryGetValue((group, partition), out var offset) ? offset : (long?)null);

    public ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RecordsOf(partition).FirstOrDefault(r => r.Timestamp >= timestamp)?.Offset);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
