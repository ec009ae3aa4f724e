using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Tempopb;
using static Tempo.Streaming.Core.Tests.Wire.ProtoWire;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>Pins SearchRequest / SearchResponse and their parts against Tempo's field numbers.</summary>
public sealed class TempopbSearchWireTests
{
    [Fact]
    public void SearchRequest_hand_encoded()
    {
        var request = new SearchRequest
        {
            Tags = { ["service.name"] = "api" },
            MinDurationMs = 100,
            MaxDurationMs = 2000,
            Limit = 20,
            Start = 1_700_000_000,
            End = 1_700_003_600,
            Query = "{ status = error }",
            SpansPerSpanSet = 3,
        };
        var expected = Concat(
            MapEntry(1, String(1, "service.name"), String(2, "api")), // Tags = 1 (map<string,string>)
            UInt(2, 100),                                              // MinDurationMs
            UInt(3, 2000),                                             // MaxDurationMs
            UInt(4, 20),                                               // Limit
            UInt(5, 1_700_000_000),                                    // start
            UInt(6, 1_700_003_600),                                    // end
            String(8, "{ status = error }"),                           // Query (7 is unused)
            UInt(9, 3));                                               // SpansPerSpanSet

        WireAssert.EncodesTo(request, expected);
        // And literally, for the first fields: map entry 0a 13 | key 0a 0c "service.name" | value 12 03 "api".
        Convert.ToHexStringLower(request.ToByteArray()).Should().StartWith(
            "0a13" + "0a0c736572766963652e6e616d65" + "1203617069" + "1064" + "18d00f" + "2014");
    }

    [Fact]
    public void SearchResponse_fully_populated()
    {
        var response = FullSearchResponse();
        var expected = Concat(
            // traces = 1 (TraceSearchMetadata)
            Message(1,
                String(1, "2b3c4d"),                    // traceID (hex without leading zeros)
                String(2, "checkout"),                  // rootServiceName
                String(3, "GET /cart"),                 // rootTraceName
                UInt(4, 1_700_000_000_000_000_000),     // startTimeUnixNano (uint64 varint)
                UInt(5, 250),                           // durationMs
                Message(6, SpanSetBytes()),             // spanSet (deprecated single)
                Message(7, SpanSetBytes()),             // spanSets
                // serviceStats = 8 (map<string, ServiceStats>): ServiceStats spanCount = 1, errorCount = 2
                MapEntry(8, String(1, "checkout"), Message(2, UInt(1, 5), UInt(2, 1)))),
            // metrics = 2 (SearchMetrics)
            Message(2,
                UInt(1, 10),        // inspectedTraces
                UInt(2, 4096),      // inspectedBytes
                UInt(3, 2),         // totalBlocks
                UInt(4, 3),         // completedJobs
                UInt(5, 4),         // totalJobs
                UInt(6, 1 << 20),   // totalBlockBytes
                UInt(7, 77)));      // inspectedSpans

        WireAssert.EncodesTo(response, expected);
        WireAssert.MatchesSnapshot(response, "tempopb-search-response");
    }

    [Fact]
    public void ServiceStats_and_SearchMetrics_small_hand_encoded()
    {
        WireAssert.EncodesTo(new ServiceStats { SpanCount = 5, ErrorCount = 1 }, FromHex("0805" + "1001"));
        WireAssert.EncodesTo(new SearchMetrics { InspectedBytes = 300, InspectedSpans = 1 }, FromHex("10ac02" + "3801"));
    }

    internal static SearchResponse FullSearchResponse() => new()
    {
        Traces =
        {
            new TraceSearchMetadata
            {
                TraceID = "2b3c4d",
                RootServiceName = "checkout",
                RootTraceName = "GET /cart",
                StartTimeUnixNano = 1_700_000_000_000_000_000,
                DurationMs = 250,
                SpanSet = FullSpanSet(),
                SpanSets = { FullSpanSet() },
                ServiceStats = { ["checkout"] = new ServiceStats { SpanCount = 5, ErrorCount = 1 } },
            },
        },
        Metrics = new SearchMetrics
        {
            InspectedTraces = 10,
            InspectedBytes = 4096,
            TotalBlocks = 2,
            CompletedJobs = 3,
            TotalJobs = 4,
            TotalBlockBytes = 1 << 20,
            InspectedSpans = 77,
        },
    };

    private static SpanSet FullSpanSet() => new()
    {
        Spans =
        {
            new Tempo.Streaming.Tempopb.Span
            {
                SpanID = "1112131415161718",
                Name = "GET /cart",
                StartTimeUnixNano = 1_700_000_000_000_000_000,
                DurationNanos = 250_000_000,
                Attributes = { new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 } } },
            },
        },
        Matched = 1,
        Attributes = { new KeyValue { Key = "by(resource.service.name)", Value = new AnyValue { StringValue = "checkout" } } },
    };

    private static byte[] SpanSetBytes() => Concat(
        // spans = 1 (tempopb.Span: spanID = 1, name = 2, startTimeUnixNano = 3, durationNanos = 4, attributes = 5)
        Message(1,
            String(1, "1112131415161718"),
            String(2, "GET /cart"),
            UInt(3, 1_700_000_000_000_000_000),
            UInt(4, 250_000_000),
            Message(5, String(1, "http.status_code"), Message(2, UInt(3, 200)))),
        UInt(2, 1), // matched
        // attributes = 3 (common.v1.KeyValue)
        Message(3, String(1, "by(resource.service.name)"), Message(2, String(1, "checkout"))));
}
