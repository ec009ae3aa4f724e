using System.Buffers;
using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Core.Tests.Wire;

public sealed class ProtoBufferWriterTests
{
    private static readonly uint KeyTag = WireTag.Make(1, WireType.LengthDelimited);
    private static readonly uint ValueTag = WireTag.Make(2, WireType.LengthDelimited);

    [Fact]
    public void Field_writers_produce_Google_Protobuf_bytes()
    {
        var expected = new Span
        {
            TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
            Name = "GET /api/cart",
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = 1_700_000_000_123_456_789,
            DroppedAttributesCount = 300,
            Flags = 0x301,
        };

        using var writer = new ProtoBufferWriter();
        var id = writer.ReserveBytesField(WireTag.Make(1, WireType.LengthDelimited), 16);
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = (byte)(i + 1);
        }

        writer.WriteBytesField(WireTag.Make(5, WireType.LengthDelimited), "GET /api/cart"u8);
        writer.WriteVarintField(WireTag.Make(6, WireType.Varint), (ulong)Span.Types.SpanKind.Server);
        writer.WriteFixed64Field(WireTag.Make(7, WireType.Fixed64), 1_700_000_000_123_456_789);
        writer.WriteVarintField(WireTag.Make(10, WireType.Varint), 300);
        writer.WriteFixed32Field(WireTag.Make(16, WireType.Fixed32), 0x301);

        writer.WrittenSpan.ToArray().Should().Equal(expected.ToByteArray());
    }

    [Theory]
    // The reserve matches, is too small (the body moves right) and too large (it moves left).
    [InlineData(1, 10)]
    [InlineData(1, 200)]
    [InlineData(2, 20_000)]
    [InlineData(3, 5)]
    [InlineData(5, 1)]
    public void Nested_lengths_end_up_minimal_whatever_was_reserved(int reserve, int valueLength)
    {
        var value = new string('v', valueLength);
        var expected = new KeyValue { Key = "k", Value = new AnyValue { StringValue = value } };
        var wrapper = new KeyValueList { Values = { expected, expected } };

        using var writer = new ProtoBufferWriter(16);
        for (var i = 0; i < 2; i++)
        {
            var keyValue = writer.BeginLengthDelimited(KeyTag, reserve);
            writer.WriteBytesField(KeyTag, "k"u8);
            var anyValue = writer.BeginLengthDelimited(ValueTag, reserve);
            writer.WriteBytesField(KeyTag, Encoding.UTF8.GetBytes(value));
            writer.EndLengthDelimited(anyValue);
            writer.EndLengthDelimited(keyValue);
        }

        writer.WrittenSpan.ToArray().Should().Equal(wrapper.ToByteArray());
    }

    [Fact]
    public void Plain_writes_after_Ensure_and_growth_keep_what_was_written()
    {
        using var writer = new ProtoBufferWriter();
        var expected = new List<byte>();
        for (var i = 0; i < 10_000; i++)
        {
            writer.Ensure(1 + Varint.MaxLength + 8 + 4 + 3);
            writer.WriteByte((byte)i);
            writer.WriteVarint((ulong)i * 1_000_003);
            writer.WriteFixed64((ulong)i);
            writer.WriteFixed32((uint)i);
            writer.WriteBytes([1, 2, 3]);

            expected.Add((byte)i);
            expected.AddRange(VarintTests.GoogleVarint((ulong)i * 1_000_003));
            expected.AddRange(BitConverter.GetBytes((ulong)i));
            expected.AddRange(BitConverter.GetBytes((uint)i));
            expected.AddRange(new byte[] { 1, 2, 3 });
        }

        writer.Position.Should().Be(expected.Count);
        writer.WrittenSpan.ToArray().Should().Equal(expected);
        writer.WrittenMemory.ToArray().Should().Equal(expected);
    }

    [Fact]
    public void A_plain_write_without_room_throws_instead_of_overrunning()
    {
        using var writer = new ProtoBufferWriter();
        var act = () => writer.WriteByte(1);
        act.Should().Throw<IndexOutOfRangeException>();
    }

    [Fact]
    public void Detach_hands_over_the_buffer_and_the_writer_starts_afresh()
    {
        var writer = new ProtoBufferWriter();
        writer.WriteBytesField(KeyTag, "abc"u8);
        var buffer = writer.Detach(out var length);
        buffer.AsSpan(0, length).ToArray().Should().Equal(0x0A, 3, (byte)'a', (byte)'b', (byte)'c');
        writer.Position.Should().Be(0);

        writer.WriteBytesField(KeyTag, "z"u8);
        writer.WrittenSpan.ToArray().Should().Equal(0x0A, 1, (byte)'z');
        buffer[2].Should().Be((byte)'a', "the detached buffer belongs to the caller now");
        ArrayPool<byte>.Shared.Return(buffer);
        writer.Dispose();
    }

    [Fact]
    public void Reset_Truncate_and_in_place_rewrites()
    {
        using var writer = new ProtoBufferWriter(64);
        writer.WriteBytesField(KeyTag, "abcd"u8);
        writer.GetWrittenSpan(2)[0] = (byte)'A';
        writer.Truncate(4);
        writer.WrittenSpan.ToArray().Should().Equal(0x0A, 4, (byte)'A', (byte)'b');
        FluentActions.Invoking(() => writer.Truncate(5)).Should().Throw<ArgumentOutOfRangeException>();

        writer.Reset();
        writer.Position.Should().Be(0);
        writer.Dispose();
        writer.WriteVarintField(0x08, 1);
        writer.WrittenSpan.ToArray().Should().Equal(0x08, 1);
    }
}
