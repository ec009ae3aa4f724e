using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>Why a <see cref="RecordCursor"/> stopped.</summary>
internal enum CursorStop
{
    None,

    /// <summary>Every byte up to the end bound was a valid record.</summary>
    End,

    /// <summary>The last record is cut short by the end bound: a write that did not complete (or is still in progress).</summary>
    Torn,

    /// <summary>The bytes at <see cref="RecordCursor.Position"/> are not a valid record.</summary>
    Corrupt,
}

/// <summary>
/// Walks the records of one segment file between two positions with positional reads through a pooled buffer, so
/// recovery, reads and timestamp lookups share one validated parser and never load a whole segment.
/// </summary>
internal sealed class RecordCursor : IDisposable
{
    private const int DefaultChunkSize = 1024 * 1024;

    private readonly SafeFileHandle _handle;
    private readonly long _end;
    private byte[] _buffer;
    private long _bufferFilePosition; // file position of _buffer[0]
    private int _bufferLength;
    private int _consumed;            // bytes of _buffer already returned as records

    public RecordCursor(SafeFileHandle handle, long position, long end, int chunkSize = DefaultChunkSize)
    {
        _handle = handle;
        _end = end;
        _bufferFilePosition = position;
        long span = Math.Max(end - position, RecordFormat.LengthFieldSize);
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(chunkSize, span));
    }

    /// <summary>File position just after the last record returned (= start of the next one).</summary>
    public long Position => _bufferFilePosition + _consumed;

    /// <summary>File position of the record most recently returned by <see cref="TryNext"/>.</summary>
    public long RecordPosition { get; private set; }

    public CursorStop Stop { get; private set; }

    /// <summary>What was wrong when <see cref="Stop"/> is <see cref="CursorStop.Corrupt"/>.</summary>
    public string? CorruptReason { get; private set; }

    /// <summary>The current record's bytes (valid until the next call).</summary>
    public ReadOnlySpan<byte> Record => _buffer.AsSpan(_consumed - _current.TotalSize, _current.TotalSize);

    private RecordView _current;

    public bool TryNext(out RecordView record)
    {
        record = default;
        if (Stop != CursorStop.None)
        {
            return false;
        }
        long position = Position;
        if (position >= _end)
        {
            Stop = CursorStop.End;
            return false;
        }
        if (_end - position < RecordFormat.LengthFieldSize)
        {
            Stop = CursorStop.Torn;
            return false;
        }
        if (!Ensure(RecordFormat.LengthFieldSize))
        {
            return false;
        }
        int total = RecordFormat.ReadTotalSize(_buffer.AsSpan(_consumed));
        if (total < 0)
        {
            return Corrupt("length field is out of range");
        }
        if (position + total > _end)
        {
            Stop = CursorStop.Torn;
            return false;
        }
        if (!Ensure(total))
        {
            return false;
        }
        string? reason = RecordFormat.TryDecode(_buffer.AsSpan(_consumed, total), out record);
        if (reason is not null)
        {
            return Corrupt(reason);
        }
        RecordPosition = position;
        _consumed += total;
        _current = record;
        return true;
    }

    private bool Corrupt(string reason)
    {
        Stop = CursorStop.Corrupt;
        CorruptReason = reason;
        return false;
    }

    /// <summary>Makes sure <paramref name="count"/> bytes from the current position are in the buffer.</summary>
    private bool Ensure(int count)
    {
        if (_bufferLength - _consumed >= count)
        {
            return true;
        }
        int remaining = _bufferLength - _consumed;
        if (count > _buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(count);
            _buffer.AsSpan(_consumed, remaining).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else if (remaining > 0)
        {
            _buffer.AsSpan(_consumed, remaining).CopyTo(_buffer);
        }
        _bufferFilePosition += _consumed;
        _consumed = 0;
        _bufferLength = remaining;
        while (_bufferLength < count)
        {
            long filePosition = _bufferFilePosition + _bufferLength;
            int want = (int)Math.Min(_buffer.Length - _bufferLength, _end - filePosition);
            int read = want <= 0 ? 0 : RandomAccess.Read(_handle, _buffer.AsSpan(_bufferLength, want), filePosition);
            if (read <= 0)
            {
                // The file is shorter than the bound we were given: treat like a write that has not landed.
                Stop = CursorStop.Torn;
                return false;
            }
            _bufferLength += read;
        }
        return true;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
