using System.Collections.Concurrent;
using System.Diagnostics;
using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.Benchmarks.LiveStore;

/// <summary>
/// A pre-filled log replayed as if its records were being appended now: from <see cref="Start"/>, each partition's
/// records [first, end) become readable evenly over <c>window</c> (so all partitions together deliver the pre-filled
/// spans at the rate the window was sized for), and each record read carries its arrival time as its timestamp, which
/// is what the live store's <c>max_block_duration</c> and trace idleness go by. The high watermark is the arrival front,
/// so consumer lag means what it means in production. Commits stay in memory: a run never changes the pre-filled log.
/// </summary>
internal sealed class PacedIngestLog : IIngestLog
{
    private readonly IIngestLog _inner;
    private readonly long[] _first;
    private readonly long[] _end;
    private readonly TimeSpan _window;
    private readonly Stopwatch _clock = new();
    private readonly ConcurrentDictionary<(string Group, int Partition), long> _commits = new();
    private DateTimeOffset _startedAt;

    public PacedIngestLog(IIngestLog inner, long[] first, long[] end, TimeSpan window)
    {
        if (first.Length != inner.PartitionCount || end.Length != inner.PartitionCount)
        {
            throw new ArgumentException($"offsets for {inner.PartitionCount} partitions expected");
        }

        _inner = inner;
        _first = first;
        _end = end;
        _window = window;
    }

    public string Topic => _inner.Topic;

    public int PartitionCount => _inner.PartitionCount;

    /// <summary>Time since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Every pre-filled record of every partition has arrived.</summary>
    public bool AllArrived => _clock.IsRunning && _clock.Elapsed >= _window;

    public void Start()
    {
        _startedAt = DateTimeOffset.UtcNow;
        _clock.Start();
    }

    /// <summary>The offset the next arriving record of <paramref name="partition"/> has (its high watermark now).</summary>
    public long ArrivalFront(int partition)
    {
        if (!_clock.IsRunning)
        {
            return _first[partition];
        }

        var fraction = Math.Min(1.0, _clock.Elapsed / _window);
        return _first[partition] + (long)((_end[partition] - _first[partition]) * fraction);
    }

    public async ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
        CancellationToken cancellationToken)
    {
        var arrived = ArrivalFront(partition) - fromOffset;
        if (arrived <= 0)
        {
            return [];
        }

        var records = await _inner.ReadAsync(partition, fromOffset, (int)Math.Min(maxRecords, arrived), maxBytes, cancellationToken);
        var stamped = new LogRecord[records.Count];
        for (var i = 0; i < stamped.Length; i++)
        {
            stamped[i] = records[i] with { Timestamp = ArrivalTime(partition, records[i].Offset) };
        }

        return stamped;
    }

    private DateTimeOffset ArrivalTime(int partition, long offset)
    {
        var count = Math.Max(1, _end[partition] - _first[partition]);
        return _startedAt + _window * ((double)(offset - _first[partition]) / count);
    }

    public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ArrivalFront(partition));

    public ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken) =>
        _inner.GetLogStartOffsetAsync(partition, cancellationToken);

    public ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken)
    {
        _commits[(group, partition)] = nextOffset;
        return ValueTask.CompletedTask;
    }

    public ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_commits.TryGetValue((group, partition), out var offset) ? offset : (long?)null);

    public ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a paced replay has no arrival times before it starts");

    public ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a paced replay only reads the pre-filled log");

    /// <summary>The pre-filled log belongs to the caller.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
