using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Encodings;

public class DeltaBinaryPackedTests
{
    [Fact]
    public void Spec_example_1_is_one_block_of_zero_width_miniblocks()
    {
        // Encodings.md DELTA_BINARY_PACKED example 1: 1..5 → deltas 1, min delta 1, relative deltas all 0
        var output = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(new long[] { 1, 2, 3, 4, 5 }, output);
        output.ToArray().Should().Equal(0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00);
        DecodeInt64(output.ToArray(), 5).Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public void Spec_example_2_packs_relative_deltas_at_2_bits()
    {
        // example 2: 7,5,3,1,2,3,4,5 → deltas -2,-2,-2,1,1,1,1, min -2, relative 0,0,0,3,3,3,3 at width 2
        var output = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(new[] { 7, 5, 3, 1, 2, 3, 4, 5 }, output);
        var expected = new List<byte> { 0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0xC0, 0x3F };
        expected.AddRange(new byte[6]); // the rest of the 8-byte miniblock (32 values x 2 bits), zero padding
        output.ToArray().Should().Equal(expected);
        DecodeInt32(output.ToArray(), 8).Should().Equal(7, 5, 3, 1, 2, 3, 4, 5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(33)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(130)]
    [InlineData(1000)]
    [InlineData(10_000)]
    public void Random_int64_and_int32_values_round_trip_including_extremes(int count)
    {
        var random = new Random(count);
        var longs = new long[count];
        var ints = new int[count];
        for (var i = 0; i < count; i++)
        {
            longs[i] = (i % 7) switch
            {
                0 => long.MinValue,
                1 => long.MaxValue,
                2 => 0,
                _ => random.NextInt64(long.MinValue, long.MaxValue),
            };
            ints[i] = (i % 5) switch
            {
                0 => int.MinValue,
                1 => int.MaxValue,
                _ => random.Next(int.MinValue, int.MaxValue),
            };
        }

        var output = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(longs, output);
        DecodeInt64(output.ToArray(), count).Should().Equal(longs);

        output.Clear();
        DeltaBinaryPackedEncoder.Encode(ints, output);
        DecodeInt32(output.ToArray(), count).Should().Equal(ints);
        // INT32 deltas wrap at 32 bits, so no miniblock is wider than 32
        var decoder = new DeltaBinaryPackedDecoder();
        decoder.Reset(output.ToArray());
        var act = () => decoder.ReadInt32s(new int[count]);
        act.Should().NotThrow();
    }

    [Fact]
    public void Sorted_timestamps_pack_small()
    {
        var start = 1_700_000_000_000_000_000L;
        var values = new long[10_000];
        var random = new Random(1);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = start + i * 1_000_000L + random.Next(0, 1000);
        }

        var output = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(values, output);
        output.Length.Should().BeLessThan(values.Length * 3); // ~21 bits per value instead of 64
        DecodeInt64(output.ToArray(), values.Length).Should().Equal(values);
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(256, 8)]
    [InlineData(512, 2)]
    [InlineData(128, 4)]
    public void Other_block_and_miniblock_sizes_decode(int blockSize, int miniblocks)
    {
        var random = new Random(blockSize + miniblocks);
        var values = new long[1500];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextInt64(-1_000_000, 1_000_000);
        }

        var encoded = ReferenceEncode(values, blockSize, miniblocks);
        DecodeInt64(encoded, values.Length).Should().Equal(values);

        var withTrailer = encoded.Concat(new byte[] { 0xEE }).ToArray();
        var decoder = new DeltaBinaryPackedDecoder();
        decoder.Reset(withTrailer);
        decoder.FindEnd().Should().Be(encoded.Length);
    }

    [Fact]
    public void Skip_and_batches_keep_the_running_value()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (long)i * i - 5000).ToArray();
        var output = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(values, output);
        var decoder = new DeltaBinaryPackedDecoder();
        decoder.Reset(output.ToArray());
        decoder.TotalValueCount.Should().Be(1000);
        decoder.Skip(1);
        var a = new long[10];
        decoder.ReadInt64s(a);
        a.Should().Equal(values[1..11]);
        decoder.Skip(500);
        var b = new long[489];
        decoder.ReadInt64s(b);
        b.Should().Equal(values[511..]);
        decoder.Remaining.Should().Be(0);
    }

    [Fact]
    public void Find_end_stops_after_the_last_used_miniblock()
    {
        var output = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(Enumerable.Range(0, 200).Select(i => i * 37 % 101).ToArray(), output);
        var length = output.Length;
        output.Write("rest"u8);
        var decoder = new DeltaBinaryPackedDecoder();
        decoder.Reset(output.ToArray());
        decoder.FindEnd().Should().Be(length);
    }

    [Fact]
    public void Corrupt_headers_widths_and_truncation_are_format_errors()
    {
        var decoder = new DeltaBinaryPackedDecoder();
        var act = () => decoder.Reset(new byte[] { 100, 4, 5, 2 }); // block size 100
        act.Should().Throw<ParquetFormatException>().WithMessage("*block size*");

        act = () => decoder.Reset(new byte[] { 0x80, 0x01, 0x03, 5, 2 }); // 128 / 3 miniblocks
        act.Should().Throw<ParquetFormatException>();

        // width 40 in an INT32 column
        decoder.Reset(new byte[] { 0x80, 0x01, 0x04, 0x03, 0x00, 0x00, 40, 0, 0, 0 }.Concat(new byte[200]).ToArray());
        var read = () => decoder.ReadInt32s(new int[3]);
        read.Should().Throw<ParquetFormatException>().WithMessage("*width 40*");

        // more values than the header holds
        var output = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(new long[] { 1, 2, 3 }, output);
        decoder.Reset(output.ToArray());
        read = () => decoder.ReadInt64s(new long[4]);
        read.Should().Throw<ParquetFormatException>();

        // truncated miniblock
        output.Clear();
        DeltaBinaryPackedEncoder.Encode(Enumerable.Range(0, 100).Select(i => (long)i * i).ToArray(), output);
        decoder.Reset(output.WrittenMemory[..(output.Length - 30)]);
        read = () => decoder.ReadInt64s(new long[100]);
        read.Should().Throw<ParquetFormatException>().WithMessage("*truncated*");

        var random = new Random(12);
        var values = new long[64];
        for (var trial = 0; trial < 3000; trial++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length > 2 && trial % 2 == 0)
            {
                bytes[0] = 0x80;
                bytes[1] = 0x01;
                bytes[2] = 0x04;
            }

            try
            {
                decoder.Reset(bytes);
                decoder.FindEnd();
                decoder.Reset(bytes);
                decoder.ReadInt64s(values.AsSpan(0, Math.Min(decoder.TotalValueCount, values.Length)));
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    internal static long[] DecodeInt64(byte[] bytes, int count)
    {
        var decoder = new DeltaBinaryPackedDecoder();
        decoder.Reset(bytes);
        decoder.TotalValueCount.Should().Be(count);
        var values = new long[count];
        decoder.ReadInt64s(values.AsSpan(0, count / 2));
        decoder.ReadInt64s(values.AsSpan(count / 2));
        return values;
    }

    private static int[] DecodeInt32(byte[] bytes, int count)
    {
        var decoder = new DeltaBinaryPackedDecoder();
        decoder.Reset(bytes);
        var values = new int[count];
        decoder.ReadInt32s(values);
        return values;
    }

    /// <summary>A straightforward encoder with configurable block shape, as other writers may use.</summary>
    private static byte[] ReferenceEncode(long[] values, int blockSize, int miniblocks)
    {
        var output = new ByteBuffer();
        output.WriteUleb128((ulong)blockSize);
        output.WriteUleb128((ulong)miniblocks);
        output.WriteUleb128((ulong)values.Length);
        output.WriteZigZagLeb128(values[0]);
        var perMiniblock = blockSize / miniblocks;
        for (var start = 1; start < values.Length; start += blockSize)
        {
            var count = Math.Min(blockSize, values.Length - start);
            var deltas = new long[count];
            for (var i = 0; i < count; i++)
            {
                deltas[i] = values[start + i] - values[start + i - 1];
            }

            var min = deltas.Min();
            output.WriteZigZagLeb128(min);
            var widthsAt = output.Length;
            output.Append(miniblocks).Clear();
            for (var m = 0; m * perMiniblock < count; m++)
            {
                var relative = new ulong[perMiniblock];
                for (var i = 0; i < perMiniblock && m * perMiniblock + i < count; i++)
                {
                    relative[i] = (ulong)(deltas[m * perMiniblock + i] - min);
                }

                var width = BitPacking.RequiredBitWidth(relative.Aggregate(0UL, (a, r) => a | r));
                output.WrittenSpan[widthsAt + m] = (byte)width;
                BitPacking.Pack64(relative, width, output.Append(perMiniblock * width / 8));
            }
        }

        return output.ToArray();
    }
}
