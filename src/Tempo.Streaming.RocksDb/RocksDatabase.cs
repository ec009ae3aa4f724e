using System.Runtime.InteropServices;
using System.Text;
using Tempo.Streaming.RocksDb.Native;

namespace Tempo.Streaming.RocksDb;

// RocksDB binding: threading and lifetime rules
// ---------------------------------------------
// * RocksDatabase is thread-safe: Get/TryGet/Put/Delete/Write/NewIterator/CreateSnapshot/Flush/CompactRange/GetProperty
//   may be called from any number of threads at once (RocksDB's DB object is internally synchronised).
// * RocksSnapshot is thread-safe to read through (it is an immutable sequence number).
// * RocksWriteBatch and RocksIterator are NOT thread-safe: use each from one thread at a time (RocksDB's WriteBatch and
//   Iterator carry no locks). A batch is atomic once written: RocksDatabase.Write commits all of it or none of it,
//   across column families, and readers see it whole.
// * Lifetime: every native object is a SafeHandle, and dependants hold a reference on what they depend on
//   (iterator -> column family -> database, snapshot -> database). RocksDatabase.Dispose() is idempotent and returns
//   at once; the native rocksdb_close runs when the last open iterator or snapshot is disposed, so disposing the database
//   under a running iterator is safe. Any call on the database made after Dispose throws ObjectDisposedException.
// * Spans handed out (RocksIterator.Key/Value, the TryGet callback's value) point into RocksDB memory and are valid only
//   until the iterator moves / the callback returns: copy what must outlive that.

/// <summary>An open RocksDB database with named column families, over Debian's <c>librocksdb.so.7.8</c> C API.</summary>
public sealed unsafe partial class RocksDatabase : IDisposable
{
    /// <summary>RocksDB's always-present column family (<c>kDefaultColumnFamilyName</c>).</summary>
    public const string DefaultColumnFamilyName = "default";

    private readonly DatabaseHandle _handle;
    private readonly Dictionary<string, ColumnFamily> _columnFamilies;
    private int _disposed;

    private RocksDatabase(string path, DatabaseHandle handle, string[] names, nint[] cfPointers)
    {
        Path = path;
        _handle = handle;
        _columnFamilies = new Dictionary<string, ColumnFamily>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            _columnFamilies.Add(names[i], new ColumnFamily(names[i], this, new ColumnFamilyHandle(cfPointers[i], handle)));
        }
    }

    /// <summary>The full path of the database directory.</summary>
    public string Path { get; }

    /// <summary>Names of every open column family (those asked for, those already on disk, and "default").</summary>
    public IReadOnlyCollection<string> ColumnFamilyNames => _columnFamilies.Keys;

    /// <summary>
    /// Opens (creating when <see cref="RocksDbOptions.CreateIfMissing"/>) the database at <paramref name="path"/> with the
    /// given column families; missing ones are created, and column families already on disk but not listed are opened too
    /// (RocksDB refuses to open a database without all of them). "default" always exists.
    /// </summary>
    /// <exception cref="RocksDbException">RocksDB refused: lock held by another process or handle, not a directory, corruption ...</exception>
    public static RocksDatabase Open(string path, RocksDbOptions options, IReadOnlyList<string> columnFamilies)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(columnFamilies);
        options.Validate();
        for (var i = 0; i < columnFamilies.Count; i++)
        {
            if (string.IsNullOrEmpty(columnFamilies[i]))
            {
                throw new ArgumentException($"column family name #{i} is null or empty", nameof(columnFamilies));
            }
        }

        var fullPath = System.IO.Path.GetFullPath(path);
        if (options.CreateIfMissing && !File.Exists(fullPath))
        {
            // RocksDB creates only the last path component; create parents too. A path naming a file is left for
            // RocksDB to reject with its own message.
            Directory.CreateDirectory(fullPath);
        }

        using var nativeOptions = new NativeOpenOptions(options);
        var names = new List<string> { DefaultColumnFamilyName };
        AddMissing(names, columnFamilies);
        if (File.Exists(System.IO.Path.Combine(fullPath, "CURRENT")))
        {
            AddMissing(names, ListColumnFamilies(nativeOptions.Pointer, fullPath));
        }

        var nameArray = names.ToArray();
        var cfPointers = OpenNative(nativeOptions, fullPath, nameArray, out var db);
        return new RocksDatabase(fullPath, new DatabaseHandle(db), nameArray, cfPointers);
    }

    /// <summary>The open column family <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such column family was opened.</exception>
    public ColumnFamily GetColumnFamily(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfDisposed();
        if (_columnFamilies.TryGetValue(name, out var cf))
        {
            return cf;
        }

        throw new KeyNotFoundException(
            $"column family '{name}' is not open in RocksDB database '{Path}' (open: {string.Join(", ", _columnFamilies.Keys)}); "
            + "list it in RocksDatabase.Open");
    }

    /// <summary>
    /// Idempotent. Later calls throw <see cref="ObjectDisposedException"/>; the native database closes once every
    /// iterator and snapshot created from it is disposed too.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var cf in _columnFamilies.Values)
        {
            cf.Handle.Dispose();
        }

        _handle.Dispose();
    }

    private static void AddMissing(List<string> names, IReadOnlyList<string> more)
    {
        for (var i = 0; i < more.Count; i++)
        {
            if (!names.Contains(more[i], StringComparer.Ordinal))
            {
                names.Add(more[i]);
            }
        }
    }

    private static string[] ListColumnFamilies(nint options, string path)
    {
        var pathUtf8 = ToNullTerminatedUtf8(path);
        nuint count = 0;
        nint error = 0;
        byte** list;
        fixed (byte* p = pathUtf8)
        {
            list = RocksNative.rocksdb_list_column_families(options, p, &count, &error);
        }

        RocksError.ThrowIfSet(error, $"list column families of '{path}'");
        try
        {
            var result = new string[(int)count];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = Marshal.PtrToStringUTF8((nint)list[i])!;
            }

            return result;
        }
        finally
        {
            RocksNative.rocksdb_list_column_families_destroy(list, count);
        }
    }

    private static nint[] OpenNative(NativeOpenOptions options, string path, string[] names, out nint db)
    {
        // All names in one buffer, each NUL-terminated; the array of char* points into it.
        var offsets = new int[names.Length];
        var buffer = new List<byte>();
        for (var i = 0; i < names.Length; i++)
        {
            offsets[i] = buffer.Count;
            buffer.AddRange(ToNullTerminatedUtf8(names[i]));
        }

        var nameBytes = buffer.ToArray();
        var pathUtf8 = ToNullTerminatedUtf8(path);
        var cfOptions = new nint[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            cfOptions[i] = options.ForFamily(names[i]);
        }

        var cfPointers = new nint[names.Length];
        var namePointers = new nint[names.Length];
        nint error = 0;
        fixed (byte* namesBase = nameBytes)
        fixed (byte* p = pathUtf8)
        fixed (nint* namePtrs = namePointers)
        fixed (nint* optionPtrs = cfOptions)
        fixed (nint* handlesOut = cfPointers)
        {
            for (var i = 0; i < names.Length; i++)
            {
                namePtrs[i] = (nint)(namesBase + offsets[i]);
            }

            db = RocksNative.rocksdb_open_column_families(options.Pointer, p, names.Length, (byte**)namePtrs, optionPtrs, handlesOut, &error);
        }

        RocksError.ThrowIfSet(error, $"open '{path}'");
        return cfPointers;
    }

    private static byte[] ToNullTerminatedUtf8(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>
    /// Validates <paramref name="cf"/> and takes a reference on its handle (which keeps the database open) for one call.
    /// Callers release it with <see cref="SafeHandle.DangerousRelease"/> in a finally block.
    /// </summary>
    private ColumnFamilyHandle EnterColumnFamily(ColumnFamily cf)
    {
        ArgumentNullException.ThrowIfNull(cf);
        ThrowIfDisposed();
        if (!ReferenceEquals(cf.Database, this))
        {
            throw new ArgumentException($"column family '{cf.Name}' belongs to RocksDB database '{cf.Database.Path}', not '{Path}'",
                nameof(cf));
        }

        // Throws ObjectDisposedException if Dispose won the race after the check above.
        cf.Handle.AddRef();
        return cf.Handle;
    }

    /// <summary>Takes a reference on <paramref name="snapshot"/> for one call, or returns null for "no snapshot".</summary>
    private SnapshotHandle? EnterSnapshot(RocksSnapshot? snapshot)
    {
        if (snapshot is null)
        {
            return null;
        }

        if (!ReferenceEquals(snapshot.Database, this))
        {
            throw new ArgumentException($"the snapshot belongs to RocksDB database '{snapshot.Database.Path}', not '{Path}'",
                nameof(snapshot));
        }

        snapshot.Handle.AddRef();
        return snapshot.Handle;
    }
}
