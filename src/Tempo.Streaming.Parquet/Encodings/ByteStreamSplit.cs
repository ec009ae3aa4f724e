using System.Buffers.Binary;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// BYTE_STREAM_SPLIT (Encodings.md, "Byte Stream Split (BYTE_STREAM_SPLIT = 9)"): for values of K bytes, K streams
/// where stream j holds byte j of every value; the streams are concatenated. Used for FLOAT/DOUBLE (and INT32, INT64,
/// FIXED_LEN_BYTE_ARRAY since format 2.11) because it compresses better.
/// </summary>
public static class ByteStreamSplitEncoder
{
    /// <summary>Splits PLAIN-encoded fixed-width values (<paramref name="width"/> bytes each).</summary>
    public static void Encode(ReadOnlySpan<byte> plainValues, int width, ByteBuffer output)
    {
        if (width <= 0 || plainValues.Length % width != 0)
        {
            throw new ArgumentException($"{plainValues.Length} bytes are not a whole number of {width}-byte values", nameof(plainValues));
        }

        var count = plainValues.Length / width;
        var destination = output.Append(plainValues.Length);
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < width; j++)
            {
                destination[j * count + i] = plainValues[i * width + j];
            }
        }
    }
}

/// <summary>Decodes BYTE_STREAM_SPLIT FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY values.</summary>
public sealed class ByteStreamSplitDecoder : ValueDecoder
{
    private const string Name = "BYTE_STREAM_SPLIT";

    private ReadOnlyMemory<byte> _data;
    private PhysicalType _type;
    private int _width;
    private int _count;
    private int _next;

    protected override string EncodingName => Name;

    /// <summary>Starts decoding a page's values; the value count is the data length divided by the width.</summary>
    public void Reset(ReadOnlyMemory<byte> data, PhysicalType type, int typeLength = 0)
    {
        _width = type switch
        {
            PhysicalType.Int32 or PhysicalType.Float => 4,
            PhysicalType.Int64 or PhysicalType.Double => 8,
            PhysicalType.FixedLenByteArray when typeLength > 0 => typeLength,
            _ => throw new ParquetFormatException($"{Name} cannot hold {type} values (type length {typeLength})"),
        };

        if (data.Length % _width != 0)
        {
            EncodingErrors.Corrupt(Name, $"{data.Length} bytes are not a whole number of {_width}-byte values");
        }

        _data = data;
        _type = type;
        _count = data.Length / _width;
        _next = 0;
    }

    public override void ReadInt32s(Span<int> destination)
    {
        Expect(PhysicalType.Int32, "INT32");
        Span<byte> value = stackalloc byte[4];
        for (var i = 0; i < destination.Length; i++)
        {
            Gather(value);
            destination[i] = BinaryPrimitives.ReadInt32LittleEndian(value);
        }
    }

    public override void ReadInt64s(Span<long> destination)
    {
        Expect(PhysicalType.Int64, "INT64");
        Span<byte> value = stackalloc byte[8];
        for (var i = 0; i < destination.Length; i++)
        {
            Gather(value);
            destination[i] = BinaryPrimitives.ReadInt64LittleEndian(value);
        }
    }

    public override void ReadFloats(Span<float> destination)
    {
        Expect(PhysicalType.Float, "FLOAT");
        Span<byte> value = stackalloc byte[4];
        for (var i = 0; i < destination.Length; i++)
        {
            Gather(value);
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(value);
        }
    }

    public override void ReadDoubles(Span<double> destination)
    {
        Expect(PhysicalType.Double, "DOUBLE");
        Span<byte> value = stackalloc byte[8];
        for (var i = 0; i < destination.Length; i++)
        {
            Gather(value);
            destination[i] = BinaryPrimitives.ReadDoubleLittleEndian(value);
        }
    }

    public override void ReadByteArrays(Span<int> endOffsets, ByteBuffer data)
    {
        Expect(PhysicalType.FixedLenByteArray, "FIXED_LEN_BYTE_ARRAY");
        for (var i = 0; i < endOffsets.Length; i++)
        {
            Gather(data.Append(_width));
            endOffsets[i] = data.Length;
        }
    }

    public override void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _count - _next)
        {
            EncodingErrors.Truncated(Name, $"cannot skip {count} values, {_count - _next} remain");
        }

        _next += count;
    }

    private void Gather(Span<byte> value)
    {
        if (_next >= _count)
        {
            EncodingErrors.Truncated(Name, $"all {_count} values have been read");
        }

        var data = _data.Span;
        for (var j = 0; j < value.Length; j++)
        {
            value[j] = data[j * _count + _next];
        }

        _next++;
    }

    private void Expect(PhysicalType type, string kind)
    {
        if (_type != type)
        {
            throw new ParquetFormatException($"{Name} decoder set up for {_type} was asked for {kind} values");
        }
    }
}
