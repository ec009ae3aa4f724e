using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// The partition ring kept in a log (ARCHITECTURE.md §4): in distributed mode the Kafka adapter opened on the
/// compacted topic <c>&lt;topic&gt;-ring</c>, partition 0 only. Each record sets or deletes one key (see
/// <see cref="RingRecordCodec"/>), so the last record of a key is its value and compaction keeps the topic small.
/// <para>
/// <see cref="StartAsync"/> replays the partition from its start to the high watermark, then a background loop tails it
/// every <see cref="DefaultPollInterval"/> (configurable): another member's write reaches <see cref="Current"/> within
/// the writer's append plus one poll — the bound on how long a distributor may keep writing to a partition that just
/// turned INACTIVE. Writes append one record, then apply it locally (read-your-writes). A record applies only when its
/// offset is newer than the last one applied for its key, so the tail re-reading an older record of a key after a
/// local write cannot roll the ring back.
/// </para>
/// </summary>
public sealed class LogPartitionRingStore : IPartitionRingStore
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The ring uses partition 0 of its topic: one total order for every key.</summary>
    public const int RingPartition = 0;

    private const int ReadMaxRecords = 1024;
    private const int ReadMaxBytes = 1 << 20;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly IIngestLog _log;
    private readonly ILogger _logger;
    private readonly bool _disposeLog;
    private readonly RingSnapshot _ring;

    // Offset of the last record applied per key; read and written only inside _ring.Update, which serialises them.
    private readonly Dictionary<string, long> _appliedOffsets = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    // Serialises reads so _nextOffset has one reader at a time (the tail, and tests polling directly).
    private readonly SemaphoreSlim _reading = new(1, 1);
    private long _nextOffset;
    private Task? _tail;
    private int _started;
    private int _disposed;

    /// <param name="log">The log holding the ring (its partition 0).</param>
    /// <param name="logger">Where loading, skipped records and read failures are reported.</param>
    /// <param name="pollInterval">How often the tail asks for new records when it is caught up; default 250 ms.</param>
    /// <param name="disposeLog">Dispose <paramref name="log"/> with this store.</param>
    public LogPartitionRingStore(IIngestLog log, ILogger logger, TimeSpan? pollInterval = null, bool disposeLog = false)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(logger);
        PollInterval = pollInterval ?? DefaultPollInterval;
        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(pollInterval), PollInterval, "the ring store's poll interval must be positive");
        }

        _log = log;
        _logger = logger;
        _disposeLog = disposeLog;
        _ring = new RingSnapshot(logger);
    }

    public TimeSpan PollInterval { get; }

    public PartitionRingDesc Current => _ring.Current;

    public event Action<PartitionRingDesc>? Changed
    {
        add => _ring.Changed += value;
        remove => _ring.Changed -= value;
    }

    /// <summary>
    /// Replays the ring partition from its start to its high watermark (retrying read failures with backoff until
    /// <paramref name="cancellationToken"/> fires), then starts tailing.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the partition ring store was already started");
        }

        var retryIn = PollInterval;
        while (true)
        {
            try
            {
                var highWatermark = await LoadAsync(cancellationToken).ConfigureAwait(false);
                var ring = Current;
                RingLogMessages.RingLoaded(_logger, _log.Topic, highWatermark, ring.Partitions.Count, ring.Owners.Count);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                RingLogMessages.TailFailed(_logger, e, _log.Topic, retryIn);
                await Task.Delay(retryIn, cancellationToken).ConfigureAwait(false);
                retryIn = NextDelay(retryIn);
            }
        }

        _tail = Task.Run(() => TailAsync(_stopping.Token), CancellationToken.None);
    }

    public Task SetPartitionAsync(PartitionDesc partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return WriteAsync(RingRecordCodec.PartitionKey(partition.Id), RingRecordCodec.Encode(partition), cancellationToken);
    }

    public Task RemovePartitionAsync(int partitionId, CancellationToken cancellationToken) =>
        WriteAsync(RingRecordCodec.PartitionKey(partitionId), [], cancellationToken);

    public Task SetOwnerAsync(OwnerDesc owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrEmpty(owner.InstanceId, nameof(owner));
        return WriteAsync(RingRecordCodec.OwnerKey(owner.InstanceId), RingRecordCodec.Encode(owner), cancellationToken);
    }

    public Task RemoveOwnerAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        return WriteAsync(RingRecordCodec.OwnerKey(instanceId), [], cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_tail is not null)
        {
            await _tail.ConfigureAwait(false);
        }

        _stopping.Dispose();
        if (_disposeLog)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(byte[] key, byte[] value, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var offsets = await _log.AppendAsync(RingPartition, [new IngestRecord(key, value, DateTimeOffset.UtcNow)], cancellationToken)
            .ConfigureAwait(false);

        // Apply what readers will decode (timestamps in milliseconds), not the caller's object, so this member's view
        // equals everyone else's.
        if (!RingRecordCodec.TryDecode(key, value, out var entry, out var reason))
        {
            throw new UnreachableException("a ring record this store encoded does not decode: " + reason);
        }

        Apply(entry, offsets[0]);
    }

    /// <summary>Reads from the log start (or where a failed load stopped) up to the high watermark; returns it.</summary>
    private async Task<long> LoadAsync(CancellationToken cancellationToken)
    {
        var highWatermark = await _log.GetHighWatermarkAsync(RingPartition, cancellationToken).ConfigureAwait(false);
        if (_nextOffset == 0)
        {
            _nextOffset = await _log.GetLogStartOffsetAsync(RingPartition, cancellationToken).ConfigureAwait(false);
        }

        while (_nextOffset < highWatermark)
        {
            if (!await ReadOnceAsync(cancellationToken).ConfigureAwait(false))
            {
                // Nothing readable below the high watermark (the tail of a compacted range): the ring is complete.
                break;
            }
        }

        return highWatermark;
    }

    private async Task TailAsync(CancellationToken stopping)
    {
        var retryIn = PollInterval;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (!await ReadOnceAsync(stopping).ConfigureAwait(false))
                {
                    await Task.Delay(PollInterval, stopping).ConfigureAwait(false);
                }

                retryIn = PollInterval;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Broker trouble: keep the last ring (components keep working on it) and retry with backoff.
                RingLogMessages.TailFailed(_logger, e, _log.Topic, retryIn);
                try
                {
                    await Task.Delay(retryIn, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retryIn = NextDelay(retryIn);
            }
        }
    }

    /// <summary>Reads and applies one batch from <see cref="_nextOffset"/>; false when there was nothing to read.</summary>
    internal async Task<bool> ReadOnceAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task<bool> ReadBatchAsync(CancellationToken cancellationToken)
    {
        var records = await _log.ReadAsync(RingPartition, _nextOffset, ReadMaxRecords, ReadMaxBytes, cancellationToken).ConfigureAwait(false);
        if (records.Count == 0)
        {
            return false;
        }

        foreach (var record in records)
        {
            if (RingRecordCodec.TryDecode(record.Key.Span, record.Value.Span, out var entry, out var reason))
            {
                Apply(entry, record.Offset);
            }
            else
            {
                RingLogMessages.RecordSkipped(_logger, _log.Topic, record.Offset, Encoding.UTF8.GetString(record.Key.Span), reason);
            }

            _nextOffset = record.Offset + 1;
        }

        return true;
    }

    private void Apply(RingEntry entry, long offset) =>
        _ring.Update((Entry: entry, Offset: offset, Applied: _appliedOffsets), static (ring, s) =>
        {
            if (s.Applied.TryGetValue(s.Entry.Key, out var applied) && applied >= s.Offset)
            {
                return ring;
            }

            s.Applied[s.Entry.Key] = s.Offset;
            return s.Entry.ApplyTo(ring);
        });

    private static TimeSpan NextDelay(TimeSpan current)
    {
        var next = current * 2;
        return next > MaxRetryDelay ? MaxRetryDelay : next;
    }
}
