using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// PLAIN encoding (Encodings.md, "Plain (PLAIN = 0)"): booleans bit-packed LSB first, numbers little-endian at their
/// width, INT96 and FIXED_LEN_BYTE_ARRAY as their raw bytes, BYTE_ARRAY as a 4-byte little-endian length then the bytes.
/// Dictionary pages are PLAIN too.
/// </summary>
public static class PlainEncoder
{
    /// <summary>All booleans of a page in one call: the last byte is padded with zero bits.</summary>
    public static void WriteBooleans(ReadOnlySpan<bool> values, ByteBuffer output)
    {
        var destination = output.Append((values.Length + 7) >> 3);
        destination.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i])
            {
                destination[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
    }

    public static void WriteInt32s(ReadOnlySpan<int> values, ByteBuffer output)
    {
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        var destination = output.Append(values.Length * 4);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination.Slice(i * 4), values[i]);
        }
    }

    public static void WriteInt64s(ReadOnlySpan<long> values, ByteBuffer output)
    {
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        var destination = output.Append(values.Length * 8);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(i * 8), values[i]);
        }
    }

    public static void WriteFloats(ReadOnlySpan<float> values, ByteBuffer output)
    {
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        var destination = output.Append(values.Length * 4);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * 4), values[i]);
        }
    }

    public static void WriteDoubles(ReadOnlySpan<double> values, ByteBuffer output)
    {
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        var destination = output.Append(values.Length * 8);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(destination.Slice(i * 8), values[i]);
        }
    }

    /// <summary>One BYTE_ARRAY value: 4-byte little-endian length, then the bytes.</summary>
    public static void WriteByteArray(ReadOnlySpan<byte> value, ByteBuffer output)
    {
        output.WriteInt32LittleEndian(value.Length);
        output.Write(value);
    }

    /// <summary>BYTE_ARRAY values stored concatenated: value i is <c>data[offsets[i]..offsets[i+1]]</c> (offsets has count + 1 entries).</summary>
    public static void WriteByteArrays(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, ByteBuffer output)
    {
        for (var i = 0; i + 1 < offsets.Length; i++)
        {
            WriteByteArray(data[offsets[i]..offsets[i + 1]], output);
        }
    }

    /// <summary>FIXED_LEN_BYTE_ARRAY (and INT96, length 12) values stored back to back: the bytes as they are.</summary>
    public static void WriteFixedLenByteArrays(ReadOnlySpan<byte> concatenated, int typeLength, ByteBuffer output)
    {
        if (typeLength < 0 || (typeLength == 0 ? concatenated.Length != 0 : concatenated.Length % typeLength != 0))
        {
            throw new ArgumentException($"{concatenated.Length} bytes are not a whole number of {typeLength}-byte values", nameof(concatenated));
        }

        output.Write(concatenated);
    }
}
