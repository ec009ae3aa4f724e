using Tempo.Streaming.Core.Ids;

namespace Tempo.Streaming.Core.Tests.Ids;

public sealed class TraceIdTests
{
    [Theory]
    // full 32 characters, lower and upper case
    [InlineData("0102030405060708090a0b0c0d0e0f10", "0102030405060708090a0b0c0d0e0f10")]
    [InlineData("0102030405060708090A0B0C0D0E0F10", "0102030405060708090a0b0c0d0e0f10")]
    // leading zeros omitted (as search results print them) → left-padded
    [InlineData("102030405060708090a0b0c0d0e0f10", "0102030405060708090a0b0c0d0e0f10")]
    // odd length gets an implied leading zero
    [InlineData("abc", "00000000000000000000000000000abc")]
    [InlineData("1", "00000000000000000000000000000001")]
    // 64-bit (Jaeger/Zipkin style) IDs
    [InlineData("d3f0a9e1c2b4a5f6", "0000000000000000d3f0a9e1c2b4a5f6")]
    [InlineData("ffffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffff")]
    public void Parses_like_tempos_HexStringToTraceID(string hex, string expected)
    {
        Span<byte> id = stackalloc byte[TraceId.Length];
        TraceId.TryParseHex(hex, id).Should().BeTrue();
        Convert.ToHexStringLower(id).Should().Be(expected);

        TraceId.ParseHex(hex).ToString().Should().Be(expected);
    }

    [Theory]
    [InlineData("0102030405060708090a0b0c0d0e0f1011")] // 34 characters = 17 bytes
    [InlineData("000102030405060708090a0b0c0d0e0f10")] // leading zeros do not help: Tempo counts them
    [InlineData("1102030405060708090a0b0c0d0e0f101")]  // 33 characters (odd) = 17 bytes after padding
    public void Rejects_more_than_128_bits(string hex)
    {
        Span<byte> id = stackalloc byte[TraceId.Length];
        TraceId.TryParseHex(hex, id, out var error).Should().BeFalse();
        error.Kind.Should().Be(HexIdErrorKind.TooLong);
        error.Message.Should().Be("trace IDs can't be larger than 128 bits");
    }

    [Theory]
    [InlineData("0102030405060708090a0b0c0d0e0g10", 'g', 30)]
    [InlineData("0x1234", 'x', 2)]
    [InlineData("12 34", ' ', 3)]
    [InlineData("-1", '-', 1)]
    [InlineData("é", 'é', 1)]
    public void Rejects_non_hex_characters_with_their_position(string hex, char bad, int position)
    {
        Span<byte> id = stackalloc byte[TraceId.Length];
        TraceId.TryParseHex(hex, id, out var error).Should().BeFalse();
        error.Kind.Should().Be(HexIdErrorKind.InvalidCharacter);
        error.Character.Should().Be(bad);
        error.Position.Should().Be(position);
        error.Message.Should().Be($"trace IDs can only contain hex characters: invalid character '{bad}' at position {position}");
    }

    [Fact]
    public void Invalid_character_is_reported_even_when_the_text_is_also_too_long()
    {
        TraceId.TryParseHex(new string('a', 40) + "z", out _, out var error).Should().BeFalse();
        error.Kind.Should().Be(HexIdErrorKind.InvalidCharacter);
        error.Position.Should().Be(41);
    }

    [Fact]
    public void Rejects_empty_text()
    {
        TraceId.TryParseHex("", out _, out var error).Should().BeFalse();
        error.Kind.Should().Be(HexIdErrorKind.Empty);
        error.Message.Should().Be("trace ID is empty");
    }

    [Fact]
    public void ParseHex_throws_FormatException_with_the_message()
    {
        var parse = () => TraceId.ParseHex("xyz");
        parse.Should().Throw<FormatException>()
            .WithMessage("trace IDs can only contain hex characters: invalid character 'x' at position 1");
    }

    [Fact]
    public void Failed_parse_leaves_no_half_written_id_in_a_value()
    {
        TraceId.TryParseHex("zz", out var id, out _).Should().BeFalse();
        id.IsZero.Should().BeTrue();
    }

    [Fact]
    public void Destination_must_be_16_bytes()
    {
        var parse = () => TraceId.TryParseHex("01", new byte[8]);
        parse.Should().Throw<ArgumentException>().WithMessage("*exactly 16 bytes*");
    }

    [Theory]
    [InlineData("0102030405060708090a0b0c0d0e0f10", "102030405060708090a0b0c0d0e0f10")]
    [InlineData("00000000000000000000000000000abc", "abc")]
    [InlineData("0000000000000000d3f0a9e1c2b4a5f6", "d3f0a9e1c2b4a5f6")]
    [InlineData("f0000000000000000000000000000000", "f0000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000", "")] // Tempo's TrimLeft leaves nothing
    public void Search_hex_drops_leading_zeros_like_TraceIDToHexString(string full, string expected)
    {
        var bytes = Convert.FromHexString(full);
        TraceId.ToSearchHex(bytes).Should().Be(expected);
        TraceId.FromBytes(bytes).ToSearchHex().Should().Be(expected);

        Span<char> chars = stackalloc char[TraceId.HexLength];
        var written = TraceId.FormatSearchHex(bytes, chars);
        new string(chars[..written]).Should().Be(expected);
    }

    [Fact]
    public void Search_hex_parses_back_to_the_same_id()
    {
        var bytes = Convert.FromHexString("000000000000000000000000000000ab");
        TraceId.ParseHex(TraceId.ToSearchHex(bytes)).ToByteArray().Should().Equal(bytes);
    }

    [Fact]
    public void FormatHex_writes_32_lowercase_characters_and_checks_the_destination()
    {
        var bytes = Convert.FromHexString("0102030405060708090A0B0C0D0E0F10");
        Span<char> chars = stackalloc char[40];
        TraceId.FormatHex(bytes, chars).Should().Be(32);
        new string(chars[..32]).Should().Be("0102030405060708090a0b0c0d0e0f10");
        TraceId.ToHex(bytes).Should().Be("0102030405060708090a0b0c0d0e0f10");

        var tooSmall = () => TraceId.FormatHex(bytes, new char[31]);
        tooSmall.Should().Throw<ArgumentException>();
        var tooSmallForSearch = () => TraceId.FormatSearchHex(bytes, new char[30]);
        tooSmallForSearch.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void TryFormat_reports_a_small_destination()
    {
        var id = TraceId.ParseHex("abc");
        id.TryFormat(new char[31], out var written, default, null).Should().BeFalse();
        written.Should().Be(0);
        $"{id}".Should().Be("00000000000000000000000000000abc");
    }

    [Fact]
    public void Zero_and_validity_checks()
    {
        TraceId.IsAllZero(new byte[16]).Should().BeTrue();
        TraceId.IsAllZero(ReadOnlySpan<byte>.Empty).Should().BeTrue();
        TraceId.IsAllZero(Convert.FromHexString("00000000000000000000000000000001")).Should().BeFalse();

        TraceId.IsValid(Convert.FromHexString("00000000000000000000000000000001")).Should().BeTrue();
        TraceId.IsValid(new byte[16]).Should().BeFalse();
        TraceId.IsValid(Convert.FromHexString("0102030405060708")).Should().BeFalse();

        default(TraceId).IsZero.Should().BeTrue();
        TraceId.ParseHex("1").IsZero.Should().BeFalse();
    }

    [Fact]
    public void Value_round_trips_bytes_and_orders_bytewise()
    {
        var bytes = Convert.FromHexString("8102030405060708090a0b0c0d0e0f10");
        var id = TraceId.FromBytes(bytes);
        id.ToByteArray().Should().Equal(bytes);
        id.Should().Be(TraceId.ParseHex("8102030405060708090a0b0c0d0e0f10"));
        id.GetHashCode().Should().Be(TraceId.FromBytes(bytes).GetHashCode());

        // Byte-wise order (unsigned, most significant byte first) is the order of Tempo's block rows.
        var ordered = new[] { "ff", "8000000000000000", "0100000000000000ff", "80000000000000000000000000000000", "1" }
            .Select(static h => TraceId.ParseHex(h))
            .Order()
            .Select(static t => t.ToString());
        ordered.Should().Equal(
            "00000000000000000000000000000001",
            "000000000000000000000000000000ff",
            "00000000000000008000000000000000",
            "000000000000000100000000000000ff",
            "80000000000000000000000000000000");
        (TraceId.ParseHex("1") < TraceId.ParseHex("2")).Should().BeTrue();
    }

    [Fact]
    public void FromBytes_requires_16_bytes()
    {
        var create = () => TraceId.FromBytes(new byte[8]);
        create.Should().Throw<ArgumentException>().WithMessage("a trace ID is 16 bytes, got 8*");
    }

    [Theory]
    [InlineData("d3f0a9e1c2b4a5f6", "0000000000000000d3f0a9e1c2b4a5f6")]
    [InlineData("", "00000000000000000000000000000000")]
    [InlineData("0102030405060708090a0b0c0d0e0f10", "0102030405060708090a0b0c0d0e0f10")]
    [InlineData("ffee0102030405060708090a0b0c0d0e0f10", "0102030405060708090a0b0c0d0e0f10")] // keeps the last 16
    public void PadTo16Bytes_follows_PadTraceIDTo16Bytes(string source, string expected)
    {
        Span<byte> destination = stackalloc byte[16];
        destination.Fill(0xaa); // proves the padding is written, not assumed
        TraceId.PadTo16Bytes(Convert.FromHexString(source), destination);
        Convert.ToHexStringLower(destination).Should().Be(expected);
    }
}
