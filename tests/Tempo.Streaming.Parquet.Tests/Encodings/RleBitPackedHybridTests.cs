using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Encodings;

public class RleBitPackedHybridTests
{
    [Fact]
    public void Spec_example_0_to_7_with_bit_width_3_is_one_bit_packed_group()
    {
        // Encodings.md, RLE/bit-packing hybrid: 0..7 at width 3 packs to 10001000 11000110 11111010.
        var output = new ByteBuffer();
        RleBitPackedHybridEncoder.Encode(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, 3, output);

        output.ToArray().Should().Equal(0x03, 0x88, 0xC6, 0xFA);
    }

    [Fact]
    public void A_long_run_becomes_one_rle_run_with_a_varint_count_and_a_little_endian_value()
    {
        var values = Enumerable.Repeat(0x1234, 300).ToArray();
        var output = new ByteBuffer();
        RleBitPackedHybridEncoder.Encode(values, 13, output);

        // header = 300 << 1 = 600 = 0xD8 0x04; value in 2 bytes
        output.ToArray().Should().Equal(0xD8, 0x04, 0x34, 0x12);
        Decode(output.ToArray(), 13, 300).Should().Equal(values);
    }

    [Fact]
    public void Decodes_a_hand_built_mix_of_rle_and_bit_packed_runs()
    {
        // RLE run of 4 x 1 (width 1), then one bit-packed group 1,0,1,0,1,0,1,1
        var bytes = new byte[] { 0x08, 0x01, 0x03, 0b1101_0101 };
        Decode(bytes, 1, 12).Should().Equal(1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(24)]
    [InlineData(31)]
    [InlineData(32)]
    public void Random_values_round_trip_at_every_bit_width(int bitWidth)
    {
        var random = new Random(1000 + bitWidth);
        foreach (var count in new[] { 0, 1, 7, 8, 9, 100, 1000, 4097 })
        {
            var values = new int[count];
            var max = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
            for (var i = 0; i < count; i++)
            {
                // mix of runs and noise so both run kinds appear
                var raw = random.Next(4) == 0 && i > 0 ? (uint)values[i - 1] : (uint)random.NextInt64(0, (long)max + 1);
                values[i] = (int)raw;
            }

            if (bitWidth == 32)
            {
                // negative ints are not representable as levels/indices; keep within int range
                for (var i = 0; i < count; i++)
                {
                    values[i] &= int.MaxValue;
                }
            }

            var output = new ByteBuffer();
            RleBitPackedHybridEncoder.Encode(values, bitWidth, output);
            Decode(output.ToArray(), bitWidth, count).Should().Equal(values, $"count {count}, width {bitWidth}");
        }
    }

    [Fact]
    public void Short_levels_round_trip_with_the_v1_length_prefix_and_skip_works()
    {
        var random = new Random(7);
        var levels = new short[5000];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = (short)(random.Next(10) < 7 ? 3 : random.Next(4));
        }

        var output = new ByteBuffer();
        output.WriteByte(0xEE); // something before the levels, as in a page
        RleBitPackedHybridEncoder.EncodeWithLengthPrefix(levels, 2, output);
        output.WriteByte(0xFF); // the values section after

        var page = output.WrittenMemory[1..];
        var encoded = RleBitPackedHybridDecoder.SliceLengthPrefixed(page, out var consumed);
        page.Span[consumed].Should().Be(0xFF);

        var decoder = new RleBitPackedHybridDecoder();
        decoder.Reset(encoded, 2);
        var head = new short[1234];
        decoder.Read(head);
        head.Should().Equal(levels[..1234]);
        decoder.Skip(2000);
        var tail = new short[levels.Length - 3234];
        decoder.Read(tail);
        tail.Should().Equal(levels[3234..]);
    }

    [Fact]
    public void Dictionary_indices_carry_their_bit_width_byte()
    {
        var indices = new[] { 0, 5, 2, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1 };
        var output = new ByteBuffer();
        RleBitPackedHybridEncoder.EncodeDictionaryIndices(indices, 6, output);
        output.WrittenSpan[0].Should().Be(3);

        var decoder = new RleBitPackedHybridDecoder();
        decoder.ResetDictionaryIndices(output.WrittenMemory);
        var decoded = new int[indices.Length];
        decoder.Read(decoded);
        decoded.Should().Equal(indices);
    }

    [Fact]
    public void Values_wider_than_the_bit_width_are_rejected_by_the_encoder()
    {
        var act = () => RleBitPackedHybridEncoder.Encode(new[] { 4 }, 2, new ByteBuffer());
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Truncated_and_corrupt_input_raise_format_errors()
    {
        var decoder = new RleBitPackedHybridDecoder();

        // asks for more values than there are runs
        decoder.Reset(new byte[] { 0x04, 0x01 }, 1);
        var act = () => decoder.Read(new int[3]);
        act.Should().Throw<ParquetFormatException>().WithMessage("*truncated*");

        // RLE run value missing
        decoder.Reset(new byte[] { 0x04 }, 9);
        act = () => decoder.Read(new int[1]);
        act.Should().Throw<ParquetFormatException>();

        // varint header that never ends
        decoder.Reset(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, 1);
        act = () => decoder.Read(new int[1]);
        act.Should().Throw<ParquetFormatException>();

        // run value wider than the bit width
        decoder.Reset(new byte[] { 0x02, 0x05 }, 2);
        act = () => decoder.Read(new int[1]);
        act.Should().Throw<ParquetFormatException>().WithMessage("*does not fit*");

        // a bit width above 32
        var reset = () => decoder.Reset(new byte[] { 0 }, 33);
        reset.Should().Throw<ParquetFormatException>();

        // v1 length prefix beyond the data
        var slice = () => RleBitPackedHybridDecoder.SliceLengthPrefixed(new byte[] { 9, 0, 0, 0, 1 }, out _);
        slice.Should().Throw<ParquetFormatException>();
    }

    [Fact]
    public void A_truncated_last_bit_packed_run_yields_its_whole_values()
    {
        // header claims 2 groups (16 values) of width 4 = 8 bytes; only 2 bytes are present = 4 values
        var decoder = new RleBitPackedHybridDecoder();
        decoder.Reset(new byte[] { 0x05, 0x21, 0x43 }, 4);
        var values = new int[4];
        decoder.Read(values);
        values.Should().Equal(1, 2, 3, 4);
        var act = () => decoder.Read(new int[1]);
        act.Should().Throw<ParquetFormatException>();
    }

    [Fact]
    public void Random_garbage_never_throws_anything_but_format_errors()
    {
        var random = new Random(99);
        var decoder = new RleBitPackedHybridDecoder();
        var destination = new int[512];
        for (var trial = 0; trial < 2000; trial++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            decoder.Reset(bytes, random.Next(0, 33));
            try
            {
                decoder.Read(destination.AsSpan(0, random.Next(0, 512)));
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    private static int[] Decode(byte[] bytes, int bitWidth, int count)
    {
        var decoder = new RleBitPackedHybridDecoder();
        decoder.Reset(bytes, bitWidth);
        var values = new int[count];
        // in two batches so the run state carries over
        decoder.Read(values.AsSpan(0, count / 3));
        decoder.Read(values.AsSpan(count / 3));
        return values;
    }
}
