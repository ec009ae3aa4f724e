namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>ULEB128 and zigzag varints as the RLE hybrid and DELTA encodings use them (Encodings.md).</summary>
internal static class Leb128
{
    /// <summary>Reads an unsigned LEB128 of at most 10 bytes at <paramref name="position"/>; corrupt or truncated → ParquetFormatException.</summary>
    public static ulong ReadUInt64(ReadOnlySpan<byte> data, ref int position, string encoding)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            if ((uint)position >= (uint)data.Length)
            {
                EncodingErrors.Truncated(encoding, "a varint runs past the end of the data");
            }

            var b = data[position++];
            if (shift == 63 && b > 1)
            {
                EncodingErrors.Corrupt(encoding, "a varint does not fit in 64 bits");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
            if (shift > 63)
            {
                EncodingErrors.Corrupt(encoding, "a varint is longer than 10 bytes");
            }
        }
    }

    /// <summary>An unsigned LEB128 that must fit in 32 bits.</summary>
    public static uint ReadUInt32(ReadOnlySpan<byte> data, ref int position, string encoding)
    {
        var value = ReadUInt64(data, ref position, encoding);
        if (value > uint.MaxValue)
        {
            EncodingErrors.Corrupt(encoding, $"a varint ({value}) exceeds 32 bits");
        }

        return (uint)value;
    }

    public static long ReadZigZag64(ReadOnlySpan<byte> data, ref int position, string encoding)
    {
        var raw = ReadUInt64(data, ref position, encoding);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }
}
