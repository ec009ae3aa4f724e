using System.Buffers.Binary;
using System.Text;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.LiveStore.Consumption;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// Removes a flushed range from the live store once <see cref="BlockFlushOptions.CompleteBlockTimeout"/> has passed:
/// its fragments, its ledger entries and its pending-deletion mark in one write batch, then the summaries of traces
/// left without any fragment. Until then queries find the range's spans both here and in its blocks; span dedup makes
/// the second copy harmless (ARCHITECTURE.md §5). Callers hold the store's apply lock: summaries are read-modify-write
/// state shared with consumption.
/// </summary>
internal sealed class FlushedRangeDeleter
{
    /// <summary>Summaries looked up per MultiGet.</summary>
    private const int SummaryReadBatch = 2048;

    private readonly LiveStoreDatabase _db;
    private readonly LiveTraces _live;
    private readonly RangeLedger _ledger;

    public FlushedRangeDeleter(LiveStoreDatabase db, LiveTraces live, RangeLedger ledger)
    {
        _db = db;
        _live = live;
        _ledger = ledger;
    }

    /// <summary>Deletes the range; returns how many fragments were removed.</summary>
    public int Delete(FlushRange range)
    {
        var fragments = _ledger.Fragments(range);
        var earlierRangesDeleted = IsOldestPendingRange(range);
        using var batch = new RocksWriteBatch();
        var key = new byte[256];
        var summaryKeys = new HashSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var fragment in fragments)
        {
            var length = fragment.TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength;
            if (key.Length < length) key = new byte[length];
            LiveStoreKeys.WriteFragmentKey(key, fragment.TenantPrefix, fragment.TraceId, range.Partition, fragment.Offset, fragment.Index);
            batch.Delete(_db.Traces, key.AsSpan(0, length));
            var summaryKey = new byte[fragment.TenantPrefix.Length + 17];
            LiveStoreKeys.WriteSummaryKey(summaryKey, fragment.TenantPrefix, fragment.TraceId);
            summaryKeys.Add(summaryKey);
        }
        foreach (var tag in (ReadOnlySpan<byte>)[LiveStoreKeys.RecordTag, LiveStoreKeys.LedgerFragmentTag])
        {
            var (lower, upper) = LiveStoreKeys.LedgerRange(tag, range.Partition, range.FirstOffset, range.LastOffset);
            batch.DeleteRange(_db.Ledger, lower, upper);
        }
        batch.Delete(_db.Meta, LiveStoreKeys.RangeKey(LiveStoreKeys.PendingDeletionTag, range.Partition, range.FirstOffset));
        _db.Db.Write(batch);

        DeleteEmptiedSummaries(range, summaryKeys, earlierRangesDeleted);
        return fragments.Count;
    }

    /// <summary>
    /// A trace whose every fragment is gone loses its summary too; one that also has fragments in later, unflushed
    /// ranges keeps it (its byte total then over-counts the deleted part until the trace goes idle). The summary's
    /// fragment list decides without touching the fragments: every listed fragment in this partition at or before the
    /// range's end means nothing is left, because a partition's ranges are deleted oldest first. Seeking into every
    /// touched trace's fragments instead (through the tombstones just written) took 21% of the CPU at 150k spans/s,
    /// under the apply lock, and halved the cut rate once deletions began.
    /// A summary that stopped listing its fragments, or lists some in another partition, is still decided by a scan.
    /// </summary>
    private void DeleteEmptiedSummaries(FlushRange range, HashSet<byte[]> summaryKeys, bool earlierRangesDeleted)
    {
        var sorted = summaryKeys.ToArray();
        Array.Sort(sorted, ByteArrayComparer.Instance); // MultiGet takes keys in the family's order
        var emptied = new List<byte[]>();
        var keyBytes = new byte[SummaryReadBatch * 64];
        var keyLengths = new int[SummaryReadBatch];
        var state = (Deleter: this, Range: range, EarlierRangesDeleted: earlierRangesDeleted, Keys: sorted, First: 0, Emptied: emptied);
        for (var first = 0; first < sorted.Length; first += SummaryReadBatch)
        {
            var count = Math.Min(SummaryReadBatch, sorted.Length - first);
            var used = 0;
            for (var i = 0; i < count; i++)
            {
                var summaryKey = sorted[first + i];
                if (used + summaryKey.Length > keyBytes.Length) Array.Resize(ref keyBytes, Math.Max(keyBytes.Length * 2, used + summaryKey.Length));
                summaryKey.CopyTo(keyBytes, used);
                keyLengths[i] = summaryKey.Length;
                used += summaryKey.Length;
            }
            state.First = first;
            _db.Db.MultiGetSorted(_db.Index, keyBytes.AsSpan(0, used), keyLengths.AsSpan(0, count), state, static (index, found, value, s) =>
            {
                var summaryKey = s.Keys[s.First + index];
                if (found && s.Deleter.IsEmptied(summaryKey, value, s.Range, s.EarlierRangesDeleted))
                {
                    s.Emptied.Add(summaryKey);
                }
            });
        }

        using var summaries = new RocksWriteBatch();
        foreach (var summaryKey in emptied)
        {
            summaries.Delete(_db.Index, summaryKey);
            var prefixLength = summaryKey.Length - 17;
            _live.Remove(new LiveTraceKey(Encoding.UTF8.GetString(summaryKey, 0, prefixLength - 1), TraceId.FromBytes(summaryKey.AsSpan(prefixLength + 1))));
        }
        _db.Db.Write(summaries);
    }

    private bool IsEmptied(byte[] summaryKey, ReadOnlySpan<byte> summary, FlushRange range, bool earlierRangesDeleted)
    {
        if (earlierRangesDeleted && TraceSummary.ListsFragmentsAfter(summary, range.Partition, range.LastOffset) is { } left)
        {
            return !left;
        }

        var prefixLength = summaryKey.Length - 17;
        var (lower, upper) = LiveStoreKeys.TraceRange(summaryKey.AsSpan(0, prefixLength), summaryKey.AsSpan(prefixLength + 1));
        using var iterator = _db.Db.NewIterator(_db.Traces, lower, upper);
        iterator.Seek(lower);
        if (iterator.Valid)
        {
            return false;
        }
        iterator.ThrowIfFailed();
        return true;
    }

    /// <summary>
    /// Whether no range of the partition before <paramref name="range"/> still waits for deletion. The store deletes a
    /// partition's ranges oldest first; this only guards the summary shortcut should one ever be deleted out of turn.
    /// </summary>
    private bool IsOldestPendingRange(FlushRange range)
    {
        var prefix = LiveStoreKeys.RangePrefix(LiveStoreKeys.PendingDeletionTag, range.Partition);
        using var iterator = _db.Db.NewIterator(_db.Meta, prefix, LiveStoreKeys.Successor(prefix));
        iterator.Seek(prefix);
        if (!iterator.Valid)
        {
            iterator.ThrowIfFailed();
            return true;
        }
        return BinaryPrimitives.ReadInt64BigEndian(iterator.Key[5..]) >= range.FirstOffset;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
