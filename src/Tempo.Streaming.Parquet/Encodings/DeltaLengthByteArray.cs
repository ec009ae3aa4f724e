using System.Buffers;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// DELTA_LENGTH_BYTE_ARRAY (Encodings.md, "Delta-length byte array (DELTA_LENGTH_BYTE_ARRAY = 6)"): all lengths
/// DELTA_BINARY_PACKED, then all the bytes concatenated.
/// </summary>
public static class DeltaLengthByteArrayEncoder
{
    /// <summary>Values stored concatenated: value i is <c>data[offsets[i]..offsets[i+1]]</c>.</summary>
    public static void Encode(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, ByteBuffer output)
    {
        var count = Math.Max(offsets.Length - 1, 0);
        var lengths = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        try
        {
            for (var i = 0; i < count; i++)
            {
                lengths[i] = offsets[i + 1] - offsets[i];
            }

            DeltaBinaryPackedEncoder.Encode(lengths.AsSpan(0, count), output);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(lengths);
        }

        if (count > 0)
        {
            output.Write(data[offsets[0]..offsets[count]]);
        }
    }
}

/// <summary>Decodes DELTA_LENGTH_BYTE_ARRAY values; lengths are decoded as values are read, nothing is buffered.</summary>
public sealed class DeltaLengthByteArrayDecoder : ValueDecoder
{
    private const string Name = "DELTA_LENGTH_BYTE_ARRAY";

    private readonly DeltaBinaryPackedDecoder _lengths = new();
    private ReadOnlyMemory<byte> _data;
    private int _position; // next value's bytes

    protected override string EncodingName => Name;

    /// <summary>Values the lengths header announces.</summary>
    public int TotalValueCount => _lengths.TotalValueCount;

    public void Reset(ReadOnlyMemory<byte> data)
    {
        _data = data;
        _lengths.Reset(data);
        _position = _lengths.FindEnd();
        _lengths.Reset(data);
    }

    public override void ReadByteArrays(Span<int> endOffsets, ByteBuffer data)
    {
        for (var i = 0; i < endOffsets.Length; i++)
        {
            data.Write(ReadNext());
            endOffsets[i] = data.Length;
        }
    }

    public override void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count; i++)
        {
            ReadNext();
        }
    }

    /// <summary>The next value, pointing into the page.</summary>
    internal ReadOnlySpan<byte> ReadNext()
    {
        Span<int> length = stackalloc int[1];
        _lengths.ReadInt32s(length);
        var span = _data.Span;
        if (length[0] < 0 || length[0] > span.Length - _position)
        {
            EncodingErrors.Truncated(Name, $"a value of {length[0]} bytes at byte {_position}, {span.Length - _position} remain");
        }

        var value = span.Slice(_position, length[0]);
        _position += length[0];
        return value;
    }
}
