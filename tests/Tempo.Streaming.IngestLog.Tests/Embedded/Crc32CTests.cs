using System.Text;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Embedded;

public sealed class Crc32CTests
{
    [Fact]
    public void Check_value_of_the_catalogue_matches()
    {
        // The "check" value of CRC-32/ISCSI in the CRC catalogue.
        Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")).Should().Be(0xE3069283u);
    }

    [Fact]
    public void Rfc3720_test_vectors_match()
    {
        // RFC 3720 (iSCSI) appendix B.4.
        Crc32C.Compute(new byte[32]).Should().Be(0x8A9136AAu);
        Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()).Should().Be(0x62A8AB43u);
        Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()).Should().Be(0x46DD794Eu);
        Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()).Should().Be(0x113FDB5Cu);
    }

    [Fact]
    public void Empty_input_has_crc_zero()
    {
        Crc32C.Compute(ReadOnlySpan<byte>.Empty).Should().Be(0u);
    }

    [Fact]
    public void Hardware_and_software_paths_agree_on_every_length_and_alignment()
    {
        var random = new Random(7);
        var data = new byte[4096 + 16];
        random.NextBytes(data);
        for (int length = 0; length < 300; length++)
        {
            for (int start = 0; start < 9; start++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(start, length);
                Crc32C.Compute(slice).Should().Be(~Crc32C.AppendSoftware(0xFFFFFFFFu, slice), $"length {length}, start {start}");
            }
        }
        Crc32C.Compute(data).Should().Be(~Crc32C.AppendSoftware(0xFFFFFFFFu, data));
    }

    [Fact]
    public void Crc_can_be_computed_incrementally()
    {
        byte[] data = Encoding.ASCII.GetBytes("123456789");
        uint running = Crc32C.Append(0xFFFFFFFFu, data.AsSpan(0, 4));
        running = Crc32C.Append(running, data.AsSpan(4));
        (~running).Should().Be(0xE3069283u);
    }
}
