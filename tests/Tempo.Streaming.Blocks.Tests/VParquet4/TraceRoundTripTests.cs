using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Parquet;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

public sealed class TraceRoundTripTests
{
    private const ulong BaseTime = 1_700_000_000_000_000_000UL;

    [Fact]
    public async Task Random_traces_read_back_equal_up_to_attribute_order()
    {
        var random = new RandomTraces(seed: 42);
        var traces = new List<(byte[] Id, Trace Trace)>();
        for (var i = 0; i < 300; i++)
        {
            var id = random.NextTraceId();
            traces.Add((id, random.NextTrace(id, BaseTime)));
        }

        var rows = await WriteAndReadRowsAsync(traces, RandomTraces.DedicatedColumns, CompressionCodec.Zstd);

        var reader = new TraceRowReader(RandomTraces.DedicatedColumns);
        rows.Should().HaveCount(traces.Count);
        for (var i = 0; i < traces.Count; i++)
        {
            TraceRowReader.TraceIdOf(rows[i]).Should().Equal(Padded(traces[i].Id));
            var actual = TraceNormalizer.Normalize(reader.Read(rows[i]));
            var expected = TraceNormalizer.Normalize(traces[i].Trace);
            actual.Should().Be(expected, $"trace {i} ({Convert.ToHexStringLower(traces[i].Id)}) must survive the round trip");
        }
    }

    [Theory]
    [InlineData(CompressionCodec.Uncompressed)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Gzip)]
    public async Task Every_codec_round_trips(CompressionCodec codec)
    {
        var random = new RandomTraces(seed: 7);
        var id = random.NextTraceId();
        var trace = random.NextTrace(id, BaseTime);

        var rows = await WriteAndReadRowsAsync([(id, trace)], RandomTraces.DedicatedColumns, codec);

        TraceNormalizer.Normalize(new TraceRowReader(RandomTraces.DedicatedColumns).Read(rows[0])).Should().Be(TraceNormalizer.Normalize(trace));
    }

    [Fact]
    public async Task Trace_level_columns_follow_Tempos_rules()
    {
        var id = Convert.FromHexString("0000000000000000000000000000abcd");
        var trace = new Trace();
        var frontend = Batch("frontend");
        frontend.ScopeSpans[0].Spans.Add(NewSpan(1, 0, "GET /", 100, 500));
        frontend.ScopeSpans[0].Spans.Add(NewSpan(2, 1, "render", 150, 700, Status.Types.StatusCode.Error));
        var cart = Batch("cart");
        cart.ScopeSpans[0].Spans.Add(NewSpan(3, 1, "get cart", 120, 300, Status.Types.StatusCode.Error));
        trace.ResourceSpans.Add(frontend);
        trace.ResourceSpans.Add(cart);

        var row = (await WriteAndReadRowsAsync([(id, trace)], [], CompressionCodec.Zstd))[0];

        row["TraceIDText"].Should().Be("abcd");
        row["StartTimeUnixNano"].Should().Be(100L);
        row["EndTimeUnixNano"].Should().Be(700L);
        row["DurationNano"].Should().Be(600L);
        row["RootServiceName"].Should().Be("frontend");
        row["RootSpanName"].Should().Be("GET /");
        var stats = TraceRowReader.ListItems(row["ServiceStats"]) // MAP: key_value entries
            .Cast<ParquetGroup>()
            .ToDictionary(e => (string)e["key"]!, e => ((int)((ParquetGroup)e["value"]!)["SpanCount"]!, (int)((ParquetGroup)e["value"]!)["ErrorCount"]!));
        stats.Should().BeEquivalentTo(new Dictionary<string, (int, int)> { ["frontend"] = (2, 1), ["cart"] = (1, 1) });

        var spans = AllSpans(row);
        spans.Select(s => ((int)s["NestedSetLeft"]!, (int)s["NestedSetRight"]!, (int)s["ParentID"]!))
            .Should().Equal((1, 6, -1), (2, 3, 1), (4, 5, 1));
        spans.Select(s => (long)s["DurationNano"]!).Should().Equal(400L, 550L, 180L);
    }

    [Fact]
    public async Task Well_known_dedicated_and_unsupported_attributes_land_in_their_columns()
    {
        var id = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10");
        var batch = Batch("checkout");
        batch.Resource.Attributes.Add(Str("k8s.namespace.name", "shop"));
        batch.Resource.Attributes.Add(Str("ip", "10.1.2.3"));
        var span = NewSpan(1, 0, "charge", 10, 20);
        span.TraceId = ByteString.CopyFrom(id);
        span.Attributes.Add(Str("http.method", "POST"));
        span.Attributes.Add(new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 503 } });
        span.Attributes.Add(Str("region", "eu"));
        span.Attributes.Add(new KeyValue { Key = "payload", Value = new AnyValue { BytesValue = ByteString.CopyFrom(0xff) } });
        span.Attributes.Add(new KeyValue { Key = "tags", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 4 } } } } });
        span.DroppedAttributesCount = 2;
        batch.ScopeSpans[0].Spans.Add(span);
        var trace = new Trace { ResourceSpans = { batch } };

        var row = (await WriteAndReadRowsAsync([(id, trace)], RandomTraces.DedicatedColumns, CompressionCodec.Zstd))[0];

        var resource = (ParquetGroup)((ParquetGroup)TraceRowReader.ElementOf(TraceRowReader.ListItems(row["rs"])[0])!)["Resource"]!;
        resource["ServiceName"].Should().Be("checkout");
        resource["K8sNamespaceName"].Should().Be("shop");
        resource["Cluster"].Should().BeNull();
        ((ParquetGroup)resource["DedicatedAttributes"]!)["String01"].Should().Be("10.1.2.3");
        TraceRowReader.ListItems(resource["Attrs"]).Should().BeEmpty();

        var stored = AllSpans(row)[0];
        stored["HttpMethod"].Should().Be("POST");
        stored["HttpUrl"].Should().BeNull();
        stored["HttpStatusCode"].Should().Be(503L);
        ((ParquetGroup)stored["DedicatedAttributes"]!)["String02"].Should().Be("eu");
        ((ParquetGroup)stored["DedicatedAttributes"]!)["String01"].Should().BeNull();
        // Tempo counts the unsupported value as dropped in the stored row and restores it on read.
        stored["DroppedAttributesCount"].Should().Be(3);
        var attrs = TraceRowReader.ListItems(stored["Attrs"]).Select(TraceRowReader.ElementOf).Cast<ParquetGroup>().ToList();
        attrs.Select(a => ((string)a["Key"]!, (int)a["ValueType"]!)).Should().Equal(("payload", 0), ("tags", (int)AttributeValueType.IntArray));
        attrs[0]["ValueDropped"].Should().Be("""{ "bytesValue": "/w==" }""");
        attrs[1]["ValueDropped"].Should().BeNull();
        TraceRowReader.ListItems(attrs[1]["ValueInt"]).Select(TraceRowReader.ElementOf).Should().Equal(4L);

        var readBack = new TraceRowReader(RandomTraces.DedicatedColumns).Read(row);
        readBack.ResourceSpans[0].ScopeSpans[0].Spans[0].DroppedAttributesCount.Should().Be(2);
        TraceNormalizer.Normalize(readBack).Should().Be(TraceNormalizer.Normalize(trace));
    }

    internal static async Task<List<ParquetGroup>> WriteAndReadRowsAsync(IReadOnlyList<(byte[] Id, Trace Trace)> traces,
        IReadOnlyList<DedicatedColumn> dedicatedColumns, CompressionCodec codec)
    {
        using var output = new MemoryStream();
        var rowWriter = new TraceRowWriter(dedicatedColumns);
        using (var writer = new ParquetFileWriter(output, VParquet4Schema.Instance, VParquet4WriterOptions.Create(codec)))
        {
            var rowGroup = writer.CreateRowGroup();
            foreach (var (id, trace) in traces)
            {
                rowWriter.Write(rowGroup.Records, id, trace);
            }
            rowGroup.Complete();
            writer.Close();
        }

        var file = await ParquetFileReader.OpenAsync(new MemorySource(output.ToArray()));
        var rows = new List<ParquetGroup>();
        for (var g = 0; g < file.RowGroups.Count; g++)
        {
            var records = await RecordReader.OpenAsync(file, g);
            while (records.ReadRow() is { } row)
            {
                rows.Add(row);
            }
        }
        return rows;
    }

    private static List<ParquetGroup> AllSpans(ParquetGroup row)
    {
        var spans = new List<ParquetGroup>();
        foreach (var rs in TraceRowReader.ListItems(row["rs"]))
        {
            foreach (var ss in TraceRowReader.ListItems(((ParquetGroup)TraceRowReader.ElementOf(rs)!)["ss"]))
            {
                foreach (var span in TraceRowReader.ListItems(((ParquetGroup)TraceRowReader.ElementOf(ss)!)["Spans"]))
                {
                    spans.Add((ParquetGroup)TraceRowReader.ElementOf(span)!);
                }
            }
        }
        return spans;
    }

    private static byte[] Padded(byte[] id)
    {
        var padded = new byte[16];
        id.CopyTo(padded, 16 - id.Length);
        return padded;
    }

    private static ResourceSpans Batch(string service) => new()
    {
        Resource = new Resource { Attributes = { Str("service.name", service) } },
        ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } } },
    };

    private static Span NewSpan(byte id, byte parent, string name, ulong start, ulong end, Status.Types.StatusCode code = Status.Types.StatusCode.Unset) => new()
    {
        SpanId = ByteString.CopyFrom(0, 0, 0, 0, 0, 0, 0, id),
        ParentSpanId = parent == 0 ? ByteString.Empty : ByteString.CopyFrom(0, 0, 0, 0, 0, 0, 0, parent),
        Name = name,
        StartTimeUnixNano = start,
        EndTimeUnixNano = end,
        Status = new Status { Code = code },
    };

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
