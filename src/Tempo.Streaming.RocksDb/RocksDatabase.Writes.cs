using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

public sealed unsafe partial class RocksDatabase
{
    /// <summary>
    /// Writes one key. With <paramref name="sync"/> false the write is in the WAL (in the OS page cache) when this returns:
    /// it survives a process crash, not a machine crash. With true the WAL is fsync'ed first.
    /// </summary>
    public void Put(ColumnFamily cf, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync = false)
    {
        var cfHandle = EnterColumnFamily(cf);
        try
        {
            var db = cfHandle.Database;
            nint error = 0;
            fixed (byte* k = key)
            fixed (byte* v = value)
            {
                RocksNative.rocksdb_put_cf(db.Pointer, sync ? db.SyncWriteOptions : db.AsyncWriteOptions, cfHandle.Pointer, k,
                    (nuint)key.Length, v, (nuint)value.Length, &error);
            }

            RocksError.ThrowIfSet(error, "put", cf.Name);
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }

    /// <summary>Deletes one key (a tombstone; absent keys are not an error). Durability as for <see cref="Put"/>.</summary>
    public void Delete(ColumnFamily cf, ReadOnlySpan<byte> key, bool sync = false)
    {
        var cfHandle = EnterColumnFamily(cf);
        try
        {
            var db = cfHandle.Database;
            nint error = 0;
            fixed (byte* k = key)
            {
                RocksNative.rocksdb_delete_cf(db.Pointer, sync ? db.SyncWriteOptions : db.AsyncWriteOptions, cfHandle.Pointer, k,
                    (nuint)key.Length, &error);
            }

            RocksError.ThrowIfSet(error, "delete", cf.Name);
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }

    /// <summary>
    /// Commits every operation of <paramref name="batch"/> atomically, across column families: after a crash either all
    /// of them are recovered from the WAL or none, and no reader ever sees part of the batch. Durability as for
    /// <see cref="Put"/>. The batch is left unchanged (call <see cref="RocksWriteBatch.Clear"/> to reuse it).
    /// </summary>
    public void Write(RocksWriteBatch batch, bool sync = false) =>
        Write(batch, sync ? _handle.SyncWriteOptions : _handle.AsyncWriteOptions);

    /// <summary>
    /// Commits <paramref name="batch"/> atomically for readers but without writing it to the WAL: it is durable only once
    /// its column families' memtables are flushed (<see cref="Flush"/>, a full memtable, or closing the database), and a
    /// crash before that loses it. For data the caller can rebuild from elsewhere, where the WAL would only write it twice.
    /// </summary>
    public void WriteWithoutWal(RocksWriteBatch batch) => Write(batch, _handle.UnloggedWriteOptions);

    private void Write(RocksWriteBatch batch, nint writeOptions)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfDisposed();
        batch.ThrowIfBoundToOther(this);
        _handle.AddRef();
        try
        {
            var batchHandle = batch.EnterHandle();
            try
            {
                nint error = 0;
                RocksNative.rocksdb_write(_handle.Pointer, writeOptions, batchHandle.Pointer, &error);
                RocksError.ThrowIfSet(error, "write batch");
            }
            finally
            {
                batchHandle.DangerousRelease();
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }
}
