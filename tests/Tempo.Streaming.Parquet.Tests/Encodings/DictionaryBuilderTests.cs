using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Tests.Encodings;

public class DictionaryBuilderTests
{
    [Fact]
    public void Integer_dictionaries_assign_first_seen_indices_and_write_plain_pages()
    {
        var random = new Random(3);
        var builder = new Int64DictionaryBuilder();
        var reference = new Dictionary<long, int>();
        var distinct = new List<long>();
        for (var i = 0; i < 50_000; i++)
        {
            var value = random.Next(3) == 0 ? random.NextInt64() : random.Next(0, 2000) - 1000;
            if (!reference.TryGetValue(value, out var expected))
            {
                expected = reference[value] = distinct.Count;
                distinct.Add(value);
            }

            builder.GetOrAdd(value).Should().Be(expected);
        }

        builder.Count.Should().Be(distinct.Count);
        builder.PlainEncodedSize.Should().Be(8L * distinct.Count);
        builder[5].Should().Be(distinct[5]);

        var page = new ByteBuffer();
        builder.WriteDictionaryPage(page);
        page.Length.Should().Be((int)builder.PlainEncodedSize);
        var decoder = new PlainDecoder();
        decoder.Reset(page.ToArray(), PhysicalType.Int64);
        var decoded = new long[distinct.Count];
        decoder.ReadInt64s(decoded);
        decoded.Should().Equal(distinct);

        builder.Clear();
        builder.Count.Should().Be(0);
        builder.GetOrAdd(42).Should().Be(0);
    }

    [Fact]
    public void Int32_dictionary_writes_plain_int32()
    {
        var builder = new Int32DictionaryBuilder();
        foreach (var v in new[] { 5, -1, 5, int.MinValue, -1, 0 })
        {
            builder.GetOrAdd(v);
        }

        var page = new ByteBuffer();
        builder.WriteDictionaryPage(page);
        var decoder = new PlainDecoder();
        decoder.Reset(page.ToArray(), PhysicalType.Int32);
        var decoded = new int[4];
        decoder.ReadInt32s(decoded);
        decoded.Should().Equal(5, -1, int.MinValue, 0);
    }

    [Fact]
    public void Floating_point_dictionaries_keep_negative_zero_and_nan_distinct()
    {
        var doubles = new DoubleDictionaryBuilder();
        doubles.GetOrAdd(0.0).Should().Be(0);
        doubles.GetOrAdd(-0.0).Should().Be(1);
        doubles.GetOrAdd(double.NaN).Should().Be(2);
        doubles.GetOrAdd(double.NaN).Should().Be(2);
        doubles.GetOrAdd(0.0).Should().Be(0);
        BitConverter.DoubleToInt64Bits(doubles[1]).Should().Be(BitConverter.DoubleToInt64Bits(-0.0));

        var floats = new FloatDictionaryBuilder();
        floats.GetOrAdd(1.5f);
        floats.GetOrAdd(-0.0f);
        floats.GetOrAdd(1.5f).Should().Be(0);
        var page = new ByteBuffer();
        floats.WriteDictionaryPage(page);
        var decoder = new PlainDecoder();
        decoder.Reset(page.ToArray(), PhysicalType.Float);
        var decoded = new float[2];
        decoder.ReadFloats(decoded);
        decoded[0].Should().Be(1.5f);
        BitConverter.SingleToInt32Bits(decoded[1]).Should().Be(BitConverter.SingleToInt32Bits(-0.0f));

        page.Clear();
        doubles.WriteDictionaryPage(page);
        page.Length.Should().Be(24);
    }

    [Fact]
    public void Byte_array_dictionary_stores_values_once_and_writes_length_prefixed_plain()
    {
        var random = new Random(4);
        var builder = new ByteArrayDictionaryBuilder();
        var reference = new Dictionary<string, int>();
        var distinct = new List<string>();
        for (var i = 0; i < 30_000; i++)
        {
            var value = $"service-{random.Next(0, 3000)}" + (random.Next(10) == 0 ? new string('x', random.Next(0, 100)) : "");
            if (!reference.TryGetValue(value, out var expected))
            {
                expected = reference[value] = distinct.Count;
                distinct.Add(value);
            }

            builder.GetOrAdd(System.Text.Encoding.UTF8.GetBytes(value)).Should().Be(expected);
        }

        builder.GetOrAdd([]).Should().Be(distinct.Count); // the empty value is a value too
        distinct.Add("");
        builder.PlainEncodedSize.Should().Be(distinct.Sum(s => 4L + s.Length));
        System.Text.Encoding.UTF8.GetString(builder[7]).Should().Be(distinct[7]);

        var page = new ByteBuffer();
        builder.WriteDictionaryPage(page);
        page.Length.Should().Be((int)builder.PlainEncodedSize);
        var decoder = new PlainDecoder();
        decoder.Reset(page.ToArray(), PhysicalType.ByteArray);
        for (var i = 0; i < distinct.Count; i++)
        {
            System.Text.Encoding.UTF8.GetString(decoder.ReadByteArray()).Should().Be(distinct[i]);
        }
    }

    [Fact]
    public void Fixed_length_dictionary_has_no_length_prefixes_and_checks_the_width()
    {
        var builder = new ByteArrayDictionaryBuilder(fixedLength: 16);
        var a = Guid.NewGuid().ToByteArray();
        var b = Guid.NewGuid().ToByteArray();
        builder.GetOrAdd(a).Should().Be(0);
        builder.GetOrAdd(b).Should().Be(1);
        builder.GetOrAdd(a).Should().Be(0);
        builder.PlainEncodedSize.Should().Be(32);
        var page = new ByteBuffer();
        builder.WriteDictionaryPage(page);
        page.ToArray().Should().Equal(a.Concat(b));

        var act = () => builder.GetOrAdd(new byte[15]);
        act.Should().Throw<ArgumentException>();
    }
}
