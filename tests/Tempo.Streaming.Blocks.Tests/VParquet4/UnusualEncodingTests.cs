using System.Buffers.Binary;
using Encoding = System.Text.Encoding;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Parquet;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

/// <summary>
/// The row writer reads stored fragments as bytes, but must write what Google.Protobuf would parse from them (the
/// reference path: parse, combine, shred the objects). Encodings no SDK sends but protobuf allows are hand-built here:
/// invalid UTF-8 (Google.Protobuf decodes it with U+FFFD), singular fields and oneofs given twice (last wins, messages
/// merge), known fields with another wire type and unknown fields (both skipped). The files must be byte-identical.
/// </summary>
public sealed class UnusualEncodingTests
{
    private static readonly byte[] InvalidUtf8 = [(byte)'a', 0xC3, 0x28, (byte)'z'];

    public static TheoryData<string> Cases => new()
    {
        "invalid utf-8 everywhere", "repeated singular fields", "repeated oneof", "wrong wire types and unknown fields",
        "later fragment needs re-encoding", "first fragment needs re-encoding",
        "invalid utf-8 only in an attribute value", "invalid utf-8 only in an attribute key",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Raw_fragments_write_what_the_parsed_fragments_write(string name)
    {
        var fragments = Fragments(name);
        var parsed = fragments.Select(f => Trace.Parser.ParseFrom(f)).ToList();
        var combined = TraceFragmentCombiner.CombineOne(parsed.Select(t => new TraceFragment(Id, t)))!;
        combined.Should().NotBeNull();

        var direct = WriteFile(writer => new TraceRowWriter(Dedicated).Write(writer, Id, new EncodedTrace([.. fragments.Select(f => (ReadOnlyMemory<byte>)f)])));
        var reference = WriteFile(writer => new RecordWriterTraceRowWriter(Dedicated).Write(writer, Id, combined));

        direct.AsSpan().SequenceEqual(reference).Should().BeTrue("the raw bytes must shred like the parsed trace ({0})", name);
    }

    [Fact]
    public void Invalid_utf8_reaches_the_columns_as_googles_replacement_characters()
    {
        var parsed = Trace.Parser.ParseFrom(Fragments("invalid utf-8 everywhere")[0]);
        parsed.ResourceSpans[0].ScopeSpans[0].Spans[0].Name.Should().Be("a\uFFFD(z", "the reference decodes like Google.Protobuf");
    }

    private static readonly byte[] Id = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10");

    private static readonly IReadOnlyList<DedicatedColumn> Dedicated =
        [new DedicatedColumn(DedicatedColumn.ScopeSpan, "region", DedicatedColumn.TypeString)];

    private static List<byte[]> Fragments(string name) => name switch
    {
        "invalid utf-8 everywhere" =>
        [
            TraceOf(Batch(
                Resource(Attribute("service.name", Str(InvalidUtf8)), Attribute(InvalidUtf8, Str("v"))),
                Scope(Cat(Ld(1, InvalidUtf8), Ld(2, InvalidUtf8)),
                    Span(1, 0, Ld(5, InvalidUtf8), Ld(3, InvalidUtf8), Ld(9, Attribute("region", Str(InvalidUtf8))),
                        Ld(9, Attribute("arr", Ld(5, Cat(Ld(1, Str(InvalidUtf8)), Ld(1, Str("ok")))))),
                        Ld(11, Cat(Ld(2, InvalidUtf8), Ld(3, Attribute("k", Str(InvalidUtf8))))),
                        Ld(13, Cat(Ld(2, SpanId(9)), Ld(3, InvalidUtf8))),
                        Ld(15, Cat(Ld(2, InvalidUtf8), Varint(3, 2))))))),
        ],
        "repeated singular fields" =>
        [
            TraceOf(Batch(
                Cat(Ld(1, Cat(Ld(1, Attribute("service.name", Str("first"))))), Ld(1, Cat(Ld(1, Attribute("cluster", Str("c"))), Varint(2, 3)))),
                Scope(Cat(Ld(1, "s1"u8.ToArray()), Ld(1, "s2"u8.ToArray())),
                    Span(1, 0, Ld(5, "a"u8.ToArray()), Ld(5, "b"u8.ToArray()), Varint(6, 2), Varint(6, 3),
                        Ld(15, Varint(3, 2)), Ld(15, Ld(2, "merged"u8.ToArray())), Varint(10, 4), Varint(10, 5),
                        Ld(9, Cat(Ld(1, "region"u8.ToArray()), Ld(1, "http.method"u8.ToArray()), Ld(2, Str("GET")))))))),
        ],
        "repeated oneof" =>
        [
            TraceOf(Batch(Resource(Attribute("service.name", Str("svc"))),
                Scope([], Span(1, 0, Ld(9, Attribute("x", Cat(Str("s"), Varint(3, 7)))),
                    Ld(9, Attribute("region", Cat(Varint(3, 7), Str("eu")))),
                    Ld(9, Attribute("arr", Cat(Ld(5, Ld(1, Varint(3, 1))), Ld(5, Ld(1, Varint(3, 2)))))))))),
        ],
        "wrong wire types and unknown fields" =>
        [
            TraceOf(Batch(Resource(Attribute("service.name", Str("svc"))),
                Scope([], Span(1, 0, Varint(5, 7), Ld(5, "name"u8.ToArray()), Ld(6, [1]), Varint(6, 2), Fixed64(99, 1),
                    Ld(100, [1, 2, 3]), Varint(9, 1), Ld(9, Cat(Attribute("k", Str("v")), Varint(7, 1))))))),
        ],
        // each string checked on its own: one bad byte anywhere else would re-encode the fragment and hide a missed check
        "invalid utf-8 only in an attribute value" =>
        [
            TraceOf(Batch(Resource(Attribute("service.name", Str("svc"))),
                Scope([], Span(1, 0, Ld(5, "op"u8.ToArray()), Ld(9, Attribute("http.url", Str(InvalidUtf8))))))),
        ],
        "invalid utf-8 only in an attribute key" =>
        [
            TraceOf(Batch(Resource(Attribute("service.name", Str("svc")), Attribute(InvalidUtf8, Varint(3, 7))),
                Scope([], Span(1, 0, Ld(5, "op"u8.ToArray()))))),
        ],
        "later fragment needs re-encoding" =>
        [
            TraceOf(Batch(Resource(Attribute("service.name", Str("svc"))), Scope([], Span(1, 0), Span(2, 1)))),
            TraceOf(Batch(Resource(Attribute("service.name", Str("svc"))),
                Scope([], Span(2, 1, Ld(5, "dup"u8.ToArray()), Ld(5, "dup2"u8.ToArray())), Span(3, 1, Ld(5, InvalidUtf8)), Span(1, 0)))),
        ],
        _ =>
        [
            TraceOf(Batch(Resource(Attribute("service.name", Str(InvalidUtf8))), Scope([], Span(1, 0), Span(2, 1, Ld(5, InvalidUtf8))))),
            TraceOf(Batch(Resource(Attribute("service.name", Str("svc"))), Scope([], Span(2, 1), Span(4, 1)))),
        ],
    };

    private static byte[] WriteFile(Action<RecordWriter> write)
    {
        using var output = new MemoryStream();
        using (var writer = new ParquetFileWriter(output, VParquet4Schema.Instance, VParquet4WriterOptions.Create()))
        {
            var rowGroup = writer.CreateRowGroup();
            write(rowGroup.Records);
            write(rowGroup.Records); // a second row: levels across rows too
            rowGroup.Complete();
            writer.Close();
        }
        return output.ToArray();
    }

    // --- a minimal protobuf encoder: each helper returns one encoded field (or several, concatenated) ---

    private static byte[] TraceOf(params byte[][] batches) => Cat([.. batches.Select(b => Ld(1, b))]);

    private static byte[] Batch(byte[] resource, params byte[][] scopes) => Cat([resource, .. scopes.Select(s => Ld(2, s))]);

    private static byte[] Resource(params byte[][] attributes) => Ld(1, Cat([.. attributes.Select(a => Ld(1, a))]));

    private static byte[] Scope(byte[] scope, params byte[][] spans) =>
        Cat([scope.Length > 0 ? Ld(1, scope) : [], .. spans.Select(s => Ld(2, s))]);

    private static byte[] Span(ulong id, ulong parent, params byte[][] fields)
    {
        var start = 1_700_000_000_000_000_000UL + id * 1000;
        return Cat([Ld(1, Id), Ld(2, SpanId(id)), parent == 0 ? [] : Ld(4, SpanId(parent)), Fixed64(7, start), Fixed64(8, start + 500), .. fields]);
    }

    private static byte[] SpanId(ulong id)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, id);
        return bytes;
    }

    private static byte[] Attribute(string key, byte[] anyValue) => Attribute(Encoding.UTF8.GetBytes(key), anyValue);

    private static byte[] Attribute(byte[] key, byte[] anyValue) => Cat(Ld(1, key), Ld(2, anyValue));

    private static byte[] Str(string value) => Str(Encoding.UTF8.GetBytes(value));

    private static byte[] Str(byte[] value) => Ld(1, value);

    private static byte[] Ld(int field, byte[] payload) => Cat(Tag(field, 2), VarintBytes((ulong)payload.Length), payload);

    private static byte[] Varint(int field, ulong value) => Cat(Tag(field, 0), VarintBytes(value));

    private static byte[] Fixed64(int field, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Cat(Tag(field, 1), bytes);
    }

    private static byte[] Tag(int field, int wireType) => VarintBytes((ulong)((field << 3) | wireType));

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
