using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Core.Diagnostics;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// The live store's flush (ARCHITECTURE.md §5, invariants 1–3): cuts due offset ranges into blocks, records the flushed
/// offset, commits it to the consumer group, and deletes flushed ranges after <c>complete_block_timeout</c>.
/// <para>
/// Crash safety, step by step. (1) The range is fixed first and stored as a cut intent (synchronously): a restart
/// resumes the same range, never a different one that would overlap blocks already written. (2) Blocks are written;
/// each is invisible until its meta.json, and rewriting an existing block is a no-op, so a crash here and a resumed cut
/// produce each block exactly once. (3) One write batch clears the intent, advances the flushed offset and marks the
/// range for deletion: before it the range is re-cut (no-op writes), after it the range is done. (4) The group commit
/// comes after, so the committed offset never passes data that is not in a block; a failed commit is repeated by the
/// next flush. (5) Deletion happens only after the timeout, from a range already durable in the backend.
/// </para>
/// One cut at a time per store: cuts are I/O- and CPU-heavy and ranges of one partition must be taken in order.
/// </summary>
internal sealed class BlockFlusher
{
    private readonly LiveStoreDatabase _db;
    private readonly RangeLedger _ledger;
    private readonly BlockCutter _cutter;
    private readonly FlushedRangeDeleter _deleter;
    private readonly IIngestLog _log;
    private readonly BlockFlushOptions _options;
    private readonly string _consumerGroup;
    private readonly Func<string, IReadOnlyList<DedicatedColumn>> _dedicatedColumns;
    private readonly ILogger _logger;
    private readonly LiveStoreMetrics _metrics;
    // One cut per partition at a time (its ranges follow one another); different partitions cut side by side.
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _cutLocks = new();

    public BlockFlusher(LiveStoreDatabase db, RangeLedger ledger, BlockWriter writer, FlushedRangeDeleter deleter, IIngestLog log,
        BlockFlushOptions options, string consumerGroup, Func<string, IReadOnlyList<DedicatedColumn>> dedicatedColumns,
        ILogger logger, LiveStoreMetrics metrics)
    {
        _db = db;
        _ledger = ledger;
        // A cut by size holds at most max_block_bytes of fragments (plus its last record): twice that leaves room for
        // forced cuts of a backlog without letting one hold the whole store in memory.
        _cutter = new BlockCutter(db, ledger, writer, log.Topic, retainBudgetBytes: options.MaxBlockBytes > long.MaxValue / 2 ? long.MaxValue : 2 * options.MaxBlockBytes,
            options.ConcurrentFlushes);
        _deleter = deleter;
        _log = log;
        _options = options;
        _consumerGroup = consumerGroup;
        _dedicatedColumns = dedicatedColumns;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Called with every block a cut wrote (the single binary makes it visible to its queriers at once).</summary>
    public Action<BlockMeta>? BlockWritten { get; set; }

    /// <summary>Where a partition's flushing starts when this database never flushed it: where consumption starts.</summary>
    public void InitializeFlushedOffset(int partition, long resumeOffset)
    {
        if (_db.ReadFlushedOffset(_log.Topic, partition) is null)
        {
            _db.Db.Put(_db.Meta, LiveStoreKeys.FlushedOffsetKey(_log.Topic, partition), BigEndian(resumeOffset), sync: true);
        }
    }

    /// <summary>
    /// Cuts the partition's next range if one is due (or, with <paramref name="force"/>, everything consumed), resuming an
    /// interrupted cut first. Returns null when there was nothing to cut.
    /// </summary>
    public async Task<FlushResult?> CutNextAsync(int partition, long consumedOffset, bool force, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var cutLock = _cutLocks.GetOrAdd(partition, static _ => new SemaphoreSlim(1, 1));
        await cutLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var range = ReadIntent(partition);
            if (range is { } resumed)
            {
                Log.CutResumed(_logger, partition, resumed.FirstOffset, resumed.LastOffset);
            }
            else
            {
                var first = _db.ReadFlushedOffset(_log.Topic, partition) ?? 0;
                var last = force
                    ? consumedOffset - 1
                    : _ledger.DueCutEnd(partition, first, consumedOffset, _options.MaxBlockBytes,
                        (now - _options.MaxBlockDuration).ToUnixTimeMilliseconds());
                if (last is not { } end || end < first)
                {
                    return null;
                }
                range = new FlushRange(partition, first, end);
                WriteIntent(range.Value);
            }

            var result = await _cutter.CutAsync(range.Value, _dedicatedColumns, cancellationToken).ConfigureAwait(false);
            CrashPoints.Hit(CrashPoints.FlushAfterBlocks);
            Complete(result, now);
            CrashPoints.Hit(CrashPoints.FlushBeforeCommit);
            _metrics.BlocksFlushed.Add(result.Blocks.Count);
            Log.RangeFlushed(_logger, partition, range.Value.FirstOffset, range.Value.LastOffset, result.Records, result.Blocks.Count);
            foreach (var block in result.Blocks)
            {
                BlockWritten?.Invoke(block);
            }
            await CommitAsync(partition, range.Value.LastOffset + 1, cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.FailedFlushes.Add(1);
            Log.FlushFailed(_logger, e, partition);
            throw;
        }
        finally
        {
            cutLock.Release();
        }
    }

    /// <summary>
    /// The flushed ranges of a partition whose <c>complete_block_timeout</c> has passed, oldest first, up to the first
    /// that is not due yet: ranges are deleted in offset order (see <see cref="FlushedRangeDeleter"/>), even should the
    /// clock have stepped back between two flushes.
    /// </summary>
    public List<FlushRange> RangesToDelete(int partition, DateTimeOffset now)
    {
        var due = new List<FlushRange>();
        var prefix = LiveStoreKeys.RangePrefix(LiveStoreKeys.PendingDeletionTag, partition);
        var cutoff = (now - _options.CompleteBlockTimeout).ToUnixTimeMilliseconds();
        using var iterator = _db.Db.NewIterator(_db.Meta, prefix, LiveStoreKeys.Successor(prefix));
        for (iterator.Seek(prefix); iterator.Valid; iterator.Next())
        {
            var value = iterator.Value;
            if (BinaryPrimitives.ReadInt64BigEndian(value[8..]) > cutoff)
            {
                break;
            }
            due.Add(new FlushRange(partition, BinaryPrimitives.ReadInt64BigEndian(iterator.Key[5..]), BinaryPrimitives.ReadInt64BigEndian(value)));
        }
        iterator.ThrowIfFailed();
        return due;
    }

    /// <summary>The flushed ranges of a partition that held no span (no block covers them), in offset order.</summary>
    public IReadOnlyList<Blocks.Lineage.OffsetRange> EmptyRanges(int partition)
    {
        var ranges = new List<Blocks.Lineage.OffsetRange>();
        var prefix = LiveStoreKeys.RangePrefix(LiveStoreKeys.EmptyRangeTag, partition);
        using var iterator = _db.Db.NewIterator(_db.Meta, prefix, LiveStoreKeys.Successor(prefix));
        for (iterator.Seek(prefix); iterator.Valid; iterator.Next())
        {
            ranges.Add(new Blocks.Lineage.OffsetRange(BinaryPrimitives.ReadInt64BigEndian(iterator.Key[5..]), BinaryPrimitives.ReadInt64BigEndian(iterator.Value)));
        }
        iterator.ThrowIfFailed();
        return ranges;
    }

    /// <summary>Deletes one flushed range (the caller holds the store's apply lock).</summary>
    public void Delete(FlushRange range)
    {
        var fragments = _deleter.Delete(range);
        _metrics.RangesDeleted.Add(1);
        Log.RangeDeleted(_logger, range.Partition, range.FirstOffset, range.LastOffset, fragments);
    }

    private void Complete(FlushResult result, DateTimeOffset now)
    {
        var range = result.Range;
        using var batch = new RocksWriteBatch();
        batch.Delete(_db.Meta, LiveStoreKeys.RangePrefix(LiveStoreKeys.CutIntentTag, range.Partition));
        batch.Put(_db.Meta, LiveStoreKeys.FlushedOffsetKey(_log.Topic, range.Partition), BigEndian(range.LastOffset + 1));
        var pending = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(pending, range.LastOffset);
        BinaryPrimitives.WriteInt64BigEndian(pending.AsSpan(8), now.ToUnixTimeMilliseconds());
        batch.Put(_db.Meta, LiveStoreKeys.RangeKey(LiveStoreKeys.PendingDeletionTag, range.Partition, range.FirstOffset), pending);
        if (result.Blocks.Count == 0)
        {
            // Nothing in these records held a span: no block covers them, and the lineage audit must not call that a gap.
            batch.Put(_db.Meta, LiveStoreKeys.RangeKey(LiveStoreKeys.EmptyRangeTag, range.Partition, range.FirstOffset), BigEndian(range.LastOffset));
        }
        _db.Db.Write(batch, sync: true);
    }

    /// <summary>
    /// Commits the stored flushed offset to the consumer group when it is ahead of the group's: a crash (or a failed
    /// commit) came between storing it and committing it, and without another cut of the partition nothing else would.
    /// </summary>
    public async Task CommitFlushedOffsetAsync(int partition, CancellationToken cancellationToken)
    {
        if (_db.ReadFlushedOffset(_log.Topic, partition) is not { } flushed)
        {
            return;
        }
        var committed = await _log.GetCommittedAsync(_consumerGroup, partition, cancellationToken).ConfigureAwait(false)
            ?? await _log.GetLogStartOffsetAsync(partition, cancellationToken).ConfigureAwait(false);
        if (flushed > committed)
        {
            await CommitAsync(partition, flushed, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(int partition, long nextOffset, CancellationToken cancellationToken)
    {
        try
        {
            await _log.CommitAsync(_consumerGroup, partition, nextOffset, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The blocks are durable and the flushed offset stored; the group's offset only matters to a replica that
            // starts with an empty disk, and the next flush commits a later one.
            Log.CommitFailed(_logger, e, partition, nextOffset, _consumerGroup);
        }
    }

    private FlushRange? ReadIntent(int partition)
    {
        var value = _db.Db.Get(_db.Meta, LiveStoreKeys.RangePrefix(LiveStoreKeys.CutIntentTag, partition));
        return value is { Length: 16 }
            ? new FlushRange(partition, BinaryPrimitives.ReadInt64BigEndian(value), BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(8)))
            : null;
    }

    private void WriteIntent(FlushRange range)
    {
        var value = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(value, range.FirstOffset);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(8), range.LastOffset);
        _db.Db.Put(_db.Meta, LiveStoreKeys.RangePrefix(LiveStoreKeys.CutIntentTag, range.Partition), value, sync: true);
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
