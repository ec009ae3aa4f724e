using System.Runtime.InteropServices;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Encodings;

public class ByteStreamSplitTests
{
    [Fact]
    public void Floats_are_split_into_four_byte_streams()
    {
        // two floats with bytes (in memory order) A0 A1 A2 A3 and B0 B1 B2 B3 → A0 B0 A1 B1 A2 B2 A3 B3
        var values = new[] { 1.5f, -2.25f };
        var plain = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var output = new ByteBuffer();
        ByteStreamSplitEncoder.Encode(plain, 4, output);
        output.ToArray().Should().Equal(plain[0], plain[4], plain[1], plain[5], plain[2], plain[6], plain[3], plain[7]);

        var decoder = new ByteStreamSplitDecoder();
        decoder.Reset(output.ToArray(), PhysicalType.Float);
        var decoded = new float[2];
        decoder.ReadFloats(decoded);
        decoded.Should().Equal(values);
    }

    [Fact]
    public void Every_supported_type_round_trips()
    {
        var random = new Random(9);
        var doubles = Enumerable.Range(0, 300).Select(_ => random.NextDouble() * 1e9).ToArray();
        var ints = Enumerable.Range(0, 300).Select(_ => random.Next()).ToArray();
        var longs = Enumerable.Range(0, 300).Select(_ => random.NextInt64()).ToArray();
        var fixedValues = new byte[300 * 5];
        random.NextBytes(fixedValues);

        var decoder = new ByteStreamSplitDecoder();
        var output = new ByteBuffer();

        ByteStreamSplitEncoder.Encode(MemoryMarshal.AsBytes(doubles.AsSpan()), 8, output);
        decoder.Reset(output.ToArray(), PhysicalType.Double);
        var d = new double[300];
        decoder.Skip(0);
        decoder.ReadDoubles(d);
        d.Should().Equal(doubles);

        output.Clear();
        ByteStreamSplitEncoder.Encode(MemoryMarshal.AsBytes(ints.AsSpan()), 4, output);
        decoder.Reset(output.ToArray(), PhysicalType.Int32);
        var i32 = new int[299];
        decoder.Skip(1);
        decoder.ReadInt32s(i32);
        i32.Should().Equal(ints[1..]);

        output.Clear();
        ByteStreamSplitEncoder.Encode(MemoryMarshal.AsBytes(longs.AsSpan()), 8, output);
        decoder.Reset(output.ToArray(), PhysicalType.Int64);
        var i64 = new long[300];
        decoder.ReadInt64s(i64);
        i64.Should().Equal(longs);

        output.Clear();
        ByteStreamSplitEncoder.Encode(fixedValues, 5, output);
        decoder.Reset(output.ToArray(), PhysicalType.FixedLenByteArray, 5);
        var data = new ByteBuffer();
        var ends = new int[300];
        decoder.ReadByteArrays(ends, data);
        data.ToArray().Should().Equal(fixedValues);
        ends[299].Should().Be(1500);
    }

    [Fact]
    public void A_ragged_length_or_reading_past_the_end_is_a_format_error()
    {
        var decoder = new ByteStreamSplitDecoder();
        var act = () => decoder.Reset(new byte[7], PhysicalType.Float);
        act.Should().Throw<ParquetFormatException>();

        decoder.Reset(new byte[8], PhysicalType.Float);
        var read = () => decoder.ReadFloats(new float[3]);
        read.Should().Throw<ParquetFormatException>();

        act = () => decoder.Reset(new byte[8], PhysicalType.ByteArray);
        act.Should().Throw<ParquetFormatException>();
    }
}
