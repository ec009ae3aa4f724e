using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>Decodes PLAIN values of any physical type (see <see cref="PlainEncoder"/> for the layout).</summary>
public sealed class PlainDecoder : ValueDecoder
{
    private ReadOnlyMemory<byte> _data;
    private int _position;
    private long _bitPosition; // booleans only
    private PhysicalType _type;
    private int _width;        // fixed-width types: bytes per value

    protected override string EncodingName => "PLAIN";

    /// <summary>Bytes not yet consumed (for booleans, counted from the next whole byte).</summary>
    public int RemainingBytes => _type == PhysicalType.Boolean ? _data.Length - (int)((_bitPosition + 7) >> 3) : _data.Length - _position;

    /// <summary>Starts decoding a page's values. <paramref name="typeLength"/> is the FIXED_LEN_BYTE_ARRAY width.</summary>
    public void Reset(ReadOnlyMemory<byte> data, PhysicalType type, int typeLength = 0)
    {
        _data = data;
        _position = 0;
        _bitPosition = 0;
        _type = type;
        _width = type switch
        {
            PhysicalType.Boolean => 0,
            PhysicalType.Int32 or PhysicalType.Float => 4,
            PhysicalType.Int64 or PhysicalType.Double => 8,
            PhysicalType.Int96 => 12,
            PhysicalType.ByteArray => 0,
            PhysicalType.FixedLenByteArray when typeLength >= 0 => typeLength,
            _ => throw new ParquetFormatException($"PLAIN cannot decode physical type {type} (type length {typeLength})"),
        };
    }

    public override void ReadBooleans(Span<bool> destination)
    {
        Expect(PhysicalType.Boolean, "BOOLEAN");
        var data = _data.Span;
        if (_bitPosition + destination.Length > (long)data.Length * 8)
        {
            EncodingErrors.Truncated(EncodingName, $"{destination.Length} booleans at bit {_bitPosition} of {data.Length} bytes");
        }

        var bit = _bitPosition;
        for (var i = 0; i < destination.Length; i++, bit++)
        {
            destination[i] = (data[(int)(bit >> 3)] & (1 << (int)(bit & 7))) != 0;
        }

        _bitPosition = bit;
    }

    public override void ReadInt32s(Span<int> destination)
    {
        Expect(PhysicalType.Int32, "INT32");
        var source = Take(destination.Length, 4);
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadInt32LittleEndian(source.Slice(i * 4));
        }
    }

    public override void ReadInt64s(Span<long> destination)
    {
        Expect(PhysicalType.Int64, "INT64");
        var source = Take(destination.Length, 8);
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadInt64LittleEndian(source.Slice(i * 8));
        }
    }

    public override void ReadFloats(Span<float> destination)
    {
        Expect(PhysicalType.Float, "FLOAT");
        var source = Take(destination.Length, 4);
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4));
        }
    }

    public override void ReadDoubles(Span<double> destination)
    {
        Expect(PhysicalType.Double, "DOUBLE");
        var source = Take(destination.Length, 8);
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8));
        }
    }

    public override void ReadByteArrays(Span<int> endOffsets, ByteBuffer data)
    {
        if (_type is PhysicalType.FixedLenByteArray or PhysicalType.Int96)
        {
            var source = Take(endOffsets.Length, _width);
            var start = data.Length;
            data.Write(source);
            for (var i = 0; i < endOffsets.Length; i++)
            {
                endOffsets[i] = start + (i + 1) * _width;
            }

            return;
        }

        Expect(PhysicalType.ByteArray, "BYTE_ARRAY");
        var span = _data.Span;
        var position = _position;
        for (var i = 0; i < endOffsets.Length; i++)
        {
            if (span.Length - position < 4)
            {
                EncodingErrors.Truncated(EncodingName, $"BYTE_ARRAY value {i} has no complete length prefix at byte {position}");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(position, 4));
            position += 4;
            if (length < 0 || length > span.Length - position)
            {
                EncodingErrors.Truncated(EncodingName, $"BYTE_ARRAY value {i} claims {length} bytes, {span.Length - position} remain");
            }

            data.Write(span.Slice(position, length));
            position += length;
            endOffsets[i] = data.Length;
        }

        _position = position;
    }

    /// <summary>Reads the next BYTE_ARRAY value without copying; the span points into the page.</summary>
    public ReadOnlySpan<byte> ReadByteArray()
    {
        Expect(PhysicalType.ByteArray, "BYTE_ARRAY");
        var span = _data.Span;
        if (span.Length - _position < 4)
        {
            EncodingErrors.Truncated(EncodingName, $"a BYTE_ARRAY value has no complete length prefix at byte {_position}");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(_position, 4));
        if (length < 0 || length > span.Length - _position - 4)
        {
            EncodingErrors.Truncated(EncodingName, $"a BYTE_ARRAY value claims {length} bytes, {span.Length - _position - 4} remain");
        }

        var value = span.Slice(_position + 4, length);
        _position += 4 + length;
        return value;
    }

    public override void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        switch (_type)
        {
            case PhysicalType.Boolean:
                if (_bitPosition + count > (long)_data.Length * 8)
                {
                    EncodingErrors.Truncated(EncodingName, $"cannot skip {count} booleans at bit {_bitPosition}");
                }

                _bitPosition += count;
                break;
            case PhysicalType.ByteArray:
                for (var i = 0; i < count; i++)
                {
                    ReadByteArray();
                }

                break;
            default:
                Take(count, _width);
                break;
        }
    }

    private ReadOnlySpan<byte> Take(int count, int width)
    {
        var bytes = (long)count * width;
        if (bytes > _data.Length - _position)
        {
            EncodingErrors.Truncated(EncodingName, $"{count} values of {width} bytes at byte {_position}, {_data.Length - _position} bytes remain");
        }

        var slice = _data.Span.Slice(_position, (int)bytes);
        _position += (int)bytes;
        return slice;
    }

    private void Expect(PhysicalType type, string kind)
    {
        if (_type != type)
        {
            throw new ParquetFormatException($"PLAIN decoder set up for {_type} was asked for {kind} values");
        }
    }
}
