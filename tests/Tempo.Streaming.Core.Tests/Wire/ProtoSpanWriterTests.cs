using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Core.Tests.Wire;

public sealed class ProtoSpanWriterTests
{
    [Fact]
    public void Length_prefix_is_a_minimal_varint()
    {
        var buffer = new byte[8];
        var writer = new ProtoSpanWriter(buffer);
        writer.WriteLengthPrefix(0x12, 300);
        writer.Position.Should().Be(3);
        buffer[..3].Should().Equal(0x12, 0xAC, 0x02);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    [InlineData(2_097_152)]
    public void A_buffer_sized_by_LengthDelimitedSize_is_filled_exactly_with_Google_Protobuf_bytes(int length)
    {
        var value = new byte[length];
        Random.Shared.NextBytes(value);
        var buffer = new byte[ProtoSpanWriter.LengthDelimitedSize(length)];
        var writer = new ProtoSpanWriter(buffer);
        writer.WriteLengthDelimited(WireTag.SingleByte(7, WireType.LengthDelimited), value);

        writer.Position.Should().Be(buffer.Length);
        buffer.Should().Equal(new AnyValue { BytesValue = ByteString.CopyFrom(value) }.ToByteArray());
    }

    [Fact]
    public void Raw_bytes_are_copied_as_they_are()
    {
        var buffer = new byte[5];
        var writer = new ProtoSpanWriter(buffer);
        writer.WriteRaw([1, 2]);
        writer.WriteRaw([3, 4, 5]);
        buffer.Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public void Writing_past_the_sized_buffer_throws_instead_of_overrunning()
    {
        var act = () =>
        {
            var writer = new ProtoSpanWriter(new byte[3]);
            writer.WriteLengthDelimited(0x0A, [1, 2]);
        };
        act.Should().Throw<ArgumentException>();
    }
}
