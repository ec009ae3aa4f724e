using System.Buffers;
using Google.Protobuf;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Core.Tests.Wire;

public sealed class VarintTests
{
    public static TheoryData<ulong> Boundaries()
    {
        // the loop reaches 63 bits, so long.MaxValue and 1 << 63 (the 9- and 10-byte edges) are in it
        var data = new TheoryData<ulong> { 0, ulong.MaxValue };
        for (var bits = 7; bits < 64; bits += 7)
        {
            data.Add((1UL << bits) - 1);
            data.Add(1UL << bits);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Size_and_bytes_match_Google_Protobuf(ulong value)
    {
        var expected = GoogleVarint(value);

        Varint.Size(value).Should().Be(expected.Length).And.Be(CodedOutputStream.ComputeUInt64Size(value));
        if (value <= uint.MaxValue)
        {
            Varint.Size((uint)value).Should().Be(CodedOutputStream.ComputeUInt32Size((uint)value));
        }

        var written = new byte[Varint.MaxLength];
        Varint.Write(written, value).Should().Be(expected.Length);
        written[..expected.Length].Should().Equal(expected);

        Varint.Read(expected, out var read, out var length).Should().Be(OperationStatus.Done);
        read.Should().Be(value);
        length.Should().Be(expected.Length);
    }

    [Fact]
    public void The_largest_value_takes_the_maximum_ten_bytes_the_last_holding_one_bit()
    {
        var bytes = new byte[Varint.MaxLength];
        Varint.Write(bytes, ulong.MaxValue).Should().Be(10);
        bytes.Should().Equal(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
    }

    [Fact]
    public void Writing_into_a_too_short_destination_throws()
    {
        var act = () => Varint.Write(new byte[1], 300);
        act.Should().Throw<IndexOutOfRangeException>();
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void A_varint_cut_short_needs_more_data(byte[] bytes)
    {
        Varint.Read(bytes, out _, out var length).Should().Be(OperationStatus.NeedMoreData);
        length.Should().Be(0);
    }

    [Theory]
    // Eleven bytes: past the ten a 64-bit value can take.
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 })]
    // A tenth byte with bits beyond the 64th.
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 })]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F })]
    public void An_overlong_or_overflowing_varint_is_invalid(byte[] bytes)
    {
        Varint.Read(bytes, out _, out _).Should().Be(OperationStatus.InvalidData);
    }

    [Fact]
    public void A_non_minimal_varint_within_ten_bytes_is_read_as_protobuf_parsers_read_it()
    {
        Varint.Read([0x80, 0x80, 0x00, 0x2A], out var value, out var length).Should().Be(OperationStatus.Done);
        value.Should().Be(0);
        length.Should().Be(3);
        new CodedInputStream([0x80, 0x80, 0x00]).ReadUInt64().Should().Be(0);
    }

    [Theory]
    // The protobuf encoding guide's ZigZag table, plus the extremes.
    [InlineData(0, 0u)]
    [InlineData(-1, 1u)]
    [InlineData(1, 2u)]
    [InlineData(-2, 3u)]
    [InlineData(int.MaxValue, 0xFFFFFFFEu)]
    [InlineData(int.MinValue, 0xFFFFFFFFu)]
    public void ZigZag_32(int value, uint encoded)
    {
        Varint.ZigZagEncode(value).Should().Be(encoded);
        Varint.ZigZagDecode(encoded).Should().Be(value);
    }

    [Theory]
    [InlineData(0L, 0UL)]
    [InlineData(-1L, 1UL)]
    [InlineData(1L, 2UL)]
    [InlineData(-2L, 3UL)]
    [InlineData(long.MaxValue, 0xFFFFFFFFFFFFFFFEUL)]
    [InlineData(long.MinValue, 0xFFFFFFFFFFFFFFFFUL)]
    public void ZigZag_64(long value, ulong encoded)
    {
        Varint.ZigZagEncode(value).Should().Be(encoded);
        Varint.ZigZagDecode(encoded).Should().Be(value);

        // sint64 on the wire is the varint of the ZigZag value, as Google.Protobuf writes it.
        var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteSInt64(value);
        output.Flush();
        stream.ToArray().Should().Equal(GoogleVarint(encoded));
    }

    [Fact]
    public void Tags_pack_field_number_and_wire_type()
    {
        WireTag.Make(1, WireType.LengthDelimited).Should().Be(WireFormat.MakeTag(1, WireFormat.WireType.LengthDelimited));
        WireTag.Make(16, WireType.Fixed32).Should().Be(WireFormat.MakeTag(16, WireFormat.WireType.Fixed32));
        WireTag.Make(WireTag.MaxFieldNumber, WireType.Varint).Should().Be(WireFormat.MakeTag(WireTag.MaxFieldNumber, WireFormat.WireType.Varint));
        WireTag.SingleByte(15, WireType.LengthDelimited).Should().Be(0x7A);
        FluentActions.Invoking(() => WireTag.SingleByte(16, WireType.LengthDelimited)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => WireTag.SingleByte(0, WireType.Varint)).Should().Throw<ArgumentOutOfRangeException>();
    }

    internal static byte[] GoogleVarint(ulong value)
    {
        var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteUInt64(value);
        output.Flush();
        return stream.ToArray();
    }
}
