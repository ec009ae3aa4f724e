using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Encodings;

public class BitPackingTests
{
    [Fact]
    public void Every_width_up_to_64_round_trips_at_any_bit_offset()
    {
        var random = new Random(5);
        for (var width = 0; width <= 64; width++)
        {
            var values = new ulong[77];
            for (var i = 0; i < values.Length; i++)
            {
                var v = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 32);
                values[i] = width == 64 ? v : v & ((1UL << width) - 1);
            }

            var packed = new byte[BitPacking.PackedByteCount(values.Length, width)];
            BitPacking.Pack64(values, width, packed).Should().Be(packed.Length);

            var unpacked = new ulong[values.Length];
            BitPacking.Unpack64(packed, 0, width, unpacked);
            unpacked.Should().Equal(values, $"width {width}");

            // starting mid-stream
            if (values.Length > 3)
            {
                var tail = new ulong[values.Length - 3];
                BitPacking.Unpack64(packed, 3L * width, width, tail);
                tail.Should().Equal(values[3..]);
            }
        }
    }

    [Fact]
    public void Required_bit_width_is_the_position_of_the_highest_set_bit()
    {
        BitPacking.RequiredBitWidth(0).Should().Be(0);
        BitPacking.RequiredBitWidth(1).Should().Be(1);
        BitPacking.RequiredBitWidth(7).Should().Be(3);
        BitPacking.RequiredBitWidth(8).Should().Be(4);
        BitPacking.RequiredBitWidth(ulong.MaxValue).Should().Be(64);
    }

    [Fact]
    public void Unpacking_past_the_data_is_a_format_error()
    {
        var act = () => BitPacking.Unpack32(new byte[3], 0, 7, new uint[4]);
        act.Should().Throw<ParquetFormatException>();
    }
}
