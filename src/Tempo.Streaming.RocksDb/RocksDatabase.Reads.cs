using System.Buffers;
using System.Runtime.InteropServices;
using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

/// <summary>A value of <see cref="RocksDatabase.MultiGetSorted"/>: key <paramref name="index"/>'s value (empty when not found).</summary>
public delegate void MultiGetValueAction<in TState>(int index, bool found, ReadOnlySpan<byte> value, TState state);

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

    /// <summary>
    /// Looks up a batch of keys with one MultiGet (RocksDB shares the index and blob-file reads among them, which point
    /// lookups each repeat) and calls <paramref name="onValue"/> for every key, in order: its index, whether it was found
    /// and the pinned value (valid only inside the call). The keys lie back to back in <paramref name="keyBytes"/>, their
    /// lengths in <paramref name="keyLengths"/>, and must be ascending in the column family's (bytewise) order.
    /// </summary>
    public void MultiGetSorted<TState>(ColumnFamily cf, ReadOnlySpan<byte> keyBytes, ReadOnlySpan<int> keyLengths, TState state,
        MultiGetValueAction<TState> onValue)
    {
        ArgumentNullException.ThrowIfNull(onValue);
        var count = keyLengths.Length;
        if (count == 0)
        {
            return;
        }

        var pointers = ArrayPool<nint>.Shared.Rent(count);
        var sizes = ArrayPool<nuint>.Shared.Rent(count);
        var values = ArrayPool<nint>.Shared.Rent(count);
        var errors = ArrayPool<nint>.Shared.Rent(count);
        var cfHandle = EnterColumnFamily(cf);
        try
        {
            Array.Clear(values, 0, count);
            Array.Clear(errors, 0, count);
            fixed (byte* keys = keyBytes)
            fixed (nint* pointerList = pointers)
            fixed (nuint* sizeList = sizes)
            fixed (nint* valueList = values)
            fixed (nint* errorList = errors)
            {
                var offset = 0;
                for (var i = 0; i < count; i++)
                {
                    pointerList[i] = (nint)(keys + offset);
                    sizeList[i] = (nuint)keyLengths[i];
                    offset += keyLengths[i];
                }
                if (offset > keyBytes.Length)
                {
                    throw new ArgumentException($"the key lengths add up to {offset} bytes, more than the {keyBytes.Length} given");
                }

                RocksNative.rocksdb_batched_multi_get_cf(cfHandle.Database.Pointer, cfHandle.Database.DefaultReadOptions, cfHandle.Pointer,
                    (nuint)count, (byte**)pointerList, sizeList, valueList, errorList, sortedInput: 1);
            }

            for (var i = 0; i < count; i++)
            {
                var error = errors[i];
                errors[i] = 0; // ThrowIfSet frees this message; the finally frees the rest
                RocksError.ThrowIfSet(error, "multi-get", cf.Name);
                if (values[i] == 0)
                {
                    onValue(i, false, default, state);
                    continue;
                }

                nuint length = 0;
                var value = RocksNative.rocksdb_pinnableslice_value(values[i], &length);
                onValue(i, true, new ReadOnlySpan<byte>(value, checked((int)length)), state);
            }
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                if (values[i] != 0) RocksNative.rocksdb_pinnableslice_destroy(values[i]);
                if (errors[i] != 0) RocksNative.rocksdb_free((void*)errors[i]);
            }
            cfHandle.DangerousRelease();
            ArrayPool<nint>.Shared.Return(pointers);
            ArrayPool<nuint>.Shared.Return(sizes);
            ArrayPool<nint>.Shared.Return(values);
            ArrayPool<nint>.Shared.Return(errors);
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
