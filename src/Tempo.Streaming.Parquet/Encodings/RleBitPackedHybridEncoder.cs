using System.Buffers.Binary;
using System.Numerics;

namespace Tempo.Streaming.Parquet.Encodings;

/// <summary>
/// The RLE / bit-packing hybrid (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid (RLE = 3)") used for
/// definition and repetition levels, dictionary indices and RLE booleans. A run of 8 or more equal values becomes an
/// RLE run (<c>varint(count &lt;&lt; 1)</c>, then the value in <c>ceil(bitWidth / 8)</c> little-endian bytes); anything
/// else becomes bit-packed groups of 8 (<c>varint(groups &lt;&lt; 1 | 1)</c>, then <c>groups * bitWidth</c> bytes), the
/// last group padded with zeros. Readers stop after the value count they know from the page header.
/// </summary>
public static class RleBitPackedHybridEncoder
{
    // A run shorter than this costs more as an RLE run than inside a bit-packed group (parquet-mr and Arrow use 8 too).
    private const int MinRleRun = 8;

    /// <summary>Encodes <paramref name="values"/> (each in 0..2^bitWidth-1) with no length prefix: DATA_PAGE_V2 levels and dictionary indices.</summary>
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, ByteBuffer output) => EncodeCore(values, bitWidth, output);

    /// <inheritdoc cref="Encode(ReadOnlySpan{int}, int, ByteBuffer)"/>
    public static void Encode(ReadOnlySpan<short> values, int bitWidth, ByteBuffer output) => EncodeCore(values, bitWidth, output);

    /// <summary>
    /// Encodes with the 4-byte little-endian length prefix that DATA_PAGE (v1) levels carry (Encodings.md: "the length
    /// of the encoded data is prepended as a 4 byte little-endian integer" for levels in v1 pages).
    /// </summary>
    public static void EncodeWithLengthPrefix(ReadOnlySpan<short> values, int bitWidth, ByteBuffer output)
    {
        var lengthAt = output.Length;
        output.WriteInt32LittleEndian(0);
        EncodeCore(values, bitWidth, output);
        output.WriteInt32LittleEndianAt(lengthAt, output.Length - lengthAt - 4);
    }

    /// <inheritdoc cref="EncodeWithLengthPrefix(ReadOnlySpan{short}, int, ByteBuffer)"/>
    public static void EncodeWithLengthPrefix(ReadOnlySpan<int> values, int bitWidth, ByteBuffer output)
    {
        var lengthAt = output.Length;
        output.WriteInt32LittleEndian(0);
        EncodeCore(values, bitWidth, output);
        output.WriteInt32LittleEndianAt(lengthAt, output.Length - lengthAt - 4);
    }

    /// <summary>
    /// Dictionary indices as a data page body: one byte holding the bit width, then the hybrid encoding
    /// (Encodings.md, "Dictionary Encoding (PLAIN_DICTIONARY = 2 and RLE_DICTIONARY = 8)").
    /// </summary>
    public static void EncodeDictionaryIndices(ReadOnlySpan<int> indices, int dictionarySize, ByteBuffer output)
    {
        var bitWidth = BitPacking.RequiredBitWidth((ulong)Math.Max(dictionarySize - 1, 0));
        output.WriteByte((byte)bitWidth);
        EncodeCore(indices, bitWidth, output);
    }

    private static void EncodeCore<T>(ReadOnlySpan<T> values, int bitWidth, ByteBuffer output)
        where T : unmanaged, IBinaryInteger<T>
    {
        if ((uint)bitWidth > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "the RLE hybrid encodes bit widths 0..32");
        }

        var limit = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
        var n = values.Length;
        var i = 0;
        while (i < n)
        {
            var run = RunLength(values, i, limit, bitWidth);
            if (run >= MinRleRun)
            {
                WriteRleRun(uint.CreateTruncating(values[i]), run, bitWidth, output);
                i += run;
                continue;
            }

            // Bit-packed groups of 8 until a group boundary where an RLE run of 8+ starts.
            var end = i;
            do
            {
                end += 8;
            }
            while (end < n && RunLength(values, end, limit, bitWidth) < MinRleRun);

            var count = Math.Min(end, n) - i;
            WriteBitPackedRun(values.Slice(i, count), bitWidth, output);
            i += count;
        }
    }

    private static int RunLength<T>(ReadOnlySpan<T> values, int start, uint limit, int bitWidth)
        where T : unmanaged, IBinaryInteger<T>
    {
        var first = values[start];
        CheckValue(first, limit, bitWidth);
        var end = start + 1;
        while (end < values.Length && values[end] == first)
        {
            end++;
        }

        return end - start;
    }

    private static void CheckValue<T>(T value, uint limit, int bitWidth)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (T.IsNegative(value) || ulong.CreateTruncating(value) > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"value does not fit in {bitWidth} bits");
        }
    }

    private static void WriteRleRun(uint value, int count, int bitWidth, ByteBuffer output)
    {
        output.WriteUleb128((ulong)count << 1);
        var width = (bitWidth + 7) >> 3;
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        output.Write(bytes[..width]);
    }

    private static void WriteBitPackedRun<T>(ReadOnlySpan<T> values, int bitWidth, ByteBuffer output)
        where T : unmanaged, IBinaryInteger<T>
    {
        var groups = (values.Length + 7) >> 3;
        output.WriteUleb128(((ulong)groups << 1) | 1);
        var byteCount = groups * bitWidth;
        var destination = output.Append(byteCount);
        var limit = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
        var writer = new BitWriter(destination);
        for (var k = 0; k < values.Length; k++)
        {
            CheckValue(values[k], limit, bitWidth);
            writer.Write(ulong.CreateTruncating(values[k]), bitWidth);
        }

        var written = writer.Flush();
        destination[written..].Clear(); // the padding of the last group
    }
}
