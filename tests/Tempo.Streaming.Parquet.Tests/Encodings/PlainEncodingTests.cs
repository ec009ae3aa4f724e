using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Encodings;

public class PlainEncodingTests
{
    private readonly Random _random = new(42);

    [Fact]
    public void Booleans_are_bit_packed_lsb_first()
    {
        var output = new ByteBuffer();
        PlainEncoder.WriteBooleans(new[] { true, false, true, true, false, false, false, false, true }, output);
        output.ToArray().Should().Equal(0b0000_1101, 0b0000_0001);

        var decoder = new PlainDecoder();
        decoder.Reset(output.WrittenMemory, PhysicalType.Boolean);
        var first = new bool[3];
        var rest = new bool[6];
        decoder.ReadBooleans(first);
        decoder.ReadBooleans(rest);
        first.Should().Equal(true, false, true);
        rest.Should().Equal(true, false, false, false, false, true);
    }

    [Fact]
    public void Numbers_round_trip_little_endian()
    {
        var ints = new int[1000];
        var longs = new long[1000];
        var floats = new float[1000];
        var doubles = new double[1000];
        for (var i = 0; i < 1000; i++)
        {
            ints[i] = _random.Next(int.MinValue, int.MaxValue);
            longs[i] = _random.NextInt64(long.MinValue, long.MaxValue);
            floats[i] = (float)(_random.NextDouble() * 1e6 - 5e5);
            doubles[i] = _random.NextDouble() * 1e300;
        }

        ints[0] = int.MinValue;
        longs[0] = long.MaxValue;
        floats[1] = float.NaN;
        doubles[1] = double.NegativeInfinity;

        var output = new ByteBuffer();
        PlainEncoder.WriteInt32s(ints, output);
        BinaryPrimitives.ReadInt32LittleEndian(output.WrittenSpan).Should().Be(int.MinValue);
        var decoder = new PlainDecoder();
        decoder.Reset(output.ToArray(), PhysicalType.Int32);
        var decodedInts = new int[1000];
        decoder.ReadInt32s(decodedInts);
        decodedInts.Should().Equal(ints);
        decoder.RemainingBytes.Should().Be(0);

        output.Clear();
        PlainEncoder.WriteInt64s(longs, output);
        decoder.Reset(output.ToArray(), PhysicalType.Int64);
        var decodedLongs = new long[1000];
        decoder.Skip(1);
        decoder.ReadInt64s(decodedLongs.AsSpan(1));
        decodedLongs[1..].Should().Equal(longs[1..]);

        output.Clear();
        PlainEncoder.WriteFloats(floats, output);
        decoder.Reset(output.ToArray(), PhysicalType.Float);
        var decodedFloats = new float[1000];
        decoder.ReadFloats(decodedFloats);
        decodedFloats.Should().Equal(floats);

        output.Clear();
        PlainEncoder.WriteDoubles(doubles, output);
        decoder.Reset(output.ToArray(), PhysicalType.Double);
        var decodedDoubles = new double[1000];
        decoder.ReadDoubles(decodedDoubles);
        decodedDoubles.Should().Equal(doubles);
    }

    [Fact]
    public void Byte_arrays_have_a_4_byte_length_prefix_and_round_trip()
    {
        var values = new List<byte[]> { Array.Empty<byte>(), "hello"u8.ToArray() };
        for (var i = 0; i < 200; i++)
        {
            var v = new byte[_random.Next(0, 300)];
            _random.NextBytes(v);
            values.Add(v);
        }

        var output = new ByteBuffer();
        foreach (var v in values)
        {
            PlainEncoder.WriteByteArray(v, output);
        }

        output.WrittenSpan[..4].ToArray().Should().Equal(0, 0, 0, 0);
        output.WrittenSpan[4..13].ToArray().Should().Equal(5, 0, 0, 0, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o');

        var decoder = new PlainDecoder();
        decoder.Reset(output.ToArray(), PhysicalType.ByteArray);
        var data = new ByteBuffer();
        var ends = new int[values.Count];
        decoder.ReadByteArrays(ends.AsSpan(0, 10), data);
        decoder.ReadByteArrays(ends.AsSpan(10), data);
        var start = 0;
        for (var i = 0; i < values.Count; i++)
        {
            data.WrittenSpan[start..ends[i]].ToArray().Should().Equal(values[i]);
            start = ends[i];
        }

        // the batch form of the encoder gives the same bytes
        var concatenated = new ByteBuffer();
        var offsets = new int[values.Count + 1];
        for (var i = 0; i < values.Count; i++)
        {
            concatenated.Write(values[i]);
            offsets[i + 1] = concatenated.Length;
        }

        var batch = new ByteBuffer();
        PlainEncoder.WriteByteArrays(concatenated.WrittenSpan, offsets, batch);
        batch.ToArray().Should().Equal(output.ToArray());
    }

    [Theory]
    [InlineData(PhysicalType.FixedLenByteArray, 16)]
    [InlineData(PhysicalType.FixedLenByteArray, 3)]
    [InlineData(PhysicalType.Int96, 12)]
    public void Fixed_length_values_are_stored_back_to_back(PhysicalType type, int width)
    {
        var raw = new byte[width * 50];
        _random.NextBytes(raw);
        var output = new ByteBuffer();
        PlainEncoder.WriteFixedLenByteArrays(raw, width, output);
        output.ToArray().Should().Equal(raw);

        var decoder = new PlainDecoder();
        decoder.Reset(output.ToArray(), type, type == PhysicalType.FixedLenByteArray ? width : 0);
        var data = new ByteBuffer();
        data.Write(new byte[] { 9, 9 }); // existing batch content stays in front
        var ends = new int[50];
        decoder.ReadByteArrays(ends, data);
        ends[0].Should().Be(2 + width);
        ends[49].Should().Be(2 + 50 * width);
        data.WrittenSpan[2..].ToArray().Should().Equal(raw);
    }

    [Fact]
    public void Truncated_values_are_format_errors_not_crashes()
    {
        var decoder = new PlainDecoder();
        decoder.Reset(new byte[7], PhysicalType.Int64);
        var act = () => decoder.ReadInt64s(new long[1]);
        act.Should().Throw<ParquetFormatException>().WithMessage("*truncated*");

        decoder.Reset(new byte[] { 10, 0, 0, 0, 1, 2 }, PhysicalType.ByteArray);
        act = () => decoder.ReadByteArrays(new int[1], new ByteBuffer());
        act.Should().Throw<ParquetFormatException>();

        decoder.Reset(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, PhysicalType.ByteArray);
        act = () => decoder.ReadByteArray().ToArray();
        act.Should().Throw<ParquetFormatException>();

        decoder.Reset(new byte[1], PhysicalType.Boolean);
        act = () => decoder.ReadBooleans(new bool[9]);
        act.Should().Throw<ParquetFormatException>();

        decoder.Reset(new byte[8], PhysicalType.Int32);
        act = () => decoder.ReadInt64s(new long[1]);
        act.Should().Throw<ParquetFormatException>();
    }
}
