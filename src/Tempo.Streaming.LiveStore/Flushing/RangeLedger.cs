using System.Buffers.Binary;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// One stored fragment of a range: its tenant prefix (<c>tenant \0</c>), trace ID, place in the log and the spans it
/// holds (counted when it was consumed).
/// </summary>
internal readonly record struct LedgerFragment(byte[] TenantPrefix, byte[] TraceId, long Offset, int Index, int Spans);

/// <summary>
/// Reads the ledger family (<see cref="LiveStoreKeys"/>): the records of a partition in offset order and the fragments
/// each stored. Records at or below the consumed offset never change, so reads of a flushable range need no lock.
/// </summary>
internal sealed class RangeLedger
{
    private readonly LiveStoreDatabase _db;

    public RangeLedger(LiveStoreDatabase db) => _db = db;

    /// <summary>
    /// The last offset of the range starting at <paramref name="firstOffset"/> that a cut takes now, or null when none is
    /// due: the shortest run of records reaching <paramref name="maxBytes"/>, else — when the first record was appended
    /// before <paramref name="oldestAllowedUnixMs"/> — every record before <paramref name="consumedOffset"/>.
    /// </summary>
    public long? DueCutEnd(int partition, long firstOffset, long consumedOffset, long maxBytes, long oldestAllowedUnixMs)
    {
        if (consumedOffset <= firstOffset)
        {
            return null;
        }
        var (lower, upper) = LiveStoreKeys.LedgerRange(LiveStoreKeys.RecordTag, partition, firstOffset, consumedOffset - 1);
        using var iterator = _db.Db.NewIterator(_db.Ledger, lower, upper);
        long bytes = 0;
        long? firstTimestamp = null;
        for (iterator.Seek(lower); iterator.Valid; iterator.Next())
        {
            var value = iterator.Value;
            firstTimestamp ??= BinaryPrimitives.ReadInt64BigEndian(value);
            bytes += BinaryPrimitives.ReadInt32BigEndian(value[8..]);
            if (bytes >= maxBytes)
            {
                return BinaryPrimitives.ReadInt64BigEndian(iterator.Key[5..]);
            }
        }
        iterator.ThrowIfFailed();
        return firstTimestamp is { } oldest && oldest < oldestAllowedUnixMs ? consumedOffset - 1 : null;
    }

    /// <summary>Records in the range (skipped ones included: they are part of what the range covers).</summary>
    public long CountRecords(FlushRange range)
    {
        var (lower, upper) = LiveStoreKeys.LedgerRange(LiveStoreKeys.RecordTag, range.Partition, range.FirstOffset, range.LastOffset);
        using var iterator = _db.Db.NewIterator(_db.Ledger, lower, upper);
        long records = 0;
        for (iterator.Seek(lower); iterator.Valid; iterator.Next())
        {
            records++;
        }
        iterator.ThrowIfFailed();
        return records;
    }

    /// <summary>Every stored fragment of the range in log order (offset, then index within the record).</summary>
    public List<LedgerFragment> Fragments(FlushRange range)
    {
        var (lower, upper) = LiveStoreKeys.LedgerRange(LiveStoreKeys.LedgerFragmentTag, range.Partition, range.FirstOffset, range.LastOffset);
        var fragments = new List<LedgerFragment>();
        var prefixes = new List<byte[]>(); // one array per tenant, not per fragment (few tenants per range)
        using var iterator = _db.Db.NewIterator(_db.Ledger, lower, upper);
        for (iterator.Seek(lower); iterator.Valid; iterator.Next())
        {
            var key = iterator.Key;
            var value = iterator.Value;
            var tenantPrefix = value[..^20];
            byte[]? prefix = null;
            foreach (var known in prefixes)
            {
                if (tenantPrefix.SequenceEqual(known))
                {
                    prefix = known;
                    break;
                }
            }
            if (prefix is null)
            {
                prefix = tenantPrefix.ToArray();
                prefixes.Add(prefix);
            }
            fragments.Add(new LedgerFragment(prefix, value[^20..^4].ToArray(), BinaryPrimitives.ReadInt64BigEndian(key[5..]),
                BinaryPrimitives.ReadInt32BigEndian(key[13..]), BinaryPrimitives.ReadInt32BigEndian(value[^4..])));
        }
        iterator.ThrowIfFailed();
        return fragments;
    }
}
