using System.Buffers;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// DELTA_BYTE_ARRAY (Encodings.md, "Delta Strings (DELTA_BYTE_ARRAY = 7)"): for each value the length of the prefix it
/// shares with the previous value (DELTA_BINARY_PACKED), then the suffixes as DELTA_LENGTH_BYTE_ARRAY.
/// Good for sorted keys such as trace IDs.
/// </summary>
public static class DeltaByteArrayEncoder
{
    /// <summary>Values stored concatenated: value i is <c>data[offsets[i]..offsets[i+1]]</c>.</summary>
    public static void Encode(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, ByteBuffer output)
    {
        var count = Math.Max(offsets.Length - 1, 0);
        var prefixes = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        var suffixOffsets = ArrayPool<int>.Shared.Rent(count + 1);
        var suffixes = new ByteBuffer(Math.Max(data.Length / 2, 16));
        try
        {
            var previous = ReadOnlySpan<byte>.Empty;
            suffixOffsets[0] = 0;
            for (var i = 0; i < count; i++)
            {
                var value = data[offsets[i]..offsets[i + 1]];
                var prefix = value.CommonPrefixLength(previous);
                prefixes[i] = prefix;
                suffixes.Write(value[prefix..]);
                suffixOffsets[i + 1] = suffixes.Length;
                previous = value;
            }

            DeltaBinaryPackedEncoder.Encode(prefixes.AsSpan(0, count), output);
            DeltaLengthByteArrayEncoder.Encode(suffixes.WrittenSpan, suffixOffsets.AsSpan(0, count + 1), output);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(prefixes);
            ArrayPool<int>.Shared.Return(suffixOffsets);
        }
    }
}

/// <summary>Decodes DELTA_BYTE_ARRAY values (BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY).</summary>
public sealed class DeltaByteArrayDecoder : ValueDecoder
{
    private const string Name = "DELTA_BYTE_ARRAY";

    private readonly DeltaBinaryPackedDecoder _prefixes = new();
    private readonly DeltaLengthByteArrayDecoder _suffixes = new();
    private byte[] _previous = new byte[64];
    private int _previousLength;

    protected override string EncodingName => Name;

    public void Reset(ReadOnlyMemory<byte> data)
    {
        _prefixes.Reset(data);
        var suffixesAt = _prefixes.FindEnd();
        _prefixes.Reset(data);
        _suffixes.Reset(data[suffixesAt..]);
        if (_suffixes.TotalValueCount != _prefixes.TotalValueCount)
        {
            EncodingErrors.Corrupt(Name, $"{_prefixes.TotalValueCount} prefix lengths but {_suffixes.TotalValueCount} suffixes");
        }

        _previousLength = 0;
    }

    public override void ReadByteArrays(Span<int> endOffsets, ByteBuffer data)
    {
        for (var i = 0; i < endOffsets.Length; i++)
        {
            Next();
            data.Write(_previous.AsSpan(0, _previousLength));
            endOffsets[i] = data.Length;
        }
    }

    public override void Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count; i++)
        {
            Next();
        }
    }

    private void Next()
    {
        Span<int> prefix = stackalloc int[1];
        _prefixes.ReadInt32s(prefix);
        var suffix = _suffixes.ReadNext();
        if (prefix[0] < 0 || prefix[0] > _previousLength)
        {
            EncodingErrors.Corrupt(Name, $"prefix length {prefix[0]} is longer than the previous value ({_previousLength} bytes)");
        }

        var length = prefix[0] + suffix.Length;
        if (length > _previous.Length)
        {
            Array.Resize(ref _previous, Math.Max(length, _previous.Length * 2));
        }

        suffix.CopyTo(_previous.AsSpan(prefix[0]));
        _previousLength = length;
    }
}
