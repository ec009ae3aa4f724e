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

    /// <summary>Bumped whenever <see cref="LiveStoreKeys"/> changes incompatibly.</summary>
    public const int LayoutVersion = 1;

    private LiveStoreDatabase(RocksDatabase db)
    {
        Db = db;
        Traces = db.GetColumnFamily(TracesFamily);
        Index = db.GetColumnFamily(IndexFamily);
        Meta = db.GetColumnFamily(MetaFamily);
    }

    public RocksDatabase Db { get; }

    public ColumnFamily Traces { get; }

    public ColumnFamily Index { get; }

    public ColumnFamily Meta { get; }

    public static LiveStoreDatabase Open(string path, long blockCacheBytes)
    {
        var options = new RocksDbOptions
        {
            Compression = RocksCompression.Zstd,
            BlockCacheBytes = blockCacheBytes,
        };
        var db = RocksDatabase.Open(path, options, [TracesFamily, IndexFamily, MetaFamily]);
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

    /// <summary>The next offset to consume stored for a partition, or null when this database never consumed it.</summary>
    public long? ReadConsumedOffset(string topic, int partition)
    {
        var value = Db.Get(Meta, LiveStoreKeys.ConsumedOffsetKey(topic, partition));
        return value is { Length: 8 } ? BinaryPrimitives.ReadInt64BigEndian(value) : null;
    }

    public void Dispose() => Db.Dispose();
}
