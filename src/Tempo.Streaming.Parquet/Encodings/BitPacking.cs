using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// Little-endian bit packing as Parquet uses it for the RLE hybrid's bit-packed runs and DELTA_BINARY_PACKED
/// miniblocks: values are packed from the least significant bit of the first byte upwards (Encodings.md,
/// "Bit-packed (Deprecated) (BIT_PACKED = 4)" describes the other, big-endian order, which is not used here).
/// </summary>
public static class BitPacking
{
    /// <summary>Bits needed to store <paramref name="maxValue"/> (0 for 0).</summary>
    public static int RequiredBitWidth(ulong maxValue) => 64 - BitOperations.LeadingZeroCount(maxValue);

    /// <summary>Bytes taken by <paramref name="count"/> values of <paramref name="bitWidth"/> bits.</summary>
    public static long PackedByteCount(long count, int bitWidth) => (count * bitWidth + 7) >> 3;

    /// <summary>
    /// Reads <paramref name="bitWidth"/> (0..64) bits starting at bit <paramref name="bitOffset"/>. The caller has
    /// checked that <c>bitOffset + bitWidth &lt;= data.Length * 8</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadBits(ReadOnlySpan<byte> data, long bitOffset, int bitWidth)
    {
        if (bitWidth == 0)
        {
            return 0;
        }

        var byteIndex = (int)(bitOffset >> 3);
        var shift = (int)(bitOffset & 7);
        ulong value;
        if (byteIndex + 8 <= data.Length)
        {
            value = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(byteIndex, 8)) >> shift;
            if (shift + bitWidth > 64)
            {
                value |= (ulong)data[byteIndex + 8] << (64 - shift);
            }
        }
        else
        {
            value = ReadBitsTail(data, byteIndex, shift, bitWidth);
        }

        return bitWidth == 64 ? value : value & ((1UL << bitWidth) - 1);
    }

    private static ulong ReadBitsTail(ReadOnlySpan<byte> data, int byteIndex, int shift, int bitWidth)
    {
        ulong value = 0;
        var produced = -shift;
        for (var i = byteIndex; i < data.Length && produced < bitWidth; i++)
        {
            value = produced < 0 ? value | ((ulong)data[i] >> -produced) : value | ((ulong)data[i] << produced);
            produced += 8;
        }

        return value;
    }

    /// <summary>Unpacks <c>destination.Length</c> values of <paramref name="bitWidth"/> (0..32) bits starting at bit <paramref name="bitOffset"/>.</summary>
    public static void Unpack32(ReadOnlySpan<byte> data, long bitOffset, int bitWidth, Span<uint> destination)
    {
        CheckRange(data, bitOffset, bitWidth, destination.Length, 32);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (uint)ReadBits(data, bitOffset, bitWidth);
            bitOffset += bitWidth;
        }
    }

    /// <summary>Unpacks <c>destination.Length</c> values of <paramref name="bitWidth"/> (0..64) bits starting at bit <paramref name="bitOffset"/>.</summary>
    public static void Unpack64(ReadOnlySpan<byte> data, long bitOffset, int bitWidth, Span<ulong> destination)
    {
        CheckRange(data, bitOffset, bitWidth, destination.Length, 64);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = ReadBits(data, bitOffset, bitWidth);
            bitOffset += bitWidth;
        }
    }

    /// <summary>
    /// Packs the low <paramref name="bitWidth"/> (0..64) bits of each value into <paramref name="destination"/>, which
    /// must hold <see cref="PackedByteCount"/> bytes; returns the bytes written. Higher bits of a value are ignored.
    /// </summary>
    public static int Pack64(ReadOnlySpan<ulong> values, int bitWidth, Span<byte> destination)
    {
        var writer = new BitWriter(destination);
        for (var i = 0; i < values.Length; i++)
        {
            writer.Write(values[i], bitWidth);
        }

        return writer.Flush();
    }

    /// <inheritdoc cref="Pack64"/>
    public static int Pack32(ReadOnlySpan<uint> values, int bitWidth, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitWidth, 32);
        var writer = new BitWriter(destination);
        for (var i = 0; i < values.Length; i++)
        {
            writer.Write(values[i], bitWidth);
        }

        return writer.Flush();
    }

    private static void CheckRange(ReadOnlySpan<byte> data, long bitOffset, int bitWidth, int count, int maxWidth)
    {
        if ((uint)bitWidth > (uint)maxWidth)
        {
            throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, $"bit width must be 0..{maxWidth}");
        }

        if (bitOffset < 0 || bitOffset + (long)count * bitWidth > (long)data.Length * 8)
        {
            throw new ParquetFormatException(
                $"bit-packed data is truncated: {count} values of {bitWidth} bits at bit {bitOffset} need more than the {data.Length} bytes present");
        }
    }
}

/// <summary>Appends values of any width (0..64 bits) LSB-first into a span.</summary>
internal ref struct BitWriter
{
    private readonly Span<byte> _destination;
    private ulong _accumulator;
    private int _bits;
    private int _position;

    public BitWriter(Span<byte> destination)
    {
        _destination = destination;
        _accumulator = 0;
        _bits = 0;
        _position = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ulong value, int bitWidth)
    {
        if (bitWidth == 0)
        {
            return;
        }

        if (bitWidth < 64)
        {
            value &= (1UL << bitWidth) - 1;
        }

        _accumulator |= value << _bits;
        var total = _bits + bitWidth;
        if (total < 64)
        {
            _bits = total;
            return;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(_destination.Slice(_position, 8), _accumulator);
        _position += 8;
        // the bits of value that did not fit; when _bits was 0 the whole value fitted (total == 64)
        _accumulator = _bits == 0 ? 0 : value >> (64 - _bits);
        _bits = total - 64;
    }

    /// <summary>Writes the partial last word; returns the total bytes written.</summary>
    public int Flush()
    {
        var bytes = (_bits + 7) >> 3;
        for (var i = 0; i < bytes; i++)
        {
            _destination[_position++] = (byte)(_accumulator >> (i * 8));
        }

        _accumulator = 0;
        _bits = 0;
        return _position;
    }
}
