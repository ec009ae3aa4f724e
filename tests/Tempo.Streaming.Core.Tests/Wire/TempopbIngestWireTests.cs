using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Tempopb;
using static Tempo.Streaming.Core.Tests.Wire.ProtoWire;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>
/// Pins tempopb.Trace and tempopb.PushBytesRequest, the ingest-log record format (ARCHITECTURE.md §3) that must stay
/// readable by Tempo: Trace.batches/resourceSpans = 1, PushBytesRequest.traces = 2, ids = 3.
/// </summary>
public sealed class TempopbIngestWireTests
{
    [Fact]
    public void Trace_small_hand_encoded()
    {
        // Trace.resource_spans = 1 → tag 0a; ResourceSpans.schema_url = 3 → tag 1a, length 1, "s".
        var trace = new Trace { ResourceSpans = { new ResourceSpans { SchemaUrl = "s" } } };
        WireAssert.EncodesTo(trace, FromHex("0a03" + "1a0173"));
    }

    [Fact]
    public void Trace_fully_populated_is_repeated_field_1_of_otlp_resource_spans()
    {
        var trace = new Trace { ResourceSpans = { OtlpWireTests.FullResourceSpans(), new ResourceSpans { SchemaUrl = "s" } } };
        var expected = Concat(Bytes(1, OtlpWireTests.FullResourceSpansBytes()), Message(1, String(3, "s")));

        WireAssert.EncodesTo(trace, expected);
        WireAssert.MatchesSnapshot(trace, "tempopb-trace");
    }

    [Fact]
    public void Trace_bytes_equal_export_request_bytes_because_both_use_field_1()
    {
        // The distributor relies on this: an OTLP export request and a tempopb.Trace share their wire layout.
        var trace = new Trace { ResourceSpans = { OtlpWireTests.FullResourceSpans() } };
        trace.ToByteArray().Should().Equal(OtlpWireTests.FullExportRequest().ToByteArray());
    }

    [Fact]
    public void PushBytesRequest_small_hand_encoded()
    {
        // traces = 2 → tag 12; ids = 3 → tag 1a (length 0x10 = 16 bytes).
        var request = new PushBytesRequest
        {
            Traces = { ByteString.CopyFrom(0x0a, 0x00) },
            Ids = { ByteString.CopyFrom(OtlpWireTests.TraceIdBytes) },
        };
        WireAssert.EncodesTo(request, FromHex("12020a00" + "1a10" + "0102030405060708090a0b0c0d0e0f10"));
    }

    [Fact]
    public void PushBytesRequest_with_several_traces_keeps_traces_and_ids_parallel()
    {
        var first = new Trace { ResourceSpans = { OtlpWireTests.FullResourceSpans() } }.ToByteArray();
        var second = new Trace { ResourceSpans = { new ResourceSpans { SchemaUrl = "s" } } }.ToByteArray();
        var request = new PushBytesRequest
        {
            Traces = { ByteString.CopyFrom(first), ByteString.CopyFrom(second) },
            Ids = { ByteString.CopyFrom(OtlpWireTests.TraceIdBytes), ByteString.CopyFrom(OtlpWireTests.LinkedTraceIdBytes) },
        };
        var expected = Concat(
            Bytes(2, first),
            Bytes(2, second),
            Bytes(3, OtlpWireTests.TraceIdBytes),
            Bytes(3, OtlpWireTests.LinkedTraceIdBytes));

        WireAssert.EncodesTo(request, expected);
        WireAssert.MatchesSnapshot(request, "tempopb-push-bytes-request");
    }

    [Fact]
    public void PushBytesRequest_ignores_tempos_skipMetricsGeneration_field_5_and_keeps_it_as_unknown()
    {
        // Tempo 2.5+ may set skipMetricsGeneration = 5 (bool). We do not model it, but a record written by Tempo must
        // still parse, and re-serialising must not lose it.
        var tempoRecord = Concat(Bytes(2, [0x0a, 0x00]), Bytes(3, OtlpWireTests.TraceIdBytes), Bool(5, true));
        var parsed = PushBytesRequest.Parser.ParseFrom(tempoRecord);

        parsed.Traces.Should().ContainSingle();
        parsed.Ids.Should().ContainSingle().Which.ToByteArray().Should().Equal(OtlpWireTests.TraceIdBytes);
        parsed.ToByteArray().Should().Equal(tempoRecord);
    }
}
