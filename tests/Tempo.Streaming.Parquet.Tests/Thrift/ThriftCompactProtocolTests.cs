using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Tests.Thrift;

public class ThriftCompactProtocolTests
{
    [Fact]
    public void Field_headers_use_deltas_and_the_long_form_with_known_bytes()
    {
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        w.WriteI32Field(1, 1);        // delta 1, type 5: 0x15, zigzag(1) = 2
        w.WriteBoolField(2, true);    // delta 1, type 1: 0x11
        w.WriteBoolField(3, false);   // delta 1, type 2: 0x12
        w.WriteI64Field(20, -1);      // delta 17 > 15: long form 0x06, zigzag i16 20 = 40 = 0x28, zigzag(-1) = 1
        w.WriteStringField(5, "ab");  // backwards: long form 0x08, 0x0A, length 2, 'a' 'b'
        w.WriteStructEnd();

        output.ToArray().Should().Equal(0x15, 0x02, 0x11, 0x12, 0x06, 0x28, 0x01, 0x08, 0x0A, 0x02, 0x61, 0x62, 0x00);

        var r = new ThriftCompactReader(output.WrittenSpan);
        r.ReadStructBegin();
        r.ReadFieldHeader(out var id, out var type).Should().BeTrue();
        (id, type).Should().Be(((short)1, ThriftType.I32));
        r.ReadI32().Should().Be(1);
        r.ReadFieldHeader(out id, out type);
        (id, type, r.ReadBool()).Should().Be(((short)2, ThriftType.Bool, true));
        r.ReadFieldHeader(out id, out type);
        (id, type, r.ReadBool()).Should().Be(((short)3, ThriftType.Bool, false));
        r.ReadFieldHeader(out id, out type);
        (id, type, r.ReadI64()).Should().Be(((short)20, ThriftType.I64, -1L));
        r.ReadFieldHeader(out id, out type);
        (id, type, r.ReadString()).Should().Be(((short)5, ThriftType.Binary, "ab"));
        r.ReadFieldHeader(out _, out _).Should().BeFalse();
        r.ReadStructEnd();
        r.Remaining.Should().Be(0);
    }

    [Fact]
    public void Every_value_kind_round_trips_including_long_lists_maps_and_nested_structs()
    {
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        w.WriteByteField(1, -5);
        w.WriteI16Field(2, short.MinValue);
        w.WriteI32Field(3, int.MaxValue);
        w.WriteI64Field(4, long.MinValue);
        w.WriteDoubleField(5, Math.PI);
        w.WriteBinaryField(6, new byte[] { 0, 255, 7 });
        w.WriteFieldBegin(7, ThriftType.List);
        w.WriteListBegin(ThriftType.I64, 100); // long size form
        for (var i = 0; i < 100; i++)
        {
            w.WriteI64(i * 1_000_000_007L);
        }

        w.WriteFieldBegin(8, ThriftType.List);
        w.WriteListBegin(ThriftType.Bool, 3);
        w.WriteBool(true);
        w.WriteBool(false);
        w.WriteBool(true);
        w.WriteFieldBegin(9, ThriftType.Map);
        w.WriteMapBegin(ThriftType.Binary, ThriftType.I32, 2);
        w.WriteString("x");
        w.WriteI32(-1);
        w.WriteString("y");
        w.WriteI32(2);
        w.WriteFieldBegin(300, ThriftType.Struct); // nested struct with its own field ids
        w.WriteStructBegin();
        w.WriteI32Field(1, 42);
        w.WriteStructEnd();
        w.WriteI32Field(301, 7); // the outer field id continues from 300
        w.WriteStructEnd();

        var r = new ThriftCompactReader(output.WrittenSpan);
        r.ReadStructBegin();
        Next(ref r, 1, ThriftType.Byte);
        r.ReadByte().Should().Be(-5);
        Next(ref r, 2, ThriftType.I16);
        r.ReadI16().Should().Be(short.MinValue);
        Next(ref r, 3, ThriftType.I32);
        r.ReadI32().Should().Be(int.MaxValue);
        Next(ref r, 4, ThriftType.I64);
        r.ReadI64().Should().Be(long.MinValue);
        Next(ref r, 5, ThriftType.Double);
        r.ReadDouble().Should().Be(Math.PI);
        Next(ref r, 6, ThriftType.Binary);
        r.ReadBinary().ToArray().Should().Equal(0, 255, 7);
        Next(ref r, 7, ThriftType.List);
        r.ReadListBegin(out var elementType).Should().Be(100);
        elementType.Should().Be(ThriftType.I64);
        for (var i = 0; i < 100; i++)
        {
            r.ReadI64().Should().Be(i * 1_000_000_007L);
        }

        Next(ref r, 8, ThriftType.List);
        r.ReadListBegin(out elementType).Should().Be(3);
        elementType.Should().Be(ThriftType.Bool);
        new[] { r.ReadBool(), r.ReadBool(), r.ReadBool() }.Should().Equal(true, false, true);
        Next(ref r, 9, ThriftType.Map);
        r.ReadMapBegin(out var keyType, out var valueType).Should().Be(2);
        (keyType, valueType).Should().Be((ThriftType.Binary, ThriftType.I32));
        (r.ReadString(), r.ReadI32(), r.ReadString(), r.ReadI32()).Should().Be(("x", -1, "y", 2));
        Next(ref r, 300, ThriftType.Struct);
        r.ReadStructBegin();
        Next(ref r, 1, ThriftType.I32);
        r.ReadI32().Should().Be(42);
        r.ReadFieldHeader(out _, out _).Should().BeFalse();
        r.ReadStructEnd();
        Next(ref r, 301, ThriftType.I32);
        r.ReadI32().Should().Be(7);
        r.ReadFieldHeader(out _, out _).Should().BeFalse();
        r.ReadStructEnd();
    }

    [Fact]
    public void Skip_passes_over_every_type_and_lands_on_the_next_field()
    {
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        WriteOneOfEverything(w, 100);
        w.WriteI32Field(200, 12345);
        w.WriteStructEnd();

        var r = new ThriftCompactReader(output.WrittenSpan);
        r.ReadStructBegin();
        while (r.ReadFieldHeader(out var id, out var type))
        {
            if (id == 200)
            {
                r.ReadI32().Should().Be(12345);
                continue;
            }

            r.Skip(type);
        }

        r.ReadStructEnd();
        r.Remaining.Should().Be(0);
    }

    [Fact]
    public void A_uuid_field_from_a_newer_writer_is_skipped()
    {
        var bytes = new List<byte> { 0x1D }; // field 1, type 13 (uuid)
        bytes.AddRange(new byte[16]);
        bytes.AddRange(new byte[] { 0x15, 0x04, 0x00 }); // field 2 i32 = 2, stop
        var r = new ThriftCompactReader(bytes.ToArray());
        r.ReadStructBegin();
        r.ReadFieldHeader(out _, out var type);
        r.Skip(type);
        r.ReadFieldHeader(out var id, out _);
        id.Should().Be(2);
        r.ReadI32().Should().Be(2);
    }

    [Fact]
    public void Deep_nesting_is_refused_with_a_clear_message()
    {
        var bytes = new List<byte>();
        for (var i = 0; i < 200; i++)
        {
            bytes.Add(0x1C); // field 1, struct
        }

        bytes.AddRange(Enumerable.Repeat((byte)0, 201));
        var act = () =>
        {
            var r = new ThriftCompactReader(bytes.ToArray());
            r.Skip(ThriftType.Struct);
        };
        act.Should().Throw<ParquetFormatException>().WithMessage("*nest deeper*");
    }

    [Fact]
    public void Huge_list_and_binary_sizes_fail_before_allocating()
    {
        var act = () =>
        {
            // list header: size 15 (long form), element type i32, varint size 0x7FFFFFFF
            var r = new ThriftCompactReader(new byte[] { 0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x01 });
            r.ReadListBegin(out _);
        };
        act.Should().Throw<ParquetFormatException>().WithMessage("*cannot fit*");

        act = () =>
        {
            var r = new ThriftCompactReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01 });
            r.ReadBinary();
        };
        act.Should().Throw<ParquetFormatException>();
    }

    [Fact]
    public void Truncation_at_every_length_and_random_corruption_only_raise_format_errors()
    {
        var output = new ByteBuffer();
        var w = new ThriftCompactWriter(output);
        w.WriteStructBegin();
        WriteOneOfEverything(w, 1);
        w.WriteStructEnd();
        var full = output.ToArray();

        for (var length = 0; length < full.Length; length++)
        {
            var prefix = full[..length];
            var act = () =>
            {
                var r = new ThriftCompactReader(prefix);
                r.Skip(ThriftType.Struct);
            };
            act.Should().Throw<ParquetFormatException>($"a struct cut to {length} of {full.Length} bytes is incomplete");
        }

        var random = new Random(3);
        for (var trial = 0; trial < 3000; trial++)
        {
            var corrupt = (byte[])full.Clone();
            for (var k = 0; k < 3; k++)
            {
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            }

            try
            {
                var r = new ThriftCompactReader(corrupt);
                r.Skip(ThriftType.Struct);
            }
            catch (ParquetFormatException)
            {
            }
        }
    }

    private static void Next(ref ThriftCompactReader r, short expectedId, ThriftType expectedType)
    {
        r.ReadFieldHeader(out var id, out var type).Should().BeTrue();
        id.Should().Be(expectedId);
        type.Should().Be(expectedType);
    }

    private static void WriteOneOfEverything(ThriftCompactWriter w, short firstId)
    {
        var id = firstId;
        w.WriteBoolField(id++, true);
        w.WriteByteField(id++, 3);
        w.WriteI16Field(id++, -300);
        w.WriteI32Field(id++, 1 << 30);
        w.WriteI64Field(id++, long.MaxValue);
        w.WriteDoubleField(id++, -0.5);
        w.WriteStringField(id++, "héllo");
        w.WriteFieldBegin(id++, ThriftType.List);
        w.WriteListBegin(ThriftType.Struct, 20);
        for (var i = 0; i < 20; i++)
        {
            w.WriteStructBegin();
            w.WriteI32Field(1, i);
            w.WriteFieldBegin(2, ThriftType.List);
            w.WriteListBegin(ThriftType.Bool, 2);
            w.WriteBool(true);
            w.WriteBool(false);
            w.WriteStructEnd();
        }

        w.WriteFieldBegin(id++, ThriftType.Set);
        w.WriteListBegin(ThriftType.Binary, 2);
        w.WriteString("a");
        w.WriteString("b");
        w.WriteFieldBegin(id++, ThriftType.Map);
        w.WriteMapBegin(ThriftType.I32, ThriftType.Struct, 1);
        w.WriteI32(5);
        w.WriteStructBegin();
        w.WriteStructEnd();
        w.WriteFieldBegin(id, ThriftType.Map);
        w.WriteMapBegin(ThriftType.I32, ThriftType.I32, 0);
    }
}
