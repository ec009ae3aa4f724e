using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// One sparse index entry: the record with <paramref name="Offset"/> starts at <paramref name="Position"/>, and every
/// record of the segment before it has a timestamp &lt;= <paramref name="MaxTimestampBefore"/>.
/// </summary>
/// <remarks>
/// Keeping the running maximum (rather than the record's own timestamp, which producers choose and need not be
/// monotonic) makes the timestamp column sorted, so "earliest offset with timestamp &gt;= t" is a binary search for
/// the last entry whose maximum-before is still &lt; t followed by a short scan — the same idea as Kafka's time index.
/// </remarks>
internal readonly record struct IndexEntry(long Offset, long Position, long MaxTimestampBefore);

/// <summary>
/// The sparse index of one segment (<c>NNNNNNNNNNNNNNNNNNNN.index</c>): an entry every
/// <see cref="IntervalBytes"/> of records, 24 bytes each. It is an accelerator only — never fsync'd, validated at
/// open, and rebuilt from the segment whenever it is missing, short or inconsistent.
/// </summary>
internal sealed class SegmentIndex : IDisposable
{
    /// <summary>A read from an offset or timestamp scans at most this many bytes before reaching its record.</summary>
    public const int IntervalBytes = 32 * 1024;

    private const int EntrySize = 24;

    private readonly SafeFileHandle? _file;
    private readonly bool _writable;
    private IndexEntry[] _entries;
    private int _staged;            // entries written by the writer, not yet visible
    private volatile int _published; // entries readers may use (their records are durable)
    private int _persisted;         // entries already written to the index file

    private SegmentIndex(SafeFileHandle? file, bool writable, IndexEntry[] entries, int count, int persisted)
    {
        _file = file;
        _writable = writable;
        _entries = entries;
        _staged = count;
        _published = count;
        _persisted = persisted;
    }

    public int Count => _published;

    public IndexEntry Last => _entries[_published - 1];

    /// <summary>Creates the index of a new, empty segment.</summary>
    public static SegmentIndex Create(string path, long baseOffset)
    {
        var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var entries = new IndexEntry[64];
        entries[0] = new IndexEntry(baseOffset, 0, long.MinValue);
        return new SegmentIndex(file, writable: true, entries, 1, 0);
    }

    /// <summary>
    /// Loads the longest consistent prefix of an index file: the first entry is (baseOffset, 0), offsets and
    /// positions strictly increase, positions lie inside the segment. Whatever follows is dropped (and cut from the
    /// file when writable) and will be re-derived by scanning the segment from the last kept entry.
    /// </summary>
    public static SegmentIndex Load(string path, long baseOffset, long segmentLength, bool writable, out bool wasConsistent)
    {
        SafeFileHandle? file = writable
            ? File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete)
            : File.Exists(path) ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete) : null;
        long fileLength = file is null ? 0 : RandomAccess.GetLength(file);
        int stored = (int)Math.Min(fileLength / EntrySize, int.MaxValue / 2);
        var entries = new IndexEntry[Math.Max(64, stored + 1)];
        entries[0] = new IndexEntry(baseOffset, 0, long.MinValue);
        int count = 1;
        int validInFile = 0;
        if (stored > 0 && file is not null)
        {
            var bytes = new byte[stored * EntrySize];
            int read = ReadFully(file, bytes);
            stored = read / EntrySize;
            for (int i = 0; i < stored; i++)
            {
                ReadOnlySpan<byte> raw = bytes.AsSpan(i * EntrySize, EntrySize);
                var entry = new IndexEntry(
                    BinaryPrimitives.ReadInt64LittleEndian(raw),
                    BinaryPrimitives.ReadInt64LittleEndian(raw[8..]),
                    BinaryPrimitives.ReadInt64LittleEndian(raw[16..]));
                if (i == 0)
                {
                    if (entry != entries[0])
                    {
                        break;
                    }
                    validInFile = 1;
                    continue;
                }
                IndexEntry previous = entries[count - 1];
                if (entry.Offset <= previous.Offset || entry.Position <= previous.Position || entry.Position >= segmentLength
                    || entry.MaxTimestampBefore < previous.MaxTimestampBefore)
                {
                    break;
                }
                entries[count++] = entry;
                validInFile++;
            }
        }
        wasConsistent = validInFile > 0 && validInFile == stored && fileLength == (long)stored * EntrySize;
        var index = new SegmentIndex(file, writable, entries, count, validInFile);
        if (writable && !wasConsistent)
        {
            index.TruncateTo(count);
        }
        return index;
    }

    private static int ReadFully(SafeFileHandle file, byte[] bytes)
    {
        int total = 0;
        while (total < bytes.Length)
        {
            int read = RandomAccess.Read(file, bytes.AsSpan(total), total);
            if (read <= 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    /// <summary>Keeps only the first <paramref name="count"/> entries (recovery found the rest unusable).</summary>
    public void TruncateTo(int count)
    {
        count = Math.Max(count, 1);
        _staged = count;
        _published = count;
        _persisted = Math.Min(_persisted, count);
        if (_file is not null && _writable)
        {
            RandomAccess.SetLength(_file, (long)_persisted * EntrySize);
        }
    }

    /// <summary>Adds an entry that becomes visible to readers at the next <see cref="Publish"/>.</summary>
    public void Stage(IndexEntry entry)
    {
        if (_staged == _entries.Length)
        {
            // Readers read the published count before the array, so a grown copy must be in place first.
            var grown = new IndexEntry[_entries.Length * 2];
            Array.Copy(_entries, grown, _staged);
            Volatile.Write(ref _entries, grown);
        }
        _entries[_staged++] = entry;
    }

    /// <summary>Makes staged entries visible: called once the records they point to are durable.</summary>
    public void Publish() => _published = _staged;

    /// <summary>Drops staged entries whose records were never written (a failed write).</summary>
    public void DiscardStaged() => _staged = _published;

    /// <summary>Writes published entries that are not in the file yet. No fsync: the index can always be rebuilt.</summary>
    public void Persist()
    {
        int published = _published;
        if (_file is null || !_writable || _persisted >= published)
        {
            return;
        }
        int length = (published - _persisted) * EntrySize;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            for (int i = _persisted; i < published; i++)
            {
                Span<byte> raw = bytes.AsSpan((i - _persisted) * EntrySize, EntrySize);
                IndexEntry entry = _entries[i];
                BinaryPrimitives.WriteInt64LittleEndian(raw, entry.Offset);
                BinaryPrimitives.WriteInt64LittleEndian(raw[8..], entry.Position);
                BinaryPrimitives.WriteInt64LittleEndian(raw[16..], entry.MaxTimestampBefore);
            }
            RandomAccess.Write(_file, new ReadOnlySpan<byte>(bytes, 0, length), (long)_persisted * EntrySize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
        _persisted = published;
    }

    /// <summary>The last entry whose offset is &lt;= <paramref name="offset"/>.</summary>
    public IndexEntry FloorByOffset(long offset)
    {
        int count = _published;
        IndexEntry[] entries = Volatile.Read(ref _entries);
        int lo = 0, hi = count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (entries[mid].Offset <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return entries[lo];
    }

    /// <summary>The last entry before which every record is older than <paramref name="timestampMs"/>.</summary>
    public IndexEntry FloorByTimestamp(long timestampMs)
    {
        int count = _published;
        IndexEntry[] entries = Volatile.Read(ref _entries);
        int lo = 0, hi = count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >>> 1;
            if (entries[mid].MaxTimestampBefore < timestampMs)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return entries[lo];
    }

    public void Dispose() => _file?.Dispose();
}
