using Tempo.Streaming.Tempopb;
using static Tempo.Streaming.Core.Tests.Wire.ProtoWire;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>
/// Pins the tag-discovery family against Tempo's field numbers. Every expected value here is a literal derived by hand:
/// tag byte = field &lt;&lt; 3 | wire type (0 varint, 2 length-delimited), then the length or value.
/// </summary>
public sealed class TempopbTagsWireTests
{
    [Fact]
    public void SearchTagsRequest()
    {
        var request = new SearchTagsRequest
        {
            Scope = "span",
            Query = "{}",
            Start = 10,
            End = 20,
            MaxTagsPerScope = 5,
            StaleValuesThreshold = 7,
        };
        // scope = 1 (0a), query = 2 (12), start = 3 (18), end = 4 (20), maxTagsPerScope = 5 (28), staleValuesThreshold = 6 (30).
        WireAssert.EncodesTo(request, FromHex("0a047370616e" + "12027b7d" + "180a" + "2014" + "2805" + "3007"));
    }

    [Fact]
    public void SearchTagsResponse()
    {
        var response = new SearchTagsResponse
        {
            TagNames = { "a", "b" },
            Metrics = new MetadataMetrics { InspectedBytes = 1, TotalJobs = 2, CompletedJobs = 3, TotalBlocks = 4, TotalBlockBytes = 5 },
        };
        // tagNames = 1 (0a) twice; metrics = 2 (12 0a) { inspectedBytes = 1 (08), totalJobs = 2 (10), completedJobs = 3 (18),
        // totalBlocks = 4 (20), totalBlockBytes = 5 (28) }.
        WireAssert.EncodesTo(response, FromHex("0a0161" + "0a0162" + "120a" + "0801" + "1002" + "1803" + "2004" + "2805"));
    }

    [Fact]
    public void SearchTagsV2Response()
    {
        var response = new SearchTagsV2Response
        {
            Scopes = { new SearchTagsV2Scope { Name = "span", Tags = { "http.method" } } },
            Metrics = new MetadataMetrics { TotalJobs = 1 },
        };
        // scopes = 1 (0a 13) { name = 1 (0a 04 "span"), tags = 2 (12 0b "http.method") }; metrics = 2 (12 02) { totalJobs = 2 (10 01) }.
        WireAssert.EncodesTo(response, FromHex(
            "0a13" + "0a047370616e" + "120b687474702e6d6574686f64" +
            "1202" + "1001"));
    }

    [Fact]
    public void SearchTagValuesRequest()
    {
        var request = new SearchTagValuesRequest
        {
            TagName = "name",
            Query = "{}",
            Start = 100,
            End = 200,
            MaxTagValues = 50,
            StaleValueThreshold = 9,
        };
        // tagName = 1 (0a), query = 2 (12), field 3 unused, start = 4 (20), end = 5 (28, 200 = c8 01),
        // maxTagValues = 6 (30), staleValueThreshold = 7 (38).
        WireAssert.EncodesTo(request, FromHex("0a046e616d65" + "12027b7d" + "2064" + "28c801" + "3032" + "3809"));
    }

    [Fact]
    public void SearchTagValuesResponse()
    {
        var response = new SearchTagValuesResponse { TagValues = { "GET" }, Metrics = new MetadataMetrics { CompletedJobs = 2 } };
        // tagValues = 1 (0a 03 "GET"); metrics = 2 (12 02) { completedJobs = 3 (18 02) }.
        WireAssert.EncodesTo(response, FromHex("0a03474554" + "1202" + "1802"));
    }

    [Fact]
    public void SearchTagValuesV2Response()
    {
        var response = new SearchTagValuesV2Response
        {
            TagValues = { new TagValue { Type = "string", Value = "GET" } },
            Metrics = new MetadataMetrics { TotalBlocks = 1, TotalBlockBytes = 1024 },
        };
        // tagValues = 1 (0a 0d) { type = 1 (0a 06 "string"), value = 2 (12 03 "GET") };
        // metrics = 2 (12 05) { totalBlocks = 4 (20 01), totalBlockBytes = 5 (28, 1024 = 80 08) }.
        WireAssert.EncodesTo(response, FromHex(
            "0a0d" + "0a06737472696e67" + "1203474554" +
            "1205" + "2001" + "288008"));
    }

    [Fact]
    public void Tag_family_fully_populated_matches_frozen_snapshots()
    {
        var v2 = new SearchTagsV2Response
        {
            Scopes =
            {
                new SearchTagsV2Scope { Name = "resource", Tags = { "service.name", "k8s.pod.name" } },
                new SearchTagsV2Scope { Name = "span", Tags = { "http.method", "http.status_code" } },
                new SearchTagsV2Scope { Name = "intrinsic", Tags = { "duration", "name", "status" } },
            },
            Metrics = new MetadataMetrics { InspectedBytes = 9_999, TotalJobs = 4, CompletedJobs = 4, TotalBlocks = 2, TotalBlockBytes = 123_456 },
        };
        var values = new SearchTagValuesV2Response
        {
            TagValues =
            {
                new TagValue { Type = "string", Value = "GET" },
                new TagValue { Type = "int", Value = "200" },
                new TagValue { Type = "keyword", Value = "error" },
            },
            Metrics = new MetadataMetrics { InspectedBytes = 1, TotalJobs = 1, CompletedJobs = 1 },
        };

        WireAssert.MatchesSnapshot(v2, "tempopb-search-tags-v2-response");
        WireAssert.MatchesSnapshot(values, "tempopb-search-tag-values-v2-response");
    }
}
