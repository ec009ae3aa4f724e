using System.Runtime.InteropServices;
using System.Text;
using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

public sealed unsafe partial class RocksDatabase
{
    /// <summary>Flushes the memtables of every column family to SST files and waits for the flushes to finish.</summary>
    public void Flush()
    {
        ThrowIfDisposed();
        foreach (var cf in _columnFamilies.Values)
        {
            // librocksdb 7.8's C API has no rocksdb_flush_cfs; one waiting flush per column family.
            var cfHandle = EnterColumnFamily(cf);
            try
            {
                nint error = 0;
                RocksNative.rocksdb_flush_cf(cfHandle.Database.Pointer, cfHandle.Database.WaitingFlushOptions, cfHandle.Pointer, &error);
                RocksError.ThrowIfSet(error, "flush", cf.Name);
            }
            finally
            {
                cfHandle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Compacts the keys in [<paramref name="start"/>, <paramref name="limit"/>] of <paramref name="cf"/> (an empty span
    /// leaves that end open), dropping deleted and overwritten entries; blocks until done.
    /// </summary>
    public void CompactRange(ColumnFamily cf, ReadOnlySpan<byte> start, ReadOnlySpan<byte> limit)
    {
        var cfHandle = EnterColumnFamily(cf);
        try
        {
            fixed (byte* s = start)
            fixed (byte* l = limit)
            {
                // The C API reads a NULL key as the open end; say so explicitly rather than rely on how fixed pins an empty span.
                RocksNative.rocksdb_compact_range_cf(cfHandle.Database.Pointer, cfHandle.Pointer, start.IsEmpty ? null : s,
                    (nuint)start.Length, limit.IsEmpty ? null : l, (nuint)limit.Length);
            }
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }

    /// <summary>
    /// A RocksDB property of <paramref name="cf"/>, e.g. <c>rocksdb.estimate-live-data-size</c>,
    /// <c>rocksdb.estimate-num-keys</c>, <c>rocksdb.stats</c>; null when RocksDB does not know the property.
    /// </summary>
    public string? GetProperty(ColumnFamily cf, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var nameUtf8 = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, nameUtf8);
        var cfHandle = EnterColumnFamily(cf);
        try
        {
            byte* value;
            fixed (byte* n = nameUtf8)
            {
                value = RocksNative.rocksdb_property_value_cf(cfHandle.Database.Pointer, cfHandle.Pointer, n);
            }

            if (value == null)
            {
                return null;
            }

            try
            {
                return Marshal.PtrToStringUTF8((nint)value);
            }
            finally
            {
                RocksNative.rocksdb_free(value);
            }
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }
}
