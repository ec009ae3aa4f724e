using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using static Tempo.Streaming.Core.Tests.Wire.ProtoWire;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>
/// Pins the OTLP trace messages (opentelemetry-proto v1.x: common.proto, resource.proto, trace.proto,
/// trace_service.proto). Expected bytes are built from the field numbers of the published protos.
/// </summary>
public sealed class OtlpWireTests
{
    internal static readonly byte[] TraceIdBytes = FromHex("0102030405060708090a0b0c0d0e0f10");
    internal static readonly byte[] SpanIdBytes = FromHex("1112131415161718");
    internal static readonly byte[] ParentSpanIdBytes = FromHex("2122232425262728");
    internal static readonly byte[] LinkedTraceIdBytes = FromHex("f0e0d0c0b0a090807060504030201000");
    internal static readonly byte[] LinkedSpanIdBytes = FromHex("0000000000000001");

    [Fact]
    public void AnyValue_every_kind_encodes_with_its_oneof_field_number()
    {
        // string_value = 1 (len), bool_value = 2, int_value = 3 (varint, negative = 10 bytes), double_value = 4 (64-bit),
        // array_value = 5, kvlist_value = 6, bytes_value = 7.
        WireAssert.EncodesTo(new AnyValue { StringValue = "a" }, FromHex("0a0161"));
        WireAssert.EncodesTo(new AnyValue { BoolValue = true }, FromHex("1001"));
        WireAssert.EncodesTo(new AnyValue { IntValue = -1 }, FromHex("18ffffffffffffffffff01"));
        WireAssert.EncodesTo(new AnyValue { DoubleValue = 1.5 }, FromHex("21000000000000f83f"));
        WireAssert.EncodesTo(
            new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 7 } } } },
            FromHex("2a04" + "0a02" + "1807"));
        WireAssert.EncodesTo(
            new AnyValue { KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "k", Value = new AnyValue { BoolValue = false } } } } },
            FromHex("3209" + "0a07" + "0a016b" + "12021000"));
        WireAssert.EncodesTo(new AnyValue { BytesValue = ByteString.CopyFrom(0xde, 0xad) }, FromHex("3a02dead"));
    }

    [Fact]
    public void Export_response_partial_success()
    {
        // ExportTraceServiceResponse.partial_success = 1 { rejected_spans = 1 (int64), error_message = 2 }.
        var response = new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = 2, ErrorMessage = "bad" },
        };
        WireAssert.EncodesTo(response, FromHex("0a07" + "0802" + "1203626164"));
    }

    [Fact]
    public void Span_flags_use_fixed32_field_16_with_a_two_byte_tag()
    {
        // 16 << 3 | 5 = 133 = varint 85 01, then 4 little-endian bytes.
        WireAssert.EncodesTo(new Span { Flags = 0x301 }, FromHex("8501" + "01030000"));
    }

    [Fact]
    public void Fully_populated_export_request_matches_hand_derived_bytes()
    {
        WireAssert.EncodesTo(FullExportRequest(), FullExportRequestBytes());
    }

    [Fact]
    public void Fully_populated_export_request_matches_frozen_snapshot()
    {
        WireAssert.MatchesSnapshot(FullExportRequest(), "otlp-export-trace-service-request");
    }

    internal static ResourceSpans FullResourceSpans() => new()
    {
        Resource = new Resource
        {
            Attributes =
            {
                new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "checkout" } },
                new KeyValue { Key = "host.cpus", Value = new AnyValue { IntValue = 4 } },
            },
            DroppedAttributesCount = 1,
            EntityRefs =
            {
                new EntityRef { SchemaUrl = "https://e", Type = "service", IdKeys = { "service.name" }, DescriptionKeys = { "host.cpus" } },
            },
        },
        ScopeSpans =
        {
            new ScopeSpans
            {
                Scope = new InstrumentationScope
                {
                    Name = "io.test",
                    Version = "1.2.3",
                    Attributes = { new KeyValue { Key = "lib", Value = new AnyValue { BoolValue = true } } },
                    DroppedAttributesCount = 2,
                },
                Spans =
                {
                    new Span
                    {
                        TraceId = ByteString.CopyFrom(TraceIdBytes),
                        SpanId = ByteString.CopyFrom(SpanIdBytes),
                        TraceState = "k=v",
                        ParentSpanId = ByteString.CopyFrom(ParentSpanIdBytes),
                        Flags = 0x101,
                        Name = "GET /cart",
                        Kind = Span.Types.SpanKind.Server,
                        StartTimeUnixNano = 1_700_000_000_000_000_000,
                        EndTimeUnixNano = 1_700_000_000_250_000_000,
                        Attributes =
                        {
                            new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 } },
                            new KeyValue { Key = "ratio", Value = new AnyValue { DoubleValue = 0.25 } },
                            new KeyValue
                            {
                                Key = "tags",
                                Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "x" } } } },
                            },
                            new KeyValue
                            {
                                Key = "map",
                                Value = new AnyValue
                                {
                                    KvlistValue = new KeyValueList
                                    {
                                        Values = { new KeyValue { Key = "n", Value = new AnyValue { BytesValue = ByteString.CopyFrom(0x01) } } },
                                    },
                                },
                            },
                        },
                        DroppedAttributesCount = 3,
                        Events =
                        {
                            new Span.Types.Event
                            {
                                TimeUnixNano = 1_700_000_000_100_000_000,
                                Name = "exception",
                                Attributes = { new KeyValue { Key = "exception.type", Value = new AnyValue { StringValue = "Boom" } } },
                                DroppedAttributesCount = 4,
                            },
                        },
                        DroppedEventsCount = 5,
                        Links =
                        {
                            new Span.Types.Link
                            {
                                TraceId = ByteString.CopyFrom(LinkedTraceIdBytes),
                                SpanId = ByteString.CopyFrom(LinkedSpanIdBytes),
                                TraceState = "a=b",
                                Attributes = { new KeyValue { Key = "link.kind", Value = new AnyValue { StringValue = "follows" } } },
                                DroppedAttributesCount = 6,
                                Flags = 0x100,
                            },
                        },
                        DroppedLinksCount = 7,
                        Status = new Status { Message = "boom", Code = Status.Types.StatusCode.Error },
                    },
                },
                SchemaUrl = "https://opentelemetry.io/schemas/1.21.0",
            },
        },
        SchemaUrl = "https://opentelemetry.io/schemas/1.20.0",
    };

    internal static ExportTraceServiceRequest FullExportRequest() => new() { ResourceSpans = { FullResourceSpans() } };

    /// <summary>ResourceSpans encoded from opentelemetry-proto's field numbers (comments name each field).</summary>
    internal static byte[] FullResourceSpansBytes() => Concat(
        // ResourceSpans.resource = 1
        Message(1,
            // Resource.attributes = 1 (KeyValue: key = 1, value = 2)
            Message(1, String(1, "service.name"), Message(2, String(1, "checkout"))),
            Message(1, String(1, "host.cpus"), Message(2, UInt(3, 4))),
            // Resource.dropped_attributes_count = 2
            UInt(2, 1),
            // Resource.entity_refs = 3 (EntityRef: schema_url = 1, type = 2, id_keys = 3, description_keys = 4)
            Message(3, String(1, "https://e"), String(2, "service"), String(3, "service.name"), String(4, "host.cpus"))),
        // ResourceSpans.scope_spans = 2
        Message(2,
            // ScopeSpans.scope = 1 (InstrumentationScope: name = 1, version = 2, attributes = 3, dropped = 4)
            Message(1, String(1, "io.test"), String(2, "1.2.3"), Message(3, String(1, "lib"), Message(2, Bool(2, true))), UInt(4, 2)),
            // ScopeSpans.spans = 2
            Message(2,
                Bytes(1, TraceIdBytes),                     // trace_id
                Bytes(2, SpanIdBytes),                      // span_id
                String(3, "k=v"),                           // trace_state
                Bytes(4, ParentSpanIdBytes),                // parent_span_id
                String(5, "GET /cart"),                     // name
                UInt(6, 2),                                 // kind = SPAN_KIND_SERVER
                Fixed64(7, 1_700_000_000_000_000_000),      // start_time_unix_nano (fixed64)
                Fixed64(8, 1_700_000_000_250_000_000),      // end_time_unix_nano (fixed64)
                // attributes = 9
                Message(9, String(1, "http.status_code"), Message(2, UInt(3, 200))),
                Message(9, String(1, "ratio"), Message(2, Double(4, 0.25))),
                Message(9, String(1, "tags"), Message(2, Message(5, Message(1, String(1, "x"))))),
                Message(9, String(1, "map"), Message(2, Message(6, Message(1, String(1, "n"), Message(2, Bytes(7, [0x01])))))),
                UInt(10, 3),                                // dropped_attributes_count
                // events = 11 (Event: time_unix_nano = 1 fixed64, name = 2, attributes = 3, dropped = 4)
                Message(11,
                    Fixed64(1, 1_700_000_000_100_000_000),
                    String(2, "exception"),
                    Message(3, String(1, "exception.type"), Message(2, String(1, "Boom"))),
                    UInt(4, 4)),
                UInt(12, 5),                                // dropped_events_count
                // links = 13 (Link: trace_id = 1, span_id = 2, trace_state = 3, attributes = 4, dropped = 5, flags = 6 fixed32)
                Message(13,
                    Bytes(1, LinkedTraceIdBytes),
                    Bytes(2, LinkedSpanIdBytes),
                    String(3, "a=b"),
                    Message(4, String(1, "link.kind"), Message(2, String(1, "follows"))),
                    UInt(5, 6),
                    Fixed32(6, 0x100)),
                UInt(14, 7),                                // dropped_links_count
                // status = 15 (Status: message = 2, code = 3; 1 is reserved)
                Message(15, String(2, "boom"), UInt(3, 2)),
                Fixed32(16, 0x101)),                        // flags (fixed32)
            // ScopeSpans.schema_url = 3
            String(3, "https://opentelemetry.io/schemas/1.21.0")),
        // ResourceSpans.schema_url = 3
        String(3, "https://opentelemetry.io/schemas/1.20.0"));

    // ExportTraceServiceRequest.resource_spans = 1
    internal static byte[] FullExportRequestBytes() => Bytes(1, FullResourceSpansBytes());
}
