using System.Buffers;
using System.Runtime.InteropServices;
using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

public sealed unsafe partial class RocksDatabase
{
    /// <summary>The value of <paramref name="key"/> as a new array, or null when absent (at <paramref name="snapshot"/> if given).</summary>
    public byte[]? Get(ColumnFamily cf, ReadOnlySpan<byte> key, RocksSnapshot? snapshot = null)
    {
        var copy = new CopyingConsumer();
        ReadPinned(cf, key, snapshot, ref copy);
        return copy.Value;
    }

    /// <summary>
    /// Looks <paramref name="key"/> up and, when present, calls <paramref name="onValue"/> with the value in place
    /// (RocksDB pins the block-cache or memtable memory; no copy). The span is valid only inside the callback.
    /// Pass a static lambda and the state through <paramref name="state"/> to keep the call allocation-free.
    /// </summary>
    /// <returns>Whether the key was found.</returns>
    public bool TryGet<TState>(ColumnFamily cf, ReadOnlySpan<byte> key, TState state, ReadOnlySpanAction<byte, TState> onValue,
        RocksSnapshot? snapshot = null)
    {
        ArgumentNullException.ThrowIfNull(onValue);
        var callback = new CallbackConsumer<TState>(onValue, state);
        return ReadPinned(cf, key, snapshot, ref callback);
    }

    /// <summary>
    /// Point lookup with <c>rocksdb_get_pinned_cf</c>; the consumer sees the pinned value while the column family (and so
    /// the database) and the snapshot are still referenced. Generic over a struct so each caller gets its own code, no boxing.
    /// </summary>
    private bool ReadPinned<TConsumer>(ColumnFamily cf, ReadOnlySpan<byte> key, RocksSnapshot? snapshot, ref TConsumer consumer)
        where TConsumer : struct, IPinnedValueConsumer
    {
        var cfHandle = EnterColumnFamily(cf);
        try
        {
            var snapshotHandle = EnterSnapshot(snapshot);
            try
            {
                var readOptions = snapshotHandle?.ReadOptions ?? cfHandle.Database.DefaultReadOptions;
                nint error = 0;
                nint slice;
                fixed (byte* k = key)
                {
                    slice = RocksNative.rocksdb_get_pinned_cf(cfHandle.Database.Pointer, readOptions, cfHandle.Pointer, k,
                        (nuint)key.Length, &error);
                }

                RocksError.ThrowIfSet(error, "get", cf.Name);
                if (slice == 0)
                {
                    return false;
                }

                try
                {
                    nuint length = 0;
                    var value = RocksNative.rocksdb_pinnableslice_value(slice, &length);
                    consumer.Consume(new ReadOnlySpan<byte>(value, checked((int)length)));
                    return true;
                }
                finally
                {
                    RocksNative.rocksdb_pinnableslice_destroy(slice);
                }
            }
            finally
            {
                snapshotHandle?.DangerousRelease();
            }
        }
        finally
        {
            cfHandle.DangerousRelease();
        }
    }

    private interface IPinnedValueConsumer
    {
        void Consume(ReadOnlySpan<byte> value);
    }

    private struct CopyingConsumer : IPinnedValueConsumer
    {
        public byte[]? Value;

        public void Consume(ReadOnlySpan<byte> value) => Value = value.ToArray();
    }

    private readonly struct CallbackConsumer<TState>(ReadOnlySpanAction<byte, TState> onValue, TState state) : IPinnedValueConsumer
    {
        public void Consume(ReadOnlySpan<byte> value) => onValue(value, state);
    }

    /// <summary>
    /// An iterator over <paramref name="cf"/> restricted to [<paramref name="lowerBound"/>, <paramref name="upperBound"/>)
    /// (an empty span leaves that side unbounded), reading at <paramref name="snapshot"/> or, without one, at an implicit
    /// snapshot taken now. The bounds are copied; RocksDB never yields a key outside them, in either direction, and
    /// stops scanning at the upper bound instead of reading on (cheap prefix scans: upper = prefix with its last byte + 1).
    /// Position it with a Seek before reading.
    /// </summary>
    public RocksIterator NewIterator(ColumnFamily cf, ReadOnlySpan<byte> lowerBound, ReadOnlySpan<byte> upperBound,
        RocksSnapshot? snapshot = null)
    {
        var cfHandle = EnterColumnFamily(cf);
        SnapshotHandle? snapshotHandle = null;
        nint readOptions = 0;
        byte* lower = null;
        byte* upper = null;
        try
        {
            snapshotHandle = EnterSnapshot(snapshot);
            readOptions = RocksNative.rocksdb_readoptions_create();
            if (snapshotHandle is not null)
            {
                RocksNative.rocksdb_readoptions_set_snapshot(readOptions, snapshotHandle.Pointer);
            }

            // The read options keep pointers to the bound bytes, and the iterator copies the read options: the bytes
            // must live in native memory until the iterator is destroyed (IteratorHandle frees them).
            if (!lowerBound.IsEmpty)
            {
                lower = CopyToNative(lowerBound);
                RocksNative.rocksdb_readoptions_set_iterate_lower_bound(readOptions, lower, (nuint)lowerBound.Length);
            }

            if (!upperBound.IsEmpty)
            {
                upper = CopyToNative(upperBound);
                RocksNative.rocksdb_readoptions_set_iterate_upper_bound(readOptions, upper, (nuint)upperBound.Length);
            }

            var iterator = RocksNative.rocksdb_create_iterator_cf(cfHandle.Database.Pointer, readOptions, cfHandle.Pointer);
            // From here the handle owns the iterator, the read options, the bounds and both references.
            return new RocksIterator(new IteratorHandle(iterator, readOptions, lower, upper, cfHandle, snapshotHandle));
        }
        catch
        {
            if (readOptions != 0)
            {
                RocksNative.rocksdb_readoptions_destroy(readOptions);
            }

            NativeMemory.Free(lower);
            NativeMemory.Free(upper);
            snapshotHandle?.DangerousRelease();
            cfHandle.DangerousRelease();
            throw;
        }
    }

    /// <summary>A consistent view of every column family as of now; dispose it when done.</summary>
    public RocksSnapshot CreateSnapshot()
    {
        ThrowIfDisposed();
        _handle.AddRef();
        try
        {
            var snapshot = RocksNative.rocksdb_create_snapshot(_handle.Pointer);
            return new RocksSnapshot(this, new SnapshotHandle(snapshot, _handle));
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    private static byte* CopyToNative(ReadOnlySpan<byte> bytes)
    {
        var copy = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(copy, bytes.Length));
        return copy;
    }
}
