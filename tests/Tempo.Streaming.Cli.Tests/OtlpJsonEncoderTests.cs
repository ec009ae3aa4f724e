using System.Text;
using Google.Protobuf;
using System.Text.Json;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Tests;

public sealed class OtlpJsonEncoderTests
{
    [Fact]
    public void Json_batch_parses_back_to_the_protobuf_batch()
    {
        var workload = new ShopWorkload(42, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var writer = new ProtoBufferWriter();
        workload.CreateEncoder().Encode(0, 400, writer);
        var protobuf = ExportTraceServiceRequest.Parser.ParseFrom(writer.WrittenSpan);

        var json = Encoding.UTF8.GetString(new OtlpJsonEncoder().Transcode(writer.WrittenSpan).Span);

        OtlpJson.Parse(json).Should().Be(protobuf);
    }

    [Fact]
    public void Json_uses_hex_ids_string_int64s_and_integer_enums()
    {
        var workload = new ShopWorkload(5, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var writer = new ProtoBufferWriter();
        workload.CreateEncoder().Encode(10, 1, writer);
        var json = Encoding.UTF8.GetString(new OtlpJsonEncoder().Transcode(writer.WrittenSpan).Span);

        using var document = JsonDocument.Parse(json);
        var spans = document.RootElement.GetProperty("resourceSpans").EnumerateArray()
            .SelectMany(r => r.GetProperty("scopeSpans").EnumerateArray())
            .SelectMany(s => s.GetProperty("spans").EnumerateArray()).ToList();
        spans.Should().HaveCount(workload.SpanCount(10));
        foreach (var span in spans)
        {
            span.GetProperty("traceId").GetString().Should().Be(workload.TraceIdHex(10));
            span.GetProperty("spanId").GetString().Should().MatchRegex("^[0-9a-f]{16}$");
            span.GetProperty("startTimeUnixNano").ValueKind.Should().Be(JsonValueKind.String);
            span.GetProperty("kind").ValueKind.Should().Be(JsonValueKind.Number);
        }
        var intValues = spans.SelectMany(s => s.GetProperty("attributes").EnumerateArray())
            .Select(a => a.GetProperty("value")).Where(v => v.TryGetProperty("intValue", out _)).ToList();
        intValues.Should().NotBeEmpty().And.AllSatisfy(v => v.GetProperty("intValue").ValueKind.Should().Be(JsonValueKind.String));
    }

    [Fact]
    public void Every_value_type_and_non_adjacent_repeated_fields_transcode()
    {
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { Kv("a", new AnyValue { BoolValue = true }) }, DroppedAttributesCount = 2 },
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            Scope = new InstrumentationScope { Name = "s", Version = "1", Attributes = { Kv("k", new AnyValue { StringValue = "v" }) } },
                            Spans =
                            {
                                new Span
                                {
                                    TraceId = Google.Protobuf.ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
                                    SpanId = Google.Protobuf.ByteString.CopyFrom([1, 2, 3, 4, 5, 6, 7, 8]),
                                    TraceState = "rojo=00f067aa0ba902b7",
                                    Name = "n \"quoted\" ünïcode",
                                    Kind = Span.Types.SpanKind.Producer,
                                    StartTimeUnixNano = ulong.MaxValue,
                                    Attributes =
                                    {
                                        Kv("d", new AnyValue { DoubleValue = 1.5 }),
                                        Kv("i", new AnyValue { IntValue = -7 }),
                                        Kv("b", new AnyValue { BytesValue = Google.Protobuf.ByteString.CopyFrom([0xFF, 0]) }),
                                        Kv("arr", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 }, new AnyValue { StringValue = "x" } } } }),
                                        Kv("kv", new AnyValue { KvlistValue = new KeyValueList { Values = { Kv("inner", new AnyValue { BoolValue = false }) } } }),
                                    },
                                    DroppedAttributesCount = 1,
                                    DroppedEventsCount = 2,
                                    DroppedLinksCount = 3,
                                    Status = new Status { Code = Status.Types.StatusCode.Ok },
                                    Flags = 0x301,
                                },
                            },
                            SchemaUrl = "x",
                        },
                    },
                },
            },
        };
        // Interleave a second span after the schema_url field: still one "spans" array.
        var bytes = request.ToByteArray();
        var scope = request.ResourceSpans[0].ScopeSpans[0];
        var extraSpan = new Span { Name = "second", SpanId = Google.Protobuf.ByteString.CopyFrom([9, 9, 9, 9, 9, 9, 9, 9]) };
        var interleavedScope = scope.ToByteArray().Concat(new byte[] { 0x12 }).Concat(Varint(extraSpan.CalculateSize()))
            .Concat(extraSpan.ToByteArray()).ToArray();
        var resource = request.ResourceSpans[0];
        var resourceBytes = new ResourceSpans { Resource = resource.Resource }.ToByteArray()
            .Concat(new byte[] { 0x12 }).Concat(Varint(interleavedScope.Length)).Concat(interleavedScope).ToArray();
        bytes = new byte[] { 0x0A }.Concat(Varint(resourceBytes.Length)).Concat(resourceBytes).ToArray();

        var json = Encoding.UTF8.GetString(new OtlpJsonEncoder().Transcode(bytes).Span);

        var expected = ExportTraceServiceRequest.Parser.ParseFrom(bytes);
        expected.ResourceSpans[0].ScopeSpans[0].Spans.Should().HaveCount(2);
        OtlpJson.Parse(json).Should().Be(expected);
    }

    [Fact]
    public void Truncated_protobuf_is_reported_not_transcoded()
    {
        var workload = new ShopWorkload(5, DateTimeOffset.UnixEpoch);
        var writer = new ProtoBufferWriter();
        workload.CreateEncoder().Encode(0, 2, writer);
        var transcoder = new OtlpJsonEncoder();
        var act = () => transcoder.Transcode(writer.WrittenSpan[..(writer.Position - 10)]);
        act.Should().Throw<InvalidProtobufException>().WithMessage("invalid protobuf: *");
    }

    private static KeyValue Kv(string key, AnyValue value) => new() { Key = key, Value = value };

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        var v = (uint)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        bytes.Add((byte)v);
        return [.. bytes];
    }
}
