using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Core.Wire;

/// <summary>
/// Writes protobuf into a growing buffer rented from <see cref="ArrayPool{T}.Shared"/>, for encoders that cannot size
/// their output beforehand: the load generator (requests assembled from pre-encoded fragments) and the OTLP/JSON
/// transcoder (messages whose length is known only at their end). Encoders that can measure first use
/// <see cref="ProtoSpanWriter"/>.
/// <list type="bullet">
/// <item>Two kinds of write. Hot paths reserve room once with <see cref="Ensure"/> (e.g. once per span, for the largest
/// span) and then use the plain writes (<see cref="WriteByte"/>, <see cref="WriteBytes"/>, <see cref="WriteVarint"/>,
/// <see cref="WriteFixed32"/>, <see cref="WriteFixed64"/>), which do not check for room again (overrunning throws, it
/// never corrupts). The <c>*Field</c> writers and <see cref="BeginLengthDelimited"/>/<see cref="EndLengthDelimited"/>
/// reserve their own room.</item>
/// <item>A nested message's length is unknown until its end: <see cref="BeginLengthDelimited"/> leaves a guessed number
/// of bytes for it, <see cref="EndLengthDelimited"/> writes the minimal varint and moves the body by the difference when
/// the guess was wrong (a memmove of one message, rare when the guess fits the usual size).</item>
/// </list>
/// Output is canonical (minimal varints, fields in the order they are written), so it is byte-identical to
/// Google.Protobuf's for the same fields in field-number order. Not thread-safe. The buffer goes back to the pool on
/// <see cref="Dispose"/>, or is handed over by <see cref="Detach"/>.
/// </summary>
public sealed class ProtoBufferWriter : IDisposable
{
    private const int MinimumCapacity = 256;

    private byte[] _buffer;
    private int _position;

    /// <param name="initialCapacity">Bytes to rent now; 0 rents on the first write.</param>
    public ProtoBufferWriter(int initialCapacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = initialCapacity == 0 ? [] : ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    public int Position => _position;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _position);

    /// <summary>Starts over, keeping the buffer.</summary>
    public void Reset() => _position = 0;

    /// <summary>
    /// Hands the buffer over: the bytes written are its first <paramref name="length"/>, and the caller must return it
    /// to <see cref="ArrayPool{T}.Shared"/>. The writer starts over with no buffer (the next write rents one).
    /// </summary>
    public byte[] Detach(out int length)
    {
        var buffer = _buffer;
        length = _position;
        _buffer = [];
        _position = 0;
        return buffer;
    }

    /// <summary>Returns the buffer to the pool. The writer stays usable: the next write rents a new one.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _position = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Makes room for <paramref name="bytes"/> more bytes of plain writes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int bytes)
    {
        if (_buffer.Length - _position < bytes)
        {
            Grow(bytes);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value) => _buffer[_position++] = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    /// <summary>A minimal varint (also a tag: <see cref="WireTag.Make"/>); at most <see cref="Varint.MaxLength"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVarint(ulong value)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteFixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_position, 8), value);
        _position += 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteFixed32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position, 4), value);
        _position += 4;
    }

    /// <summary>Tag and varint value (int32/64, uint32/64, bool and enum fields).</summary>
    public void WriteVarintField(uint tag, ulong value)
    {
        Ensure(5 + Varint.MaxLength);
        WriteVarint(tag);
        WriteVarint(value);
    }

    public void WriteFixed64Field(uint tag, ulong value)
    {
        Ensure(5 + 8);
        WriteVarint(tag);
        WriteFixed64(value);
    }

    public void WriteFixed32Field(uint tag, uint value)
    {
        Ensure(5 + 4);
        WriteVarint(tag);
        WriteFixed32(value);
    }

    /// <summary>Tag, length and a copy of <paramref name="value"/> (string, bytes, or an already-encoded message).</summary>
    public void WriteBytesField(uint tag, ReadOnlySpan<byte> value)
    {
        Ensure(10 + value.Length);
        WriteVarint(tag);
        WriteVarint((uint)value.Length);
        WriteBytes(value);
    }

    /// <summary>
    /// Tag and length of a field of exactly <paramref name="length"/> bytes, returning those bytes for the caller to fill
    /// in (e.g. hex IDs decoded straight into the output).
    /// </summary>
    public Span<byte> ReserveBytesField(uint tag, int length)
    {
        Ensure(10 + length);
        WriteVarint(tag);
        WriteVarint((uint)length);
        var span = _buffer.AsSpan(_position, length);
        _position += length;
        return span;
    }

    /// <summary>
    /// Starts a length-delimited field whose length is not known yet: writes the tag and leaves
    /// <paramref name="reservedLengthBytes"/> (1 to 5) for the length, which <see cref="EndLengthDelimited"/> fills in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PendingLength BeginLengthDelimited(uint tag, int reservedLengthBytes)
    {
        Ensure(5 + reservedLengthBytes);
        WriteVarint(tag);
        var field = new PendingLength(_position, reservedLengthBytes);
        _position += reservedLengthBytes;
        return field;
    }

    /// <summary>Writes the minimal length of everything written since <paramref name="field"/> began, moving it if needed.</summary>
    public void EndLengthDelimited(PendingLength field)
    {
        var bodyStart = field.BodyStart;
        var length = _position - bodyStart;
        var shift = Varint.Size((uint)length) - field.Reserved;
        if (shift != 0)
        {
            if (shift > 0)
            {
                Ensure(shift);
            }

            // Span copies are memmoves, so the overlapping move is safe in either direction.
            _buffer.AsSpan(bodyStart, length).CopyTo(_buffer.AsSpan(bodyStart + shift));
            _position += shift;
        }

        Varint.Write(_buffer.AsSpan(field.LengthAt), (uint)length);
    }

    /// <summary>The bytes written from <paramref name="start"/> on, for an encoder that rewrites its own output in place.</summary>
    public Span<byte> GetWrittenSpan(int start) => _buffer.AsSpan(start, _position - start);

    /// <summary>Drops everything written after <paramref name="position"/>.</summary>
    public void Truncate(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, _position);
        _position = position;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int bytes)
    {
        var needed = (long)_position + bytes;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"protobuf output of {needed} bytes would exceed the largest array");
        }

        var size = (int)Math.Min(Array.MaxLength, Math.Max(Math.Max(needed, 2L * _buffer.Length), MinimumCapacity));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }
}
