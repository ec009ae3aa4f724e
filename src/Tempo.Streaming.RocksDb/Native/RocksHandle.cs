using System.Runtime.InteropServices;

namespace Tempo.Streaming.RocksDb.Native;

/// <summary>
/// Base of every native RocksDB object this binding owns. A handle that depends on another native object (a column
/// family on its database, an iterator on its column family and snapshot) takes a <see cref="SafeHandle.DangerousAddRef"/>
/// on it for its whole life, so native destruction always runs in the order RocksDB requires (iterators and
/// snapshots, then column-family handles, then <c>rocksdb_close</c>) no matter in which order managed code disposes
/// or the finalizer thread collects them.
/// </summary>
internal abstract class RocksHandle : SafeHandle
{
    protected RocksHandle(nint handle)
        : base(0, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer; only valid while the caller holds a reference (or otherwise knows the handle is open).</summary>
    internal nint Pointer => handle;

    /// <summary>Adds a reference or throws <see cref="ObjectDisposedException"/> when this handle was already disposed.</summary>
    internal void AddRef()
    {
        var added = false;
        DangerousAddRef(ref added);
        if (!added)
        {
            throw new ObjectDisposedException(GetType().Name);
        }
    }
}

/// <summary>
/// <c>rocksdb_t*</c> plus the option objects every call shares (default read options, async, sync and WAL-less write
/// options, waiting flush options). They live exactly as long as the database because calls in flight hold a reference on it.
/// </summary>
internal sealed class DatabaseHandle : RocksHandle
{
    internal DatabaseHandle(nint db)
        : base(db)
    {
        DefaultReadOptions = RocksNative.rocksdb_readoptions_create();
        AsyncWriteOptions = RocksNative.rocksdb_writeoptions_create();
        SyncWriteOptions = RocksNative.rocksdb_writeoptions_create();
        RocksNative.rocksdb_writeoptions_set_sync(SyncWriteOptions, 1);
        UnloggedWriteOptions = RocksNative.rocksdb_writeoptions_create();
        RocksNative.rocksdb_writeoptions_disable_WAL(UnloggedWriteOptions, 1);
        WaitingFlushOptions = RocksNative.rocksdb_flushoptions_create();
        RocksNative.rocksdb_flushoptions_set_wait(WaitingFlushOptions, 1);
    }

    internal nint DefaultReadOptions { get; }
    internal nint AsyncWriteOptions { get; }
    internal nint SyncWriteOptions { get; }
    internal nint UnloggedWriteOptions { get; }
    internal nint WaitingFlushOptions { get; }

    protected override bool ReleaseHandle()
    {
        // Runs only once every column family, snapshot and iterator released its reference.
        RocksNative.rocksdb_close(handle);
        RocksNative.rocksdb_readoptions_destroy(DefaultReadOptions);
        RocksNative.rocksdb_writeoptions_destroy(AsyncWriteOptions);
        RocksNative.rocksdb_writeoptions_destroy(SyncWriteOptions);
        RocksNative.rocksdb_writeoptions_destroy(UnloggedWriteOptions);
        RocksNative.rocksdb_flushoptions_destroy(WaitingFlushOptions);
        return true;
    }
}

/// <summary><c>rocksdb_column_family_handle_t*</c>; keeps its database open until destroyed (c.h: destroy CF handles before close).</summary>
internal sealed class ColumnFamilyHandle : RocksHandle
{
    internal ColumnFamilyHandle(nint cf, DatabaseHandle database)
        : base(0)
    {
        // Reference first, pointer last: if AddRef throws, ReleaseHandle never runs on a half-built handle.
        database.AddRef();
        Database = database;
        SetHandle(cf);
    }

    internal DatabaseHandle Database { get; }

    protected override bool ReleaseHandle()
    {
        RocksNative.rocksdb_column_family_handle_destroy(handle);
        Database.DangerousRelease();
        return true;
    }
}

/// <summary>
/// <c>const rocksdb_snapshot_t*</c> with its own read options pointing at it, so a snapshot read needs no allocation.
/// Keeps the database open until released.
/// </summary>
internal sealed class SnapshotHandle : RocksHandle
{
    internal SnapshotHandle(nint snapshot, DatabaseHandle database)
        : base(0)
    {
        database.AddRef();
        Database = database;
        ReadOptions = RocksNative.rocksdb_readoptions_create();
        RocksNative.rocksdb_readoptions_set_snapshot(ReadOptions, snapshot);
        SetHandle(snapshot);
    }

    internal DatabaseHandle Database { get; }
    internal nint ReadOptions { get; }

    protected override bool ReleaseHandle()
    {
        RocksNative.rocksdb_readoptions_destroy(ReadOptions);
        RocksNative.rocksdb_release_snapshot(Database.Pointer, handle);
        Database.DangerousRelease();
        return true;
    }
}

/// <summary>
/// <c>rocksdb_iterator_t*</c> together with everything it points into: its read options (the iterator keeps a pointer
/// to the bound Slices stored inside them) and the bound bytes in native memory. Holds its column family (hence the
/// database) and its snapshot open.
/// </summary>
internal sealed unsafe class IteratorHandle : RocksHandle
{
    private readonly nint _readOptions;
    private readonly byte* _lowerBound;
    private readonly byte* _upperBound;
    private readonly ColumnFamilyHandle _columnFamily;
    private readonly SnapshotHandle? _snapshot;

    /// <summary>Takes ownership of every argument, including the references already added on the column family and snapshot.</summary>
    internal IteratorHandle(nint iterator, nint readOptions, byte* lowerBound, byte* upperBound, ColumnFamilyHandle columnFamily,
        SnapshotHandle? snapshot)
        : base(iterator)
    {
        _readOptions = readOptions;
        _lowerBound = lowerBound;
        _upperBound = upperBound;
        _columnFamily = columnFamily;
        _snapshot = snapshot;
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.rocksdb_iter_destroy(handle);
        RocksNative.rocksdb_readoptions_destroy(_readOptions);
        NativeMemory.Free(_lowerBound);
        NativeMemory.Free(_upperBound);
        _snapshot?.DangerousRelease();
        _columnFamily.DangerousRelease();
        return true;
    }
}

/// <summary><c>rocksdb_writebatch_t*</c>: independent of any database (a batch records column-family IDs, not handles).</summary>
internal sealed class WriteBatchHandle : RocksHandle
{
    internal WriteBatchHandle()
        : base(RocksNative.rocksdb_writebatch_create())
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.rocksdb_writebatch_destroy(handle);
        return true;
    }
}

/// <summary><c>rocksdb_options_t*</c>, needed only while opening: <c>DB::Open</c> copies DB and column-family options.</summary>
internal sealed class OptionsHandle : RocksHandle
{
    internal OptionsHandle()
        : base(RocksNative.rocksdb_options_create())
    {
    }

    private OptionsHandle(nint copy)
        : base(copy)
    {
    }

    /// <summary>An independent copy (<c>rocksdb_options_create_copy</c>): changing it leaves this one as it is.</summary>
    internal OptionsHandle Copy() => new(RocksNative.rocksdb_options_create_copy(Pointer));

    protected override bool ReleaseHandle()
    {
        RocksNative.rocksdb_options_destroy(handle);
        return true;
    }
}

/// <summary>
/// <c>rocksdb_block_based_table_options_t*</c>; <c>rocksdb_options_set_block_based_table_factory</c> copies it into a
/// new table factory, so it can go right after that call.
/// </summary>
internal sealed class BlockBasedTableOptionsHandle : RocksHandle
{
    internal BlockBasedTableOptionsHandle()
        : base(RocksNative.rocksdb_block_based_options_create())
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.rocksdb_block_based_options_destroy(handle);
        return true;
    }
}

/// <summary>
/// <c>rocksdb_cache_t*</c>: a wrapper around a shared_ptr; the table options copy the shared_ptr, so destroying the
/// wrapper after open leaves the cache alive for as long as the database uses it.
/// </summary>
internal sealed class LruCacheHandle : RocksHandle
{
    internal LruCacheHandle(long capacityBytes)
        : base(RocksNative.rocksdb_cache_create_lru((nuint)capacityBytes))
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.rocksdb_cache_destroy(handle);
        return true;
    }
}
