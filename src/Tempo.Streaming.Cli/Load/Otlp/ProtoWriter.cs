using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Cli.Load.Otlp;

/// <summary>
/// A minimal protobuf wire-format writer over a growable byte array, for the load generator's hot path.
/// It writes canonical encoding (minimal varints, fields in the order the caller writes them), so the bytes are
/// identical to what Google.Protobuf produces for the same message when the caller writes fields in number order.
/// Callers reserve room with <see cref="Ensure"/> once per span and then use the unchecked writers.
/// </summary>
public sealed class ProtoWriter
{
    private byte[] _buffer;
    private int _position;

    public ProtoWriter(int initialCapacity = 1 << 20)
    {
        _buffer = new byte[initialCapacity];
    }

    public int Position => _position;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _position);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _position);

    public void Reset() => _position = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int bytes)
    {
        if (_buffer.Length - _position < bytes)
        {
            Grow(bytes);
        }
    }

    private void Grow(int bytes)
    {
        var size = Math.Max(_buffer.Length * 2, _position + bytes);
        Array.Resize(ref _buffer, size);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value) => _buffer[_position++] = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

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

    /// <summary>Writes a tag byte and a length-delimited payload (tag must fit one byte, i.e. field number below 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLengthDelimited(byte tag, ReadOnlySpan<byte> payload)
    {
        _buffer[_position++] = tag;
        WriteVarint((uint)payload.Length);
        WriteBytes(payload);
    }

    /// <summary>
    /// Starts a length-delimited field whose length is not yet known: writes the tag and reserves
    /// <paramref name="reservedLengthBytes"/> for the length varint. <see cref="EndLengthDelimited"/> fills it in
    /// and moves the payload when the real length needs a different number of bytes (rare when the reserve fits
    /// the usual size), keeping the encoding canonical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BeginLengthDelimited(byte tag, int reservedLengthBytes)
    {
        _buffer[_position++] = tag;
        var lengthAt = _position;
        _position += reservedLengthBytes;
        return lengthAt | (reservedLengthBytes << 28);
    }

    public void EndLengthDelimited(int marker)
    {
        var lengthAt = marker & 0x0FFFFFFF;
        var reserved = marker >>> 28;
        var payloadStart = lengthAt + reserved;
        var length = _position - payloadStart;
        var needed = VarintSize((uint)length);
        if (needed != reserved)
        {
            Ensure(needed - reserved);
            System.Buffer.BlockCopy(_buffer, payloadStart, _buffer, lengthAt + needed, length);
            _position += needed - reserved;
        }
        var value = (uint)length;
        var at = lengthAt;
        while (value >= 0x80)
        {
            _buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[at] = (byte)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintSize(ulong value)
    {
        // 1 + floor(log2(v))/7, with v|1 so zero counts as one byte.
        return (int)((((uint)(63 - System.Numerics.BitOperations.LeadingZeroCount(value | 1))) * 9 + 73) >> 6);
    }
}
