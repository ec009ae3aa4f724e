using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

/// <summary>
/// Operations collected in memory and committed atomically by <see cref="RocksDatabase.Write"/>. Not thread-safe.
/// A batch records column-family IDs, so all its column families must come from the database it is written to;
/// the first operation binds the batch to that database until <see cref="Clear"/>. Reusable after Clear.
/// </summary>
public sealed unsafe class RocksWriteBatch : IDisposable
{
    private readonly WriteBatchHandle _handle = new();
    private RocksDatabase? _database;

    /// <summary>Number of operations (puts, deletes, range deletes) in the batch.</summary>
    public int Count
    {
        get
        {
            ThrowIfDisposed();
            return RocksNative.rocksdb_writebatch_count(_handle.Pointer);
        }
    }

    /// <summary>Size of the batch's serialized representation (what goes to the WAL), in bytes.</summary>
    public long DataSizeBytes
    {
        get
        {
            ThrowIfDisposed();
            nuint size = 0;
            RocksNative.rocksdb_writebatch_data(_handle.Pointer, &size);
            return (long)size;
        }
    }

    public void Put(ColumnFamily cf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var cfHandle = Enter(cf);
        try
        {
            fixed (byte* k = key)
            fixed (byte* v = value)
            {
                RocksNative.rocksdb_writebatch_put_cf(_handle.Pointer, cfHandle.Pointer, k, (nuint)key.Length, v, (nuint)value.Length);
            }
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }

    public void Delete(ColumnFamily cf, ReadOnlySpan<byte> key)
    {
        var cfHandle = Enter(cf);
        try
        {
            fixed (byte* k = key)
            {
                RocksNative.rocksdb_writebatch_delete_cf(_handle.Pointer, cfHandle.Pointer, k, (nuint)key.Length);
            }
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }

    /// <summary>Deletes every key in [<paramref name="begin"/>, <paramref name="end"/>) with one range tombstone.</summary>
    public void DeleteRange(ColumnFamily cf, ReadOnlySpan<byte> begin, ReadOnlySpan<byte> end)
    {
        var cfHandle = Enter(cf);
        try
        {
            fixed (byte* b = begin)
            fixed (byte* e = end)
            {
                RocksNative.rocksdb_writebatch_delete_range_cf(_handle.Pointer, cfHandle.Pointer, b, (nuint)begin.Length, e,
                    (nuint)end.Length);
            }
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }

    /// <summary>Removes every operation and unbinds the batch from its database.</summary>
    public void Clear()
    {
        ThrowIfDisposed();
        RocksNative.rocksdb_writebatch_clear(_handle.Pointer);
        _database = null;
    }

    /// <summary>Idempotent.</summary>
    public void Dispose() => _handle.Dispose();

    internal void ThrowIfBoundToOther(RocksDatabase database)
    {
        if (_database is not null && !ReferenceEquals(_database, database))
        {
            throw new ArgumentException(
                $"the write batch holds operations for RocksDB database '{_database.Path}', not '{database.Path}'", "batch");
        }
    }

    /// <summary>A reference on the native batch for the duration of one <see cref="RocksDatabase.Write"/>.</summary>
    internal WriteBatchHandle EnterHandle()
    {
        ThrowIfDisposed();
        _handle.AddRef();
        return _handle;
    }

    private ColumnFamilyHandle Enter(ColumnFamily cf)
    {
        ArgumentNullException.ThrowIfNull(cf);
        ThrowIfDisposed();
        ThrowIfBoundToOther(cf.Database);
        // The reference keeps the native column-family handle alive while RocksDB reads its ID; it throws
        // ObjectDisposedException when the database was disposed.
        cf.Handle.AddRef();
        _database = cf.Database;
        return cf.Handle;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
}
