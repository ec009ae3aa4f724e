using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>
/// One segment of a partition: <c>NNNNNNNNNNNNNNNNNNNN.log</c> (records, named by the offset of its first record,
/// zero-padded to 20 digits like Kafka's segment files) and its sparse <c>.index</c>. Readers see only bytes below
/// <see cref="End"/>, which the writer advances after fsync, so a reader never observes an unacknowledged record.
/// </summary>
internal sealed class Segment : IDisposable
{
    public const string LogExtension = ".log";
    public const string IndexExtension = ".index";

    private volatile bool _disposed;
    private long _end;
    private long _nextOffset;
    private long _maxTimestamp = long.MinValue;

    // Writer-side state for records appended but not yet durable.
    private long _lastIndexedPosition;
    private long _stagedMaxTimestamp = long.MinValue;

    private Segment(long baseOffset, string logPath, SafeFileHandle handle, SegmentIndex index)
    {
        BaseOffset = baseOffset;
        LogPath = logPath;
        Handle = handle;
        Index = index;
        _nextOffset = baseOffset;
    }

    public long BaseOffset { get; }

    public string LogPath { get; }

    public string IndexPath => IndexPathFor(LogPath);

    public SafeFileHandle Handle { get; }

    public SegmentIndex Index { get; }

    public string FileName => Path.GetFileName(LogPath);

    /// <summary>Bytes of valid, durable records.</summary>
    public long End => Volatile.Read(ref _end);

    /// <summary>Offset after the last durable record (= BaseOffset when empty).</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>Largest record timestamp (unix ms) in the segment, long.MinValue when empty.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    public bool IsDisposed => _disposed;

    public static string FileNameFor(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture) + LogExtension;

    public static string IndexPathFor(string logPath) => Path.ChangeExtension(logPath, IndexExtension);

    /// <summary>Parses a segment file name; false for anything that is not exactly 20 digits + ".log".</summary>
    public static bool TryParseBaseOffset(string fileName, out long baseOffset)
    {
        baseOffset = 0;
        return fileName.Length == 20 + LogExtension.Length
            && fileName.EndsWith(LogExtension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }

    /// <summary>Creates a new, empty active segment.</summary>
    public static Segment Create(string directory, long baseOffset)
    {
        string logPath = Path.Combine(directory, FileNameFor(baseOffset));
        // CreateNew: a file with this base offset can only exist if offsets went backwards, which must never be hidden.
        var handle = File.OpenHandle(logPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var index = SegmentIndex.Create(IndexPathFor(logPath), baseOffset);
        return new Segment(baseOffset, logPath, handle, index);
    }

    /// <summary>
    /// Opens an existing segment and validates it from the last trustworthy index entry to the end of the file,
    /// record by record. Nothing is modified here; the caller decides whether to truncate (writer) or just stop
    /// reading at the last valid record (read-only inspection).
    /// </summary>
    public static Segment Open(string logPath, long baseOffset, bool writable, out ScanResult scan, out bool indexRebuilt)
    {
        var handle = File.OpenHandle(logPath, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            var index = SegmentIndex.Load(IndexPathFor(logPath), baseOffset, fileLength, writable, out bool consistent);
            var segment = new Segment(baseOffset, logPath, handle, index);
            indexRebuilt = !consistent;
            if (!segment.LastIndexEntryPointsAtRecord(fileLength))
            {
                index.TruncateTo(1);
                indexRebuilt = true;
            }
            IndexEntry start = index.Last;
            segment._lastIndexedPosition = start.Position;
            scan = segment.ScanAndPublish(start.Position, start.Offset, start.MaxTimestampBefore, fileLength);
            return segment;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private bool LastIndexEntryPointsAtRecord(long fileLength)
    {
        IndexEntry last = Index.Last;
        if (last.Position == 0)
        {
            return true;
        }
        using var cursor = new RecordCursor(Handle, last.Position, fileLength, 64 * 1024);
        return cursor.TryNext(out RecordView record) && record.Offset == last.Offset;
    }

    /// <summary>
    /// Scans records from <paramref name="position"/> (which holds <paramref name="expectedOffset"/>) up to
    /// <paramref name="limit"/>, indexing them, and publishes what is valid. Offsets inside a segment are dense, so
    /// an unexpected offset is corruption too (for example a stale record left behind a shorter rewrite).
    /// </summary>
    private ScanResult ScanAndPublish(long position, long expectedOffset, long maxTimestamp, long limit)
    {
        using var cursor = new RecordCursor(Handle, position, limit);
        long next = expectedOffset;
        long lastIndexed = _lastIndexedPosition;
        string? reason = null;
        while (cursor.TryNext(out RecordView record))
        {
            if (record.Offset != next)
            {
                reason = $"record at position {cursor.RecordPosition} has offset {record.Offset}, expected {next}";
                break;
            }
            long recordPosition = cursor.RecordPosition;
            if (recordPosition - lastIndexed >= SegmentIndex.IntervalBytes)
            {
                Index.Stage(new IndexEntry(next, recordPosition, maxTimestamp));
                lastIndexed = recordPosition;
            }
            maxTimestamp = Math.Max(maxTimestamp, record.TimestampMs);
            next++;
        }
        long validEnd = reason is null ? cursor.Position : cursor.RecordPosition;
        CursorStop stop = reason is null ? cursor.Stop : CursorStop.Corrupt;
        reason ??= cursor.CorruptReason ?? (stop == CursorStop.Torn ? "incomplete record (torn write)" : null);

        Index.Publish();
        _lastIndexedPosition = lastIndexed;
        _stagedMaxTimestamp = maxTimestamp;
        Volatile.Write(ref _end, validEnd);
        Volatile.Write(ref _nextOffset, next);
        Volatile.Write(ref _maxTimestamp, maxTimestamp);
        return new ScanResult(validEnd, limit, stop, reason);
    }

    /// <summary>Read-only inspection: picks up records a writer appended since the last look.</summary>
    public void CatchUp()
    {
        long fileLength = RandomAccess.GetLength(Handle);
        long end = End;
        if (fileLength > end)
        {
            ScanAndPublish(end, NextOffset, MaxTimestamp, fileLength);
        }
    }

    /// <summary>Cuts the file (and index) back to the valid end found by recovery and makes that durable.</summary>
    public void TruncateTo(long validEnd)
    {
        RandomAccess.SetLength(Handle, validEnd);
        RandomAccess.FlushToDisk(Handle);
        Index.Persist();
    }

    // ---- writer side (single writer thread per partition) ----

    /// <summary>Records an appended (not yet durable) record at <paramref name="position"/>, indexing it when due.</summary>
    public void StageRecord(long offset, long position, long timestampMs)
    {
        if (position - _lastIndexedPosition >= SegmentIndex.IntervalBytes)
        {
            Index.Stage(new IndexEntry(offset, position, _stagedMaxTimestamp));
            _lastIndexedPosition = position;
        }
        if (timestampMs > _stagedMaxTimestamp)
        {
            _stagedMaxTimestamp = timestampMs;
        }
    }

    /// <summary>Makes records up to <paramref name="end"/> / <paramref name="nextOffset"/> visible once they are fsync'd.</summary>
    public void Publish(long end, long nextOffset)
    {
        // End first: whoever sees the new offsets or timestamp can also read the bytes behind them.
        Index.Publish();
        Volatile.Write(ref _end, end);
        Volatile.Write(ref _nextOffset, nextOffset);
        Volatile.Write(ref _maxTimestamp, _stagedMaxTimestamp);
    }

    /// <summary>Forgets staged state after a failed write and cuts the file back to the durable end.</summary>
    public void DiscardStaged()
    {
        Index.DiscardStaged();
        _stagedMaxTimestamp = MaxTimestamp;
        IndexEntry last = Index.Last;
        _lastIndexedPosition = last.Position;
        RandomAccess.SetLength(Handle, End);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Handle.Dispose();
        Index.Dispose();
    }
}

/// <summary>Outcome of validating a segment: where valid data ends and, if before the file end, why.</summary>
internal readonly record struct ScanResult(long ValidEnd, long FileLength, CursorStop Stop, string? Reason)
{
    public long DroppedBytes => FileLength - ValidEnd;
}
