using System.Buffers.Binary;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Storage;

/// <summary>
/// The live store's RocksDB database with its three column families (ARCHITECTURE.md §5) and the layout version
/// check: a database written by a different key layout is refused with a message instead of being misread.
/// </summary>
internal sealed class LiveStoreDatabase : IDisposable
{
    public const string TracesFamily = "traces";
    public const string IndexFamily = "index";
    public const string MetaFamily = "meta";
    public const string LedgerFamily = "ledger";

    /// <summary>Bumped whenever <see cref="LiveStoreKeys"/> changes incompatibly.</summary>
    public const int LayoutVersion = 4;

    private LiveStoreDatabase(RocksDatabase db)
    {
        Db = db;
        Traces = db.GetColumnFamily(TracesFamily);
        Index = db.GetColumnFamily(IndexFamily);
        Meta = db.GetColumnFamily(MetaFamily);
        Ledger = db.GetColumnFamily(LedgerFamily);
    }

    public RocksDatabase Db { get; }

    public ColumnFamily Traces { get; }

    public ColumnFamily Index { get; }

    public ColumnFamily Meta { get; }

    /// <summary>What each record brought, in offset order (<see cref="LiveStoreKeys"/>): the source of block cuts.</summary>
    public ColumnFamily Ledger { get; }

    /// <param name="memtableBudgetBytes">Memory for data not yet flushed to SST files, all families together; 0 = RocksDB's own limits.</param>
    public static LiveStoreDatabase Open(string path, long blockCacheBytes, long memtableBudgetBytes)
    {
        var options = new RocksDbOptions
        {
            // Everything here lives minutes, until its range is in a block: zstd's CPU in flushes and compactions
            // bought nothing (LZ4 everywhere stored 24% more spans/s at 150k spans/s pushed).
            Compression = RocksCompression.Lz4,
            // Fragments are large, written once and deleted range by range: kept in blob files, compactions rewrite
            // only their keys (compaction of inline fragments was the largest CPU cost at the ingest target).
            BlobFamilies = [TracesFamily],
            // Summary reads are for traces the applier has not seen lately, nearly all new: the key is absent, and
            // without a filter each read searched every memtable's skip list (9% of consumption at 150k spans/s).
            MemtableBloomFamilies = [IndexFamily],
            // Keys live minutes too (deleted with their range): fewer, later compactions rewrite fewer of them.
            Level0CompactionTrigger = 8,
            // A traces memtable (64 MiB of fragments) flushes to ~0.4 MB of keys: at 8 such files, each compaction
            // rewrote all of level 1 (~2M keys) to add ~80k, a third of a core at 150k spans/s.
            BlobLevel0CompactionTrigger = 32,
            Level1TargetBytes = 1L << 30,
            // The meta family is written a few bytes at a time and would otherwise pin every WAL file until restart.
            MaxTotalWalBytes = 256L << 20,
            BlockCacheBytes = blockCacheBytes,
            MemtableBudgetBytes = memtableBudgetBytes,
            // Within the budget, one family may use up to half of it before it is flushed.
            WriteBufferBytes = memtableBudgetBytes > 0 ? Math.Clamp(memtableBudgetBytes / 2, 64 * 1024, 64L << 20) : 64L << 20,
        };
        var db = RocksDatabase.Open(path, options, [TracesFamily, IndexFamily, MetaFamily, LedgerFamily]);
        try
        {
            var store = new LiveStoreDatabase(db);
            store.CheckLayout();
            return store;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private void CheckLayout()
    {
        var stored = Db.Get(Meta, LiveStoreKeys.LayoutVersionKey);
        if (stored is null)
        {
            Span<byte> version = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(version, LayoutVersion);
            Db.Put(Meta, LiveStoreKeys.LayoutVersionKey, version, sync: true);
            return;
        }

        var found = stored.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(stored) : -1;
        if (found != LayoutVersion)
        {
            throw new InvalidDataException(
                $"the live store at {Db.Path} uses key layout version {found}, this build reads version {LayoutVersion}; " +
                "move the folder away (everything in it is rebuilt from the ingest log) and restart");
        }
    }

    /// <summary>
    /// Whether the database was closed by <see cref="CloseCleanly"/> last time; either way it is marked open from now on,
    /// so a crash before the next clean close is noticed at the next open.
    /// </summary>
    public bool TakeClosedCleanly()
    {
        if (Db.Get(Meta, LiveStoreKeys.ClosedCleanlyKey) is null)
        {
            return false;
        }

        Db.Delete(Meta, LiveStoreKeys.ClosedCleanlyKey, sync: true);
        return true;
    }

    /// <summary>Flushes every memtable (writes made without the WAL become durable), marks the close clean, and closes.</summary>
    public void CloseCleanly()
    {
        Db.Flush();
        Db.Put(Meta, LiveStoreKeys.ClosedCleanlyKey, [1], sync: true);
        Db.Dispose();
    }

    /// <summary>Bytes in memtables (written, not yet flushed to SST files) across the column families.</summary>
    public long UnflushedBytes()
    {
        long total = 0;
        foreach (var family in (ReadOnlySpan<ColumnFamily>)[Traces, Index, Meta, Ledger])
        {
            if (long.TryParse(Db.GetProperty(family, "rocksdb.cur-size-all-mem-tables"), out var bytes))
            {
                total += bytes;
            }
        }

        return total;
    }

    /// <summary>
    /// RocksDB's memory summed over the column families, in bytes: memtables (with flushed ones still pinned by readers),
    /// the block cache, and the index and filter blocks of open SST files held outside it.
    /// </summary>
    public (long Memtables, long PinnedMemtables, long BlockCache, long TableReaders) MemoryUsage()
    {
        long Sum(string property)
        {
            long total = 0;
            foreach (var family in (ReadOnlySpan<ColumnFamily>)[Traces, Index, Meta, Ledger])
            {
                if (long.TryParse(Db.GetProperty(family, property), out var bytes))
                {
                    total += bytes;
                }
            }

            return total;
        }

        var all = Sum("rocksdb.size-all-mem-tables");
        var current = Sum("rocksdb.cur-size-all-mem-tables");
        // The block cache is shared by every family: its usage is the same number on each.
        _ = long.TryParse(Db.GetProperty(Traces, "rocksdb.block-cache-usage"), out var cache);
        return (current, all - current, cache, Sum("rocksdb.estimate-table-readers-mem"));
    }

    /// <summary>The next offset to consume stored for a partition, or null when this database never consumed it.</summary>
    public long? ReadConsumedOffset(string topic, int partition)
    {
        var value = Db.Get(Meta, LiveStoreKeys.ConsumedOffsetKey(topic, partition));
        return value is { Length: 8 } ? BinaryPrimitives.ReadInt64BigEndian(value) : null;
    }

    /// <summary>The next offset of a partition not yet in a block, or null when nothing of it was ever flushed.</summary>
    public long? ReadFlushedOffset(string topic, int partition)
    {
        var value = Db.Get(Meta, LiveStoreKeys.FlushedOffsetKey(topic, partition));
        return value is { Length: 8 } ? BinaryPrimitives.ReadInt64BigEndian(value) : null;
    }

    public void Dispose() => Db.Dispose();
}
