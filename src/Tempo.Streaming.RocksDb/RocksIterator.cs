using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

/// <summary>
/// A cursor over one column family within the bounds given to <see cref="RocksDatabase.NewIterator"/>, reading one
/// consistent snapshot. Not thread-safe. Typical use:
/// <code>
/// using var it = db.NewIterator(cf, prefix, prefixUpperBound);
/// for (it.SeekToFirst(); it.Valid; it.Next()) { Use(it.Key, it.Value); }
/// it.ThrowIfFailed();
/// </code>
/// Keeps its column family, database and snapshot alive until disposed, even if they are disposed first.
/// </summary>
public sealed unsafe class RocksIterator : IDisposable
{
    private readonly IteratorHandle _handle;
    private readonly nint _iterator;
    private bool _valid;

    internal RocksIterator(IteratorHandle handle)
    {
        _handle = handle;
        _iterator = handle.Pointer;
    }

    /// <summary>Whether the iterator is positioned on an entry. False at the end, before the first seek, and after an error.</summary>
    public bool Valid
    {
        get
        {
            ThrowIfDisposed();
            return _valid;
        }
    }

    /// <summary>The current key; valid until the next move or <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Key
    {
        get
        {
            ThrowIfNotPositioned();
            nuint length = 0;
            var key = RocksNative.rocksdb_iter_key(_iterator, &length);
            return new ReadOnlySpan<byte>(key, checked((int)length));
        }
    }

    /// <summary>The current value; valid until the next move or <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Value
    {
        get
        {
            ThrowIfNotPositioned();
            nuint length = 0;
            var value = RocksNative.rocksdb_iter_value(_iterator, &length);
            return new ReadOnlySpan<byte>(value, checked((int)length));
        }
    }

    public void SeekToFirst()
    {
        ThrowIfDisposed();
        RocksNative.rocksdb_iter_seek_to_first(_iterator);
        Refresh();
    }

    public void SeekToLast()
    {
        ThrowIfDisposed();
        RocksNative.rocksdb_iter_seek_to_last(_iterator);
        Refresh();
    }

    /// <summary>Positions on the first key ≥ <paramref name="key"/> (and ≥ the lower bound).</summary>
    public void Seek(ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        fixed (byte* k = key)
        {
            RocksNative.rocksdb_iter_seek(_iterator, k, (nuint)key.Length);
        }

        Refresh();
    }

    /// <summary>Positions on the last key ≤ <paramref name="key"/> (and below the upper bound).</summary>
    public void SeekForPrev(ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        fixed (byte* k = key)
        {
            RocksNative.rocksdb_iter_seek_for_prev(_iterator, k, (nuint)key.Length);
        }

        Refresh();
    }

    public void Next()
    {
        ThrowIfNotPositioned();
        RocksNative.rocksdb_iter_next(_iterator);
        Refresh();
    }

    public void Prev()
    {
        ThrowIfNotPositioned();
        RocksNative.rocksdb_iter_prev(_iterator);
        Refresh();
    }

    /// <summary>
    /// Throws <see cref="RocksDbException"/> if iteration stopped because of an error (I/O, corruption) rather than at the
    /// end of the range. Call it once <see cref="Valid"/> turned false; a scan that skips it may mistake an error for the end.
    /// </summary>
    public void ThrowIfFailed()
    {
        ThrowIfDisposed();
        nint error = 0;
        RocksNative.rocksdb_iter_get_error(_iterator, &error);
        RocksError.ThrowIfSet(error, "iterate");
    }

    /// <summary>Destroys the native iterator and releases what it kept alive. Idempotent.</summary>
    public void Dispose()
    {
        _valid = false;
        _handle.Dispose();
    }

    // Valid() only changes when the iterator moves, so one native call per move serves every Valid/Key/Value read.
    private void Refresh() => _valid = RocksNative.rocksdb_iter_valid(_iterator) != 0;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_handle.IsClosed, this);

    private void ThrowIfNotPositioned()
    {
        ThrowIfDisposed();
        if (!_valid)
        {
            throw new InvalidOperationException("the RocksDB iterator is not positioned on an entry (Valid is false); seek first");
        }
    }
}
