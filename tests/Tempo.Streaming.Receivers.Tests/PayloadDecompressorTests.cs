using Tempo.Streaming.Receivers.Buffers;
using Tempo.Streaming.Receivers.Tests.Support;

namespace Tempo.Streaming.Receivers.Tests;

public sealed class PayloadDecompressorTests
{
    private static readonly byte[] Data = MakeData();

    [Theory]
    [InlineData(ContentCoding.Gzip)]
    [InlineData(ContentCoding.Deflate)]
    public void Round_trips(ContentCoding coding)
    {
        using var output = PayloadDecompressor.Decompress(Compress(coding), coding, Data.Length);

        output.WrittenSpan.ToArray().Should().Equal(Data);
    }

    [Theory]
    [InlineData(ContentCoding.Gzip, 2)]
    [InlineData(ContentCoding.Gzip, 4)]
    [InlineData(ContentCoding.Deflate, 2)]
    [InlineData(ContentCoding.Deflate, 1)]
    public void Truncated_input_is_invalid_not_silently_short(ContentCoding coding, int cutBytes)
    {
        var compressed = Compress(coding);
        var truncated = compressed[..(compressed.Length / cutBytes == compressed.Length ? compressed.Length - 1 : compressed.Length / cutBytes)];

        var act = () => PayloadDecompressor.Decompress(truncated, coding, Data.Length).Dispose();

        act.Should().Throw<InvalidDataException>().WithMessage("*truncated or corrupt*");
    }

    [Fact]
    public void Output_over_the_limit_is_refused()
    {
        var act = () => PayloadDecompressor.Decompress(Compress(ContentCoding.Gzip), ContentCoding.Gzip, Data.Length - 1).Dispose();

        act.Should().Throw<PayloadTooLargeException>();
    }

    [Theory]
    [InlineData("", ContentCoding.Identity)]
    [InlineData("identity", ContentCoding.Identity)]
    [InlineData("GZIP", ContentCoding.Gzip)]
    [InlineData("deflate", ContentCoding.Deflate)]
    public void Parses_codings(string token, ContentCoding expected)
    {
        PayloadDecompressor.TryParseCoding(token, out var coding).Should().BeTrue();
        coding.Should().Be(expected);
    }

    [Fact]
    public void Rejects_unknown_codings() => PayloadDecompressor.TryParseCoding("zstd", out _).Should().BeFalse();

    private static byte[] Compress(ContentCoding coding) => coding == ContentCoding.Gzip ? Payloads.Gzip(Data) : Payloads.Zlib(Data);

    private static byte[] MakeData()
    {
        var data = new byte[200_000];
        new Random(7).NextBytes(data.AsSpan(0, 100_000));
        return data;
    }
}
