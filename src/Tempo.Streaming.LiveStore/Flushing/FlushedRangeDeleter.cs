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
        using var batch = new RocksWriteBatch();
        var key = new byte[256];
        var touched = new HashSet<(byte[] Prefix, TraceId Trace)>();
        foreach (var fragment in fragments)
        {
            var length = fragment.TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength;
            if (key.Length < length) key = new byte[length];
            LiveStoreKeys.WriteFragmentKey(key, fragment.TenantPrefix, fragment.TraceId, range.Partition, fragment.Offset, fragment.Index);
            batch.Delete(_db.Traces, key.AsSpan(0, length));
            touched.Add((fragment.TenantPrefix, TraceId.FromBytes(fragment.TraceId)));
        }
        foreach (var tag in (ReadOnlySpan<byte>)[LiveStoreKeys.RecordTag, LiveStoreKeys.LedgerFragmentTag])
        {
            var (lower, upper) = LiveStoreKeys.LedgerRange(tag, range.Partition, range.FirstOffset, range.LastOffset);
            batch.DeleteRange(_db.Ledger, lower, upper);
        }
        batch.Delete(_db.Meta, LiveStoreKeys.RangeKey(LiveStoreKeys.PendingDeletionTag, range.Partition, range.FirstOffset));
        _db.Db.Write(batch);

        // A trace whose every fragment is gone loses its summary too; one that also has fragments in later, unflushed
        // ranges keeps it (its byte total then over-counts the deleted part until the trace goes idle).
        using var summaries = new RocksWriteBatch();
        Span<byte> traceId = stackalloc byte[16];
        foreach (var (prefix, trace) in touched)
        {
            trace.WriteTo(traceId);
            var (lower, upper) = LiveStoreKeys.TraceRange(prefix, traceId);
            using var iterator = _db.Db.NewIterator(_db.Traces, lower, upper);
            iterator.Seek(lower);
            if (iterator.Valid)
            {
                continue;
            }
            iterator.ThrowIfFailed();
            var summaryKey = new byte[prefix.Length + 17];
            LiveStoreKeys.WriteSummaryKey(summaryKey, prefix, traceId);
            summaries.Delete(_db.Index, summaryKey);
            _live.Remove(new LiveTraceKey(System.Text.Encoding.UTF8.GetString(prefix, 0, prefix.Length - 1), trace));
        }
        _db.Db.Write(summaries);
        return fragments.Count;
    }
}
