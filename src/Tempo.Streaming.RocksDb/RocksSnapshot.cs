using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

/// <summary>
/// A consistent point-in-time view of every column family: reads and iterators given this snapshot see exactly the
/// writes committed before <see cref="RocksDatabase.CreateSnapshot"/> (a write batch is either wholly visible or not
/// at all). Holding a snapshot stops compaction from dropping the versions it can see, so release it promptly.
/// Thread-safe to read through; keeps the database open until disposed.
/// </summary>
public sealed class RocksSnapshot : IDisposable
{
    internal RocksSnapshot(RocksDatabase database, SnapshotHandle handle)
    {
        Database = database;
        Handle = handle;
    }

    internal RocksDatabase Database { get; }

    internal SnapshotHandle Handle { get; }

    /// <summary>Releases the snapshot (once no iterator created from it is still open). Idempotent.</summary>
    public void Dispose() => Handle.Dispose();
}
