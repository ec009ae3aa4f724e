using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Tempopb;
using static Tempo.Streaming.Core.Tests.Wire.ProtoWire;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>Pins the TraceQL-metrics family (query range and instant) against Tempo's field numbers.</summary>
public sealed class TempopbMetricsWireTests
{
    [Fact]
    public void Sample_writes_value_field_1_before_timestamp_field_2()
    {
        // value = 1 (double, tag 09, 1.5 = 0x3ff8000000000000 little-endian), timestamp_ms = 2 (tag 10, 1000 = e8 07).
        WireAssert.EncodesTo(new Sample { TimestampMs = 1000, Value = 1.5 }, FromHex("09000000000000f83f" + "10e807"));
    }

    [Fact]
    public void DedicatedColumn_field_numbers_run_backwards()
    {
        // type = 1 (08 01 = INT), name = 2 (12 01 'x'), scope = 3 (18 01 = RESOURCE), options = 4 (20 01 = ARRAY).
        var column = new DedicatedColumn
        {
            Scope = DedicatedColumn.Types.Scope.Resource,
            Name = "x",
            Type = DedicatedColumn.Types.Type.Int,
            Options = DedicatedColumn.Types.Option.Array,
        };
        WireAssert.EncodesTo(column, FromHex("0801" + "120178" + "1801" + "2001"));
    }

    [Fact]
    public void QueryInstantRequest_hand_encoded()
    {
        // query = 1 (0a 0b "{} | rate()"), start = 2 (10 01), end = 3 (18 02).
        WireAssert.EncodesTo(
            new QueryInstantRequest { Query = "{} | rate()", Start = 1, End = 2 },
            FromHex("0a0b" + "7b7d207c20726174652829" + "1001" + "1802"));
    }

    [Fact]
    public void QueryRangeRequest_fully_populated()
    {
        var request = new QueryRangeRequest
        {
            Query = "{ } | rate() by (resource.service.name)",
            Start = 1_700_000_000_000_000_000,
            End = 1_700_000_360_000_000_000,
            Step = 15_000_000_000,
            QueryMode = "recent",
            BlockID = "b2a1c0d9-0000-4000-8000-000000000001",
            StartPage = 1,
            PagesToSearch = 2,
            Version = "vParquet4",
            Size = 1 << 30,
            FooterSize = 4096,
            DedicatedColumns = { new DedicatedColumn { Scope = DedicatedColumn.Types.Scope.Span, Name = "http.url" } },
            Exemplars = 100,
            MaxSeries = 1000,
        };
        var expected = Concat(
            String(1, "{ } | rate() by (resource.service.name)"), // query
            UInt(2, 1_700_000_000_000_000_000),                  // start (unix ns)
            UInt(3, 1_700_000_360_000_000_000),                  // end
            UInt(4, 15_000_000_000),                             // step (ns)
            String(7, "recent"),                                 // queryMode (5, 6 removed)
            String(8, "b2a1c0d9-0000-4000-8000-000000000001"),   // blockID
            UInt(9, 1),                                          // startPage
            UInt(10, 2),                                         // pagesToSearch
            String(11, "vParquet4"),                             // version (12 removed)
            UInt(13, 1 << 30),                                   // size
            UInt(14, 4096),                                      // footerSize
            Message(15, String(2, "http.url")),                  // dedicatedColumns (all enums default → only name)
            UInt(16, 100),                                       // exemplars
            UInt(17, 1000));                                     // maxSeries

        WireAssert.EncodesTo(request, expected);
        WireAssert.MatchesSnapshot(request, "tempopb-query-range-request");
    }

    [Fact]
    public void QueryRangeResponse_fully_populated()
    {
        var response = FullQueryRangeResponse();
        var label = Message(1, String(1, "resource.service.name"), Message(2, String(1, "checkout")));
        var expected = Concat(
            // series = 1 (TimeSeries: labels = 1, samples = 2, exemplars = 4; 3 was prom_labels)
            Message(1,
                label,
                Message(2, Double(1, 0.5), Int(2, 1_700_000_000_000)),
                Message(2, Double(1, 0.75), Int(2, 1_700_000_015_000)),
                // Exemplar: labels = 1, value = 2 (double), timestamp_ms = 3
                Message(4,
                    Message(1, String(1, "trace:id"), Message(2, String(1, "0102030405060708090a0b0c0d0e0f10"))),
                    Double(2, 0.25),
                    Int(3, 1_700_000_007_000))),
            Message(2, UInt(1, 3), UInt(2, 512), UInt(5, 2)), // metrics (SearchMetrics)
            UInt(3, 1),                                       // status = PARTIAL
            String(4, "response truncated"));                 // message

        WireAssert.EncodesTo(response, expected);
        WireAssert.MatchesSnapshot(response, "tempopb-query-range-response");
    }

    [Fact]
    public void QueryInstantResponse_fully_populated()
    {
        var response = new QueryInstantResponse
        {
            Series =
            {
                new InstantSeries
                {
                    Labels = { new KeyValue { Key = "span.http.status_code", Value = new AnyValue { IntValue = 500 } } },
                    Value = 42,
                },
            },
            Metrics = new SearchMetrics { TotalJobs = 1, CompletedJobs = 1 },
            Status = PartialStatus.Complete,
            Message = "",
        };
        var expected = Concat(
            // series = 1 (InstantSeries: labels = 1, value = 2 double)
            Message(1, Message(1, String(1, "span.http.status_code"), Message(2, UInt(3, 500))), Double(2, 42)),
            Message(2, UInt(4, 1), UInt(5, 1)));

        WireAssert.EncodesTo(response, expected);
    }

    internal static QueryRangeResponse FullQueryRangeResponse() => new()
    {
        Series =
        {
            new TimeSeries
            {
                Labels = { new KeyValue { Key = "resource.service.name", Value = new AnyValue { StringValue = "checkout" } } },
                Samples =
                {
                    new Sample { TimestampMs = 1_700_000_000_000, Value = 0.5 },
                    new Sample { TimestampMs = 1_700_000_015_000, Value = 0.75 },
                },
                Exemplars =
                {
                    new Exemplar
                    {
                        Labels = { new KeyValue { Key = "trace:id", Value = new AnyValue { StringValue = "0102030405060708090a0b0c0d0e0f10" } } },
                        Value = 0.25,
                        TimestampMs = 1_700_000_007_000,
                    },
                },
            },
        },
        Metrics = new SearchMetrics { InspectedTraces = 3, InspectedBytes = 512, TotalJobs = 2 },
        Status = PartialStatus.Partial,
        Message = "response truncated",
    };
}
