using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Encodings;

public class DeltaByteArrayTests
{
    [Fact]
    public void Delta_length_spec_example_is_lengths_then_the_bytes()
    {
        // Encodings.md: "Hello", "World", "Foobar", "ABCDEF" → DeltaEncoding(5, 5, 6, 6) "HelloWorldFoobarABCDEF"
        var (data, offsets) = Concatenate("Hello", "World", "Foobar", "ABCDEF");
        var output = new ByteBuffer();
        DeltaLengthByteArrayEncoder.Encode(data, offsets, output);

        var expected = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(new[] { 5, 5, 6, 6 }, expected);
        expected.Write("HelloWorldFoobarABCDEF"u8);
        output.ToArray().Should().Equal(expected.ToArray());

        var decoder = new DeltaLengthByteArrayDecoder();
        decoder.Reset(output.ToArray());
        Decode(decoder, 4).Should().Equal("Hello", "World", "Foobar", "ABCDEF");
    }

    [Fact]
    public void Delta_strings_spec_example_is_prefixes_then_suffixes()
    {
        // Encodings.md: "axis", "axle", "babble", "babyhood" → DeltaEncoding(0, 2, 0, 3), DeltaEncoding(4, 2, 6, 5), "axislebabbleyhood"
        var (data, offsets) = Concatenate("axis", "axle", "babble", "babyhood");
        var output = new ByteBuffer();
        DeltaByteArrayEncoder.Encode(data, offsets, output);

        var expected = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(new[] { 0, 2, 0, 3 }, expected);
        DeltaBinaryPackedEncoder.Encode(new[] { 4, 2, 6, 5 }, expected);
        expected.Write("axislebabbleyhood"u8);
        output.ToArray().Should().Equal(expected.ToArray());

        var decoder = new DeltaByteArrayDecoder();
        decoder.Reset(output.ToArray());
        Decode(decoder, 4).Should().Equal("axis", "axle", "babble", "babyhood");
    }

    [Fact]
    public void Random_and_sorted_values_round_trip_through_both_encodings()
    {
        var random = new Random(77);
        var values = new List<string> { "", "", "a" };
        for (var i = 0; i < 3000; i++)
        {
            var length = random.Next(0, 40);
            var chars = new char[length];
            for (var k = 0; k < length; k++)
            {
                chars[k] = (char)random.Next('a', 'e');
            }

            values.Add(new string(chars));
        }

        foreach (var set in new[] { values, values.Order(StringComparer.Ordinal).ToList() })
        {
            var (data, offsets) = Concatenate([.. set]);

            var output = new ByteBuffer();
            DeltaLengthByteArrayEncoder.Encode(data, offsets, output);
            var lengthDecoder = new DeltaLengthByteArrayDecoder();
            lengthDecoder.Reset(output.ToArray());
            lengthDecoder.Skip(1);
            Decode(lengthDecoder, set.Count - 1).Should().Equal(set.Skip(1));

            output.Clear();
            DeltaByteArrayEncoder.Encode(data, offsets, output);
            var deltaDecoder = new DeltaByteArrayDecoder();
            deltaDecoder.Reset(output.ToArray());
            deltaDecoder.Skip(2);
            Decode(deltaDecoder, set.Count - 2).Should().Equal(set.Skip(2));
        }
    }

    [Fact]
    public void An_empty_page_encodes_and_decodes()
    {
        var output = new ByteBuffer();
        DeltaByteArrayEncoder.Encode([], [0], output);
        var decoder = new DeltaByteArrayDecoder();
        decoder.Reset(output.ToArray());
        Decode(decoder, 0).Should().BeEmpty();
    }

    [Fact]
    public void Corrupt_prefixes_and_lengths_are_format_errors()
    {
        // prefix 3 for the first value, which has no predecessor
        var bad = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(new[] { 3 }, bad);
        DeltaBinaryPackedEncoder.Encode(new[] { 1 }, bad);
        bad.Write("x"u8);
        var decoder = new DeltaByteArrayDecoder();
        decoder.Reset(bad.ToArray());
        var act = () => decoder.ReadByteArrays(new int[1], new ByteBuffer());
        act.Should().Throw<ParquetFormatException>().WithMessage("*prefix length 3*");

        // a length longer than the bytes present
        var lengths = new ByteBuffer();
        DeltaBinaryPackedEncoder.Encode(new[] { 10 }, lengths);
        lengths.Write("abc"u8);
        var lengthDecoder = new DeltaLengthByteArrayDecoder();
        lengthDecoder.Reset(lengths.ToArray());
        act = () => lengthDecoder.ReadByteArrays(new int[1], new ByteBuffer());
        act.Should().Throw<ParquetFormatException>();

        var random = new Random(5);
        for (var trial = 0; trial < 2000; trial++)
        {
            var bytes = new byte[random.Next(0, 60)];
            random.NextBytes(bytes);
            try
            {
                decoder.Reset(bytes);
                decoder.ReadByteArrays(new int[random.Next(0, 5)], new ByteBuffer());
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    private static List<string> Decode(ValueDecoder decoder, int count)
    {
        var data = new ByteBuffer();
        var offsets = new int[count + 1];
        decoder.ReadByteArrays(offsets.AsSpan(1, count / 2), data);
        decoder.ReadByteArrays(offsets.AsSpan(1 + count / 2, count - count / 2), data);
        var result = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(System.Text.Encoding.UTF8.GetString(data.WrittenSpan[offsets[i]..offsets[i + 1]]));
        }

        return result;
    }

    private static (byte[] Data, int[] Offsets) Concatenate(params string[] values)
    {
        var data = new ByteBuffer();
        var offsets = new int[values.Length + 1];
        for (var i = 0; i < values.Length; i++)
        {
            data.Write(System.Text.Encoding.UTF8.GetBytes(values[i]));
            offsets[i + 1] = data.Length;
        }

        return (data.ToArray(), offsets);
    }
}
