using Google.Protobuf;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Core.Tests.Wire;

public sealed class ProtoReaderTests
{
    [Fact]
    public void Reads_every_wire_type_Google_Protobuf_writes()
    {
        var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteUInt64(ulong.MaxValue);
        output.WriteTag(2, WireFormat.WireType.Fixed64);
        output.WriteFixed64(0x0102030405060708);
        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteString("héllo");
        output.WriteTag(4, WireFormat.WireType.Fixed32);
        output.WriteFixed32(0xA1B2C3D4);
        output.WriteTag(300, WireFormat.WireType.Varint);
        output.WriteInt32(-1); // sign-extended: ten bytes
        output.WriteTag(WireTag.MaxFieldNumber, WireFormat.WireType.Varint);
        output.WriteBool(true);
        output.Flush();
        var bytes = stream.ToArray();

        var reader = new ProtoReader(bytes, "Test");
        NextTag(ref reader).Should().Be((1, WireType.Varint));
        reader.ReadVarint(1, WireType.Varint).Should().Be(ulong.MaxValue);
        NextTag(ref reader).Should().Be((2, WireType.Fixed64));
        reader.ReadFixed64(2, WireType.Fixed64).Should().Be(0x0102030405060708);
        NextTag(ref reader).Should().Be((3, WireType.LengthDelimited));
        System.Text.Encoding.UTF8.GetString(reader.ReadBytes(3, WireType.LengthDelimited)).Should().Be("héllo");
        NextTag(ref reader).Should().Be((4, WireType.Fixed32));
        reader.ReadFixed32(4, WireType.Fixed32).Should().Be(0xA1B2C3D4);
        NextTag(ref reader).Should().Be((300, WireType.Varint));
        ((long)reader.ReadVarint(300)).Should().Be(-1);
        NextTag(ref reader).Should().Be((WireTag.MaxFieldNumber, WireType.Varint));
        reader.ReadVarint(WireTag.MaxFieldNumber).Should().Be(1);
        reader.TryReadTag(out _, out _).Should().BeFalse();
        reader.Position.Should().Be(bytes.Length);
    }

    [Fact]
    public void Skips_every_wire_type_and_returns_absolute_positions_of_nested_messages()
    {
        // A 3-byte prefix outside the message, then: 1: varint 300, 2: fixed64, 3: fixed32, 4: bytes "abc".
        byte[] payload = [0xEE, 0xEE, 0xEE, 0x08, 0xAC, 0x02, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1D, 1, 2, 3, 4, 0x22, 3, (byte)'a', (byte)'b', (byte)'c'];
        var reader = new ProtoReader(payload, 3, payload.Length, "Outer");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 4)
            {
                reader.ReadLengthDelimited(field, wireType).Should().Be((22, 3));
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }

        reader.Position.Should().Be(payload.Length);
    }

    [Fact]
    public void A_nested_reader_stops_at_the_end_of_its_message_not_of_the_payload()
    {
        // The inner range holds one varint field, and the payload continues with bytes that must not be read.
        byte[] payload = [0x08, 0x96, 0x01, 0x10, 0x05];
        var reader = new ProtoReader(payload, 0, 3, "Inner");
        reader.TryReadTag(out var field, out var wireType).Should().BeTrue();
        reader.ReadVarint(field, wireType).Should().Be(150);
        reader.TryReadTag(out _, out _).Should().BeFalse();

        // A varint whose continuation byte lies outside the range is truncated, even though the payload has it.
        Invalid(() =>
        {
            var r = new ProtoReader(payload, 0, 2, "Inner");
            r.TryReadTag(out var f, out _);
            r.ReadVarint(f);
        }).Should().Be("invalid protobuf: truncated varint field 1 in Inner at byte 1");
    }

    [Fact]
    public void A_ten_byte_varint_is_the_longest_accepted()
    {
        byte[] max = [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];
        var reader = new ProtoReader(max, "Test");
        reader.TryReadTag(out var field, out _);
        reader.ReadVarint(field).Should().Be(ulong.MaxValue);

        byte[] overlong = [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
        ReadFirstVarint(overlong).Should().Be("invalid protobuf: malformed varint field 1 in Test at byte 1");

        byte[] overflowing = [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02];
        ReadFirstVarint(overflowing).Should().Be("invalid protobuf: malformed varint field 1 in Test at byte 1");
    }

    [Theory]
    [InlineData(new byte[] { 0x08 })]
    [InlineData(new byte[] { 0x08, 0x80 })]
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void A_truncated_varint_is_rejected_with_its_position(byte[] bytes) =>
        ReadFirstVarint(bytes).Should().Be("invalid protobuf: truncated varint field 1 in Test at byte 1");

    [Fact]
    public void A_length_past_the_end_of_the_message_is_rejected_with_what_is_left()
    {
        // KeyValue { key = "k" (complete), value = 5 bytes claimed, 2 present }
        byte[] bytes = [0x0A, 0x01, (byte)'k', 0x12, 0x05, 0x01, 0x02];
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "KeyValue");
            while (reader.TryReadTag(out var field, out var wireType))
            {
                reader.ReadLengthDelimited(field, wireType);
            }
        }).Should().Be("invalid protobuf: truncated length-delimited field 2 in KeyValue at byte 4 (length 5, 2 bytes left)");
    }

    [Fact]
    public void A_length_that_does_not_fit_an_int_is_rejected_not_wrapped()
    {
        byte[] bytes = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "M");
            reader.TryReadTag(out var field, out var wireType);
            reader.ReadBytes(field, wireType);
        }).Should().Be("invalid protobuf: truncated length-delimited field 1 in M at byte 1 (length 4294967295, 0 bytes left)");
    }

    [Theory]
    [InlineData(new byte[] { 0x09, 1, 2, 3, 4, 5, 6, 7 }, "invalid protobuf: truncated fixed64 field 1 in Test at byte 1")]
    [InlineData(new byte[] { 0x0D, 1, 2, 3 }, "invalid protobuf: truncated fixed32 field 1 in Test at byte 1")]
    public void Truncated_fixed_fields_are_rejected(byte[] bytes, string expected)
    {
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "Test");
            reader.TryReadTag(out var field, out var wireType);
            reader.Skip(field, wireType);
        }).Should().Be(expected);
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "Test");
            reader.TryReadTag(out var field, out var wireType);
            if (wireType == WireType.Fixed64)
            {
                reader.ReadFixed64(field, wireType);
            }
            else
            {
                reader.ReadFixed32(field, wireType);
            }
        }).Should().Be(expected);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01 }, "invalid protobuf: field number 0 in Test at byte 0")]
    [InlineData(new byte[] { 0x0E }, "invalid protobuf: unknown wire type 6 for field 1 in Test at byte 0")]
    [InlineData(new byte[] { 0x0F }, "invalid protobuf: unknown wire type 7 for field 1 in Test at byte 0")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "invalid protobuf: tag varint overflows 32 bits in Test at byte 0")]
    [InlineData(new byte[] { 0x80 }, "invalid protobuf: truncated varint field 0 in Test at byte 0")]
    public void Malformed_tags_are_rejected(byte[] bytes, string expected) =>
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "Test");
            reader.TryReadTag(out _, out _);
        }).Should().Be(expected);

    [Fact]
    public void Groups_cannot_be_skipped()
    {
        Invalid(() =>
        {
            var reader = new ProtoReader([0x0B, 0x0C], "Test");
            reader.TryReadTag(out var field, out var wireType);
            reader.Skip(field, wireType);
        }).Should().Be("invalid protobuf: unsupported group wire type for field 1 in Test at byte 0");
    }

    [Fact]
    public void A_field_of_the_wrong_wire_type_is_named_with_both_types()
    {
        const string expected = "invalid protobuf: wrong wire type 0 (Varint) for field 2 in Span at byte 0, expected 2 (LengthDelimited)";
        byte[] bytes = [0x10, 0x01];
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "Span");
            reader.TryReadTag(out var field, out var wireType);
            reader.ReadLengthDelimited(field, wireType);
        }).Should().Be(expected);
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "Span");
            reader.TryReadTag(out var field, out var wireType);
            reader.SkipExpected(field, wireType, WireType.LengthDelimited);
        }).Should().Be(expected);
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "Span");
            reader.TryReadTag(out var field, out var wireType);
            reader.ReadFixed32(field, wireType);
        }).Should().Be("invalid protobuf: wrong wire type 0 (Varint) for field 2 in Span at byte 0, expected 5 (Fixed32)");
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(3, 2)]
    [InlineData(0, 5)]
    public void A_range_outside_the_payload_is_refused_at_construction(int start, int end)
    {
        Action act = () => _ = new ProtoReader(new byte[4], start, end, "Test");
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static (int, WireType) NextTag(ref ProtoReader reader)
    {
        reader.TryReadTag(out var field, out var wireType).Should().BeTrue();
        return (field, wireType);
    }

    private static string ReadFirstVarint(byte[] bytes) =>
        Invalid(() =>
        {
            var reader = new ProtoReader(bytes, "Test");
            reader.TryReadTag(out var field, out var wireType);
            reader.ReadVarint(field, wireType);
        });

    private static string Invalid(Action read)
    {
        var exception = FluentActions.Invoking(read).Should().Throw<InvalidProtobufException>().Which;
        exception.Should().BeAssignableTo<FormatException>();
        return exception.Message;
    }
}
