using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Tempopb;
using static Tempo.Streaming.Core.Tests.Wire.ProtoWire;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>Pins the trace-by-ID family against Tempo's field numbers (pkg/tempopb/tempo.proto).</summary>
public sealed class TempopbTraceByIdWireTests
{
    [Fact]
    public void TraceByIDRequest_hand_encoded()
    {
        var request = new TraceByIDRequest
        {
            TraceID = ByteString.CopyFrom(OtlpWireTests.TraceIdBytes),
            BlockStart = "0",
            BlockEnd = "ff",
            QueryMode = "all",
            AllowPartialTrace = true,
        };
        // traceID = 1 (0a), blockStart = 2 (12), blockEnd = 3 (1a), queryMode = 5 (2a), allowPartialTrace = 6 (30).
        WireAssert.EncodesTo(request, FromHex(
            "0a10" + "0102030405060708090a0b0c0d0e0f10" +
            "120130" +
            "1a026666" +
            "2a03616c6c" +
            "3001"));
    }

    [Fact]
    public void TraceByIDResponse_hand_encoded()
    {
        var response = new TraceByIDResponse
        {
            Trace = new Trace { ResourceSpans = { new ResourceSpans { SchemaUrl = "s" } } },
            Metrics = new TraceByIDMetrics { InspectedBytes = 300 },
            Status = PartialStatus.Partial,
            Message = "too big",
        };
        // trace = 1 (0a 05 | Trace 0a 03 | ResourceSpans 1a 01 's'), metrics = 2 (12 03 | inspectedBytes = 1: 08 ac02),
        // status = 3 (18 01 = PARTIAL), message = 4 (22 07 "too big").
        WireAssert.EncodesTo(response, FromHex(
            "0a05" + "0a03" + "1a0173" +
            "1203" + "08ac02" +
            "1801" +
            "2207" + "746f6f20626967"));
    }

    [Fact]
    public void TraceByIDResponse_fully_populated()
    {
        var response = new TraceByIDResponse
        {
            Trace = new Trace { ResourceSpans = { OtlpWireTests.FullResourceSpans() } },
            Metrics = new TraceByIDMetrics { InspectedBytes = 123_456_789 },
            Status = PartialStatus.Complete,
        };
        var expected = Concat(
            Message(1, Bytes(1, OtlpWireTests.FullResourceSpansBytes())),
            Message(2, UInt(1, 123_456_789)));

        WireAssert.EncodesTo(response, expected);
        WireAssert.MatchesSnapshot(response, "tempopb-trace-by-id-response");
    }

    [Fact]
    public void PartialStatus_values_are_tempos()
    {
        ((int)PartialStatus.Complete).Should().Be(0);
        ((int)PartialStatus.Partial).Should().Be(1);
    }
}
