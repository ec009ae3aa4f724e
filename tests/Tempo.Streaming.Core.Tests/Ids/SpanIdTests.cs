using Tempo.Streaming.Core.Ids;

namespace Tempo.Streaming.Core.Tests.Ids;

public sealed class SpanIdTests
{
    [Theory]
    [InlineData("1112131415161718", "1112131415161718")]
    [InlineData("11121314151617AB", "11121314151617ab")]
    [InlineData("abc", "0000000000000abc")]
    [InlineData("0", "0000000000000000")]
    // Tempo's HexStringToSpanID strips leading '0' characters before the 64-bit check
    [InlineData("00000000001112131415161718", "1112131415161718")]
    public void Parses_like_tempos_HexStringToSpanID(string hex, string expected)
    {
        Span<byte> id = stackalloc byte[SpanId.Length];
        SpanId.TryParseHex(hex, id).Should().BeTrue();
        Convert.ToHexStringLower(id).Should().Be(expected);
        SpanId.ParseHex(hex).ToString().Should().Be(expected);
    }

    [Fact]
    public void Rejects_more_than_64_significant_bits()
    {
        SpanId.TryParseHex("111213141516171819", out _, out var error).Should().BeFalse();
        error.Kind.Should().Be(HexIdErrorKind.TooLong);
        error.Message.Should().Be("span IDs can't be larger than 64 bits");
    }

    [Theory]
    [InlineData("11121314151617zz", 'z', 15)]
    [InlineData("0000g", 'g', 5)] // position counts the stripped zeros too
    public void Rejects_non_hex_characters_with_their_position(string hex, char bad, int position)
    {
        SpanId.TryParseHex(hex, out _, out var error).Should().BeFalse();
        error.Kind.Should().Be(HexIdErrorKind.InvalidCharacter);
        error.Message.Should().Be($"span IDs can only contain hex characters: invalid character '{bad}' at position {position}");
    }

    [Fact]
    public void Rejects_empty_text_and_throws_FormatException_from_ParseHex()
    {
        SpanId.TryParseHex("", out _, out var error).Should().BeFalse();
        error.Kind.Should().Be(HexIdErrorKind.Empty);
        var parse = () => SpanId.ParseHex("");
        parse.Should().Throw<FormatException>().WithMessage("span ID is empty");
    }

    [Fact]
    public void Destination_must_be_8_bytes()
    {
        var parse = () => SpanId.TryParseHex("01", new byte[16]);
        parse.Should().Throw<ArgumentException>().WithMessage("*exactly 8 bytes*");
    }

    [Theory]
    [InlineData("1112131415161718", "1112131415161718")]
    [InlineData("0000000000000abc", "0000000000000abc")] // always 16 characters
    [InlineData("0abc", "0000000000000abc")]             // short IDs are left-padded, as SpanIDToHexString does
    [InlineData("", "0000000000000000")]
    [InlineData("ff1112131415161718", "ff1112131415161718")] // longer than 8 bytes: all significant digits
    public void FormatHex_follows_SpanIDToHexString(string bytesHex, string expected)
    {
        var bytes = Convert.FromHexString(bytesHex);
        SpanId.ToHex(bytes).Should().Be(expected);

        Span<char> chars = stackalloc char[32];
        var written = SpanId.FormatHex(bytes, chars);
        new string(chars[..written]).Should().Be(expected);
    }

    [Fact]
    public void FormatHex_checks_the_destination()
    {
        var format = () => SpanId.FormatHex(new byte[8], new char[15]);
        format.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Value_round_trips_and_checks_zero()
    {
        var bytes = Convert.FromHexString("8112131415161718");
        var id = SpanId.FromBytes(bytes);
        id.ToByteArray().Should().Equal(bytes);
        id.ToString().Should().Be("8112131415161718");
        id.IsZero.Should().BeFalse();
        default(SpanId).IsZero.Should().BeTrue();
        (SpanId.ParseHex("1") < id).Should().BeTrue();

        Span<char> chars = stackalloc char[16];
        id.TryFormat(chars, out var written, default, null).Should().BeTrue();
        written.Should().Be(16);

        SpanId.IsValid(bytes).Should().BeTrue();
        SpanId.IsValid(new byte[8]).Should().BeFalse();
        SpanId.IsValid(new byte[16]).Should().BeFalse();
        SpanId.IsAllZero(new byte[8]).Should().BeTrue();
    }
}
