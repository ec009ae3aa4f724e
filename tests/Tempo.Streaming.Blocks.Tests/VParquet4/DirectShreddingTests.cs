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

/// <summary>
/// The direct vParquet4 shredder (<see cref="TraceRowWriter"/>, levels as schema constants) must write exactly the file
/// the generic <see cref="RecordWriter"/> path writes (<see cref="RecordWriterTraceRowWriter"/>, levels derived from
/// the field walk): same pages, levels, dictionaries, statistics — so the files are compared byte for byte.
/// </summary>
public sealed class DirectShreddingTests
{
    public static TheoryData<string> DedicatedSets => new() { "none", "random", "all-ten" };

    [Theory]
    [MemberData(nameof(DedicatedSets))]
    public void Random_traces_give_the_same_file_as_the_record_writer(string dedicated)
    {
        var columns = Dedicated(dedicated);
        var random = new RandomTraces(11);
        var traces = new List<(byte[] Id, Trace Trace)>();
        for (var i = 0; i < 1500; i++)
        {
            var id = random.NextTraceId();
            traces.Add((id, random.NextTrace(id, 1_700_000_000_000_000_000UL + (ulong)i * 1_000_000)));
        }

        var direct = Write(traces, columns, direct: true);
        var reference = Write(traces, columns, direct: false);

        direct.Length.Should().Be(reference.Length);
        direct.AsSpan().SequenceEqual(reference).Should().BeTrue("the direct shredder must write the record writer's bytes");
    }

    [Theory]
    [MemberData(nameof(DedicatedSets))]
    public void Empty_and_missing_parts_give_the_same_file_as_the_record_writer(string dedicated)
    {
        var columns = Dedicated(dedicated);
        var traces = new List<(byte[] Id, Trace Trace)>();
        var n = 0;
        foreach (var trace in EdgeCaseTraces())
        {
            var id = new byte[16];
            id[15] = (byte)++n;
            traces.Add((id, trace));
        }
        // several rows per edge case so repetition levels across rows are covered too
        traces.AddRange(traces.ToList());

        var direct = Write(traces, columns, direct: true);
        var reference = Write(traces, columns, direct: false);

        direct.AsSpan().SequenceEqual(reference).Should().BeTrue("the direct shredder must write the record writer's bytes");
    }

    private static IEnumerable<Trace> EdgeCaseTraces()
    {
        yield return new Trace();                                                            // no resource spans
        yield return Of(new ResourceSpans());                                                // no resource, no scopes
        yield return Of(new ResourceSpans { ScopeSpans = { new ScopeSpans() } });            // no scope, no spans
        yield return Of(new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { new Span() } } } }); // an all-default span
        yield return Of(
            new ResourceSpans
            {
                Resource = new Resource
                {
                    Attributes =
                    {
                        Str("service.name", "a"), Str("service.name", "b"), Str("cluster", "c1"), Str("ip", "10.0.0.1"),
                        new KeyValue { Key = "pod", Value = new AnyValue { IntValue = 3 } }, new KeyValue { Key = "nothing" },
                        Str("k8s.container.name", "x"), Str("cluster", "c2"),
                    },
                },
                ScopeSpans =
                {
                    new ScopeSpans(),
                    new ScopeSpans
                    {
                        Scope = new InstrumentationScope { Name = "s", Attributes = { Str("lib", "v") } },
                        Spans =
                        {
                            new Span
                            {
                                SpanId = ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8),
                                Attributes =
                                {
                                    Str("http.method", "GET"), Str("http.method", "PUT"), Str("http.url", "/"),
                                    new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 } },
                                    new KeyValue { Key = "http.url", Value = new AnyValue { IntValue = 1 } },
                                    Str("instance", "i-1"), Str("region", "eu"), Str("instance", "i-2"),
                                    new KeyValue { Key = "region", Value = new AnyValue { BoolValue = true } },
                                    new KeyValue { Key = "arr", Value = new AnyValue { ArrayValue = new ArrayValue() } },
                                    new KeyValue { Key = "ints", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { IntValue = 2 } } } } },
                                    new KeyValue { Key = "mixed", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { StringValue = "x" } } } } },
                                },
                                Events =
                                {
                                    new Span.Types.Event(),
                                    new Span.Types.Event { Name = "e", Attributes = { Str("k", "v"), new KeyValue { Key = "d", Value = new AnyValue { DoubleValue = 1.5 } } } },
                                },
                                Links = { new Span.Types.Link(), new Span.Types.Link { Attributes = { new KeyValue { Key = "b", Value = new AnyValue { BytesValue = ByteString.CopyFrom(9) } } } } },
                            },
                            new Span { ParentSpanId = ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8), Status = new Status { Code = Status.Types.StatusCode.Error } },
                        },
                    },
                },
            },
            new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { new Span { Name = "other" } } } } });
    }

    private static Trace Of(params ResourceSpans[] batches)
    {
        var trace = new Trace();
        trace.ResourceSpans.Add(batches);
        return trace;
    }

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static IReadOnlyList<DedicatedColumn> Dedicated(string set) => set switch
    {
        "none" => [],
        "random" => RandomTraces.DedicatedColumns,
        _ => [.. Enumerable.Range(0, 10).Select(i => new DedicatedColumn(DedicatedColumn.ScopeSpan, i switch { 0 => "instance", 1 => "region", _ => $"extra{i}" }, DedicatedColumn.TypeString)),
            new DedicatedColumn(DedicatedColumn.ScopeResource, "ip", DedicatedColumn.TypeString)],
    };

    private static byte[] Write(IReadOnlyList<(byte[] Id, Trace Trace)> traces, IReadOnlyList<DedicatedColumn> dedicatedColumns, bool direct)
    {
        using var output = new MemoryStream();
        var directWriter = new TraceRowWriter(dedicatedColumns);
        var referenceWriter = new RecordWriterTraceRowWriter(dedicatedColumns);
        using (var writer = new ParquetFileWriter(output, VParquet4Schema.Instance, VParquet4WriterOptions.Create()))
        {
            // two row groups: the direct shredder must follow the record writer across them
            for (var group = 0; group < 2; group++)
            {
                var rowGroup = writer.CreateRowGroup();
                for (var i = group; i < traces.Count; i += 2)
                {
                    var summary = direct
                        ? directWriter.Write(rowGroup.Records, traces[i].Id, traces[i].Trace)
                        : referenceWriter.Write(rowGroup.Records, traces[i].Id, traces[i].Trace);
                    summary.SpanCount.Should().BeGreaterThanOrEqualTo(0);
                }
                rowGroup.Records.RecordCount.Should().Be((traces.Count - group + 1) / 2);
                rowGroup.Complete();
            }
            writer.Close();
        }
        return output.ToArray();
    }
}
