using Google.Protobuf;
using Tempo.Streaming.Distributor.Wire;

namespace Tempo.Streaming.Distributor.Tests;

public sealed class WireTests
{
    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(127u)]
    [InlineData(128u)]
    [InlineData(16_383u)]
    [InlineData(16_384u)]
    [InlineData(2_097_151u)]
    [InlineData(2_097_152u)]
    [InlineData(268_435_455u)]
    [InlineData(268_435_456u)]
    [InlineData(uint.MaxValue)]
    public void Varint_size_matches_Google_Protobuf(uint value)
    {
        ProtoWriter.VarintSize(value).Should().Be(CodedOutputStream.ComputeUInt32Size(value));
    }

    [Fact]
    public void Length_prefix_is_a_minimal_varint()
    {
        var buffer = new byte[8];
        var writer = new ProtoWriter(buffer);
        writer.WriteLengthPrefix(0x12, 300);
        writer.Position.Should().Be(3);
        buffer[..3].Should().Equal(0x12, 0xAC, 0x02);
    }
}
