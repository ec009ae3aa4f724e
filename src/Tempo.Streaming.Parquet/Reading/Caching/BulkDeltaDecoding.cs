using System.Buffers;
using System.Runtime.CompilerServices;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Whole-page decoding of DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (Encodings.md) for the page cache: all lengths
/// in one DELTA_BINARY_PACKED call, then the bytes in one pass. The streaming decoders fetch one length per value
/// (about 100 ns each), which made decoding a page of span IDs cost more than decompressing it. Like the row-start
/// scan, these run once per page and are optimized at once rather than through tier-0 code.
/// </summary>
internal static class BulkDeltaDecoding
{
    /// <summary>DELTA_LENGTH_BYTE_ARRAY: the lengths, then the values' bytes back to back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DecodeLengthByteArrays(ReadOnlyMemory<byte> data, int count, ColumnBatch into)
    {
        var lengths = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var bytesAt = ReadLengths(data, lengths.AsSpan(0, count), "DELTA_LENGTH_BYTE_ARRAY");
            var offsets = new int[count + 1];
            var span = data.Span;
            long end = 0;
            for (var i = 0; i < count; i++)
            {
                var length = lengths[i];
                if (length < 0) throw new ParquetFormatException($"DELTA_LENGTH_BYTE_ARRAY: value {i} has length {length}");
                end += length;
                if (end > span.Length - bytesAt)
                    throw new ParquetFormatException($"DELTA_LENGTH_BYTE_ARRAY: the values need {end} bytes, {span.Length - bytesAt} remain");
                offsets[i + 1] = (int)end;
            }
            into.ByteData = span.Slice(bytesAt, (int)end).ToArray();
            into.ByteOffsets = offsets;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(lengths);
        }
    }

    /// <summary>DELTA_BYTE_ARRAY: prefix lengths shared with the previous value, then the suffixes as DELTA_LENGTH_BYTE_ARRAY.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DecodeDeltaByteArrays(ReadOnlyMemory<byte> data, int count, ColumnBatch into)
    {
        const string Name = "DELTA_BYTE_ARRAY";
        var prefixes = ArrayPool<int>.Shared.Rent(count);
        var suffixLengths = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var suffixesAt = ReadLengths(data, prefixes.AsSpan(0, count), Name);
            var suffixData = data[suffixesAt..];
            var bytesAt = ReadLengths(suffixData, suffixLengths.AsSpan(0, count), Name);
            var suffixes = suffixData.Span[bytesAt..];

            var offsets = new int[count + 1];
            long total = 0;
            long suffixTotal = 0;
            var previousLength = 0;
            for (var i = 0; i < count; i++)
            {
                var prefix = prefixes[i];
                var suffix = suffixLengths[i];
                if (prefix < 0 || prefix > previousLength)
                    throw new ParquetFormatException($"{Name}: prefix length {prefix} is longer than the previous value ({previousLength} bytes)");
                if (suffix < 0) throw new ParquetFormatException($"{Name}: suffix {i} has length {suffix}");
                suffixTotal += suffix;
                if (suffixTotal > suffixes.Length) throw new ParquetFormatException($"{Name}: the suffixes need {suffixTotal} bytes, {suffixes.Length} remain");
                previousLength = prefix + suffix;
                total += previousLength;
                if (total > Array.MaxLength) throw new ParquetFormatException($"{Name}: the values add up to more than {Array.MaxLength} bytes");
                offsets[i + 1] = (int)total;
            }

            var bytes = new byte[total];
            var suffixAt = 0;
            for (var i = 0; i < count; i++)
            {
                var start = offsets[i];
                var prefix = prefixes[i];
                // the prefix repeats the previous value's first bytes, which were just written in front of this value
                if (prefix > 0) bytes.AsSpan(offsets[i - 1], prefix).CopyTo(bytes.AsSpan(start));
                var suffix = suffixLengths[i];
                suffixes.Slice(suffixAt, suffix).CopyTo(bytes.AsSpan(start + prefix));
                suffixAt += suffix;
            }
            into.ByteData = bytes;
            into.ByteOffsets = offsets;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(prefixes);
            ArrayPool<int>.Shared.Return(suffixLengths);
        }
    }

    /// <summary>Reads <c>lengths.Length</c> DELTA_BINARY_PACKED values at the start of <paramref name="data"/>; returns where they end.</summary>
    private static int ReadLengths(ReadOnlyMemory<byte> data, Span<int> lengths, string encoding)
    {
        var decoder = new DeltaBinaryPackedDecoder();
        decoder.Reset(data);
        if (decoder.TotalValueCount < lengths.Length)
            throw new ParquetFormatException($"{encoding}: {decoder.TotalValueCount} lengths for {lengths.Length} values");
        var end = decoder.FindEnd();
        decoder.Reset(data);
        decoder.ReadInt32s(lengths);
        return end;
    }
}
