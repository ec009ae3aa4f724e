using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Receivers.Otlp.Json;

/// <summary>
/// Writes protobuf wire format in one forward pass while the JSON is read, producing exactly the bytes
/// Google.Protobuf's <c>WriteTo</c> would write for the same message:
/// <list type="bullet">
/// <item>A nested message's length is unknown until its end, so a guess of <c>reserve</c> bytes is left before its
/// body and the body is moved by the difference once the minimal varint length is known (usually 0 bytes; a move is
/// a memmove of one message).</item>
/// <item>JSON object members come in any order, generated protobuf code writes fields in field-number order: every
/// field written into an open message is recorded as a segment, and a message whose fields arrived out of order
/// (or with a field given twice, where the last value wins) has its body rewritten in field order at its end.</item>
/// </list>
/// One instance per thread, reused between requests; the output array is handed to a <see cref="ProtobufPayload"/>.
/// </summary>
internal sealed class ProtoWireWriter
{
    private byte[] _buffer = [];
    private int _position;
    private Segment[] _segments = new Segment[64];
    private int _segmentCount;

    public void Start(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        _position = 0;
        _segmentCount = 0;
    }

    /// <summary>Hands the written bytes over; the writer holds no buffer until the next <see cref="Start"/>.</summary>
    public ProtobufPayload Detach()
    {
        var payload = new ProtobufPayload(_buffer, _position);
        _buffer = [];
        _position = 0;
        return payload;
    }

    /// <summary>Returns the buffer after a failed transcode.</summary>
    public void Abandon()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
        _position = 0;
        _segmentCount = 0;
    }

    /// <summary>The top-level message: no tag, no length.</summary>
    public MessageFrame BeginRoot() => new() { LengthSlot = -1, BodyStart = _position, SegmentBase = _segmentCount };

    /// <summary>Starts an embedded message field: tag, then <paramref name="reserve"/> bytes for its length.</summary>
    public MessageFrame BeginMessage(uint tag, int reserve)
    {
        Ensure(5 + reserve);
        WriteVarintUnchecked(tag);
        var frame = new MessageFrame { LengthSlot = _position, Reserved = reserve, SegmentBase = _segmentCount };
        _position += reserve;
        frame.BodyStart = _position;
        return frame;
    }

    /// <summary>Puts the message's fields in number order if needed, then writes its minimal length.</summary>
    public void EndMessage(ref MessageFrame frame)
    {
        if (frame.NeedsRewrite)
        {
            RewriteInFieldOrder(ref frame);
        }

        _segmentCount = frame.SegmentBase;
        if (frame.LengthSlot < 0)
        {
            return;
        }

        var length = _position - frame.BodyStart;
        var size = VarintSize((uint)length);
        if (size != frame.Reserved)
        {
            var shift = size - frame.Reserved;
            if (shift > 0)
            {
                Ensure(shift);
            }

            _buffer.AsSpan(frame.BodyStart, length).CopyTo(_buffer.AsSpan(frame.BodyStart + shift));
            _position += shift;
        }

        var slot = frame.LengthSlot;
        var value = (uint)length;
        while (value >= 0x80)
        {
            _buffer[slot++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[slot] = (byte)value;
    }

    /// <summary>
    /// Called before a field's value is written into <paramref name="frame"/>. A field given again (or set to null)
    /// replaces what was written for it unless <paramref name="appends"/> (a repeated field's second array adds to the
    /// first, as in Google.Protobuf's JsonParser). Returns the start position for <see cref="EndField"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BeginField(ref MessageFrame frame, int field, bool appends)
    {
        var bit = 1u << field;
        if ((frame.Seen & bit) != 0)
        {
            if (!appends)
            {
                DropField(ref frame, field);
            }
        }
        else
        {
            frame.Seen |= bit;
        }

        if (field < frame.LastField)
        {
            frame.NeedsRewrite = true;
        }
        else
        {
            frame.LastField = field;
        }

        return _position;
    }

    /// <summary>Records the bytes written since <paramref name="start"/> as field <paramref name="field"/> of the frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndField(ref MessageFrame frame, int field, int start)
    {
        if (_position == start)
        {
            return;
        }

        if (_segmentCount == _segments.Length)
        {
            Array.Resize(ref _segments, _segments.Length * 2);
        }

        _segments[_segmentCount++] = new Segment(field, start, _position);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int bytes)
    {
        if (_buffer.Length - _position < bytes)
        {
            Grow(bytes);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarintUnchecked(ulong value)
    {
        var buffer = _buffer;
        var position = _position;
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[position++] = (byte)value;
        _position = position;
    }

    /// <summary>Tag and varint value (uint32, int64, enum, bool fields).</summary>
    public void WriteVarintField(uint tag, ulong value)
    {
        Ensure(15);
        WriteVarintUnchecked(tag);
        WriteVarintUnchecked(value);
    }

    public void WriteFixed64Field(uint tag, ulong value)
    {
        Ensure(13);
        WriteVarintUnchecked(tag);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_position), value);
        _position += 8;
    }

    public void WriteFixed32Field(uint tag, uint value)
    {
        Ensure(9);
        WriteVarintUnchecked(tag);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    /// <summary>Tag and length-delimited bytes copied from <paramref name="value"/>.</summary>
    public void WriteBytesField(uint tag, ReadOnlySpan<byte> value)
    {
        Ensure(10 + value.Length);
        WriteVarintUnchecked(tag);
        WriteVarintUnchecked((uint)value.Length);
        value.CopyTo(_buffer.AsSpan(_position));
        _position += value.Length;
    }

    /// <summary>
    /// Tag and length of a field of exactly <paramref name="length"/> bytes, returning the span to fill in (hex IDs
    /// are decoded straight into the output).
    /// </summary>
    public Span<byte> WriteLengthDelimitedHeader(uint tag, int length)
    {
        Ensure(10 + length);
        WriteVarintUnchecked(tag);
        WriteVarintUnchecked((uint)length);
        var span = _buffer.AsSpan(_position, length);
        _position += length;
        return span;
    }

    public static uint Tag(int field, int wireType) => (uint)((field << 3) | wireType);

    private static int VarintSize(uint value) => value switch
    {
        < 1u << 7 => 1,
        < 1u << 14 => 2,
        < 1u << 21 => 3,
        < 1u << 28 => 4,
        _ => 5,
    };

    private void DropField(ref MessageFrame frame, int field)
    {
        for (var i = frame.SegmentBase; i < _segmentCount; i++)
        {
            if (_segments[i].Field == field)
            {
                _segments[i].Field = Segment.Dropped;
                frame.NeedsRewrite = true;
            }
        }
    }

    /// <summary>Stable-sorts the frame's segments by field number (repeated fields keep their element order), drops
    /// replaced ones, and rewrites the body in that order from a copy.</summary>
    private void RewriteInFieldOrder(ref MessageFrame frame)
    {
        var segments = _segments.AsSpan(frame.SegmentBase, _segmentCount - frame.SegmentBase);
        for (var i = 1; i < segments.Length; i++)
        {
            var current = segments[i];
            var j = i - 1;
            while (j >= 0 && segments[j].Field > current.Field)
            {
                segments[j + 1] = segments[j];
                j--;
            }

            segments[j + 1] = current;
        }

        var bodyLength = _position - frame.BodyStart;
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(bodyLength, 1));
        try
        {
            _buffer.AsSpan(frame.BodyStart, bodyLength).CopyTo(copy);
            var write = frame.BodyStart;
            foreach (var segment in segments)
            {
                if (segment.Field == Segment.Dropped)
                {
                    continue;
                }

                var length = segment.End - segment.Start;
                copy.AsSpan(segment.Start - frame.BodyStart, length).CopyTo(_buffer.AsSpan(write));
                write += length;
            }

            _position = write;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private void Grow(int bytes)
    {
        var size = (int)Math.Min(Array.MaxLength, Math.Max((long)_position + bytes, 2L * _buffer.Length));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }

    private struct Segment(int field, int start, int end)
    {
        // Sorts first, so dropped segments gather at the front and are skipped.
        public const int Dropped = -1;

        public int Field = field;
        public readonly int Start = start;
        public readonly int End = end;
    }
}

/// <summary>An open message: where its length goes, where its body starts, and what is known about its fields.</summary>
internal struct MessageFrame
{
    public int LengthSlot;
    public int Reserved;
    public int BodyStart;
    public int SegmentBase;
    public int LastField;
    public uint Seen;
    public bool NeedsRewrite;
    public bool OneofSet;
}
