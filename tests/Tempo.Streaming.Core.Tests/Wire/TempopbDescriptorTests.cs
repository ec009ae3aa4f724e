using Google.Protobuf.Reflection;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>
/// Pins what is not in the bytes: the gRPC method names Grafana calls, their request/response types, and the JSON
/// field names Tempo's HTTP API emits (gogo jsonpb uses protoc's json_name, which is what these descriptors hold).
/// </summary>
public sealed class TempopbDescriptorTests
{
    [Fact]
    public void StreamingQuerier_has_tempos_methods_all_server_streaming()
    {
        var service = StreamingQuerierReflection.Descriptor.Services.Should().ContainSingle().Subject;
        service.FullName.Should().Be("tempopb.StreamingQuerier");

        var methods = service.Methods.Select(static m =>
            (m.Name, Input: m.InputType.FullName, Output: m.OutputType.FullName, m.IsServerStreaming, m.IsClientStreaming));
        methods.Should().Equal(
            ("Search", "tempopb.SearchRequest", "tempopb.SearchResponse", true, false),
            ("SearchTags", "tempopb.SearchTagsRequest", "tempopb.SearchTagsResponse", true, false),
            ("SearchTagsV2", "tempopb.SearchTagsRequest", "tempopb.SearchTagsV2Response", true, false),
            ("SearchTagValues", "tempopb.SearchTagValuesRequest", "tempopb.SearchTagValuesResponse", true, false),
            ("SearchTagValuesV2", "tempopb.SearchTagValuesRequest", "tempopb.SearchTagValuesV2Response", true, false),
            ("MetricsQueryRange", "tempopb.QueryRangeRequest", "tempopb.QueryRangeResponse", true, false),
            ("MetricsQueryInstant", "tempopb.QueryInstantRequest", "tempopb.QueryInstantResponse", true, false));
    }

    [Fact]
    public void StreamingQuerier_request_types_resolve_to_the_generated_classes()
    {
        var service = StreamingQuerierReflection.Descriptor.Services[0];
        service.FindMethodByName("Search").InputType.ClrType.Should().Be<SearchRequest>();
        service.FindMethodByName("MetricsQueryRange").OutputType.ClrType.Should().Be<QueryRangeResponse>();
    }

    [Theory]
    [InlineData(typeof(TraceSearchMetadata), "traceID", "traceID")]
    [InlineData(typeof(TraceSearchMetadata), "rootServiceName", "rootServiceName")]
    [InlineData(typeof(TraceSearchMetadata), "startTimeUnixNano", "startTimeUnixNano")]
    [InlineData(typeof(TraceSearchMetadata), "spanSets", "spanSets")]
    [InlineData(typeof(TraceSearchMetadata), "serviceStats", "serviceStats")]
    [InlineData(typeof(Tempo.Streaming.Tempopb.Span), "spanID", "spanID")]
    [InlineData(typeof(Tempo.Streaming.Tempopb.Span), "durationNanos", "durationNanos")]
    [InlineData(typeof(SearchRequest), "Tags", "Tags")]
    [InlineData(typeof(SearchRequest), "SpansPerSpanSet", "SpansPerSpanSet")]
    [InlineData(typeof(SearchTagValuesV2Response), "tagValues", "tagValues")]
    [InlineData(typeof(Sample), "timestamp_ms", "timestampMs")]
    [InlineData(typeof(Exemplar), "timestamp_ms", "timestampMs")]
    [InlineData(typeof(Trace), "resource_spans", "batches")]
    public void Json_names_match_tempos_http_api(Type messageType, string protoField, string jsonName)
    {
        var descriptor = (MessageDescriptor)messageType.GetProperty("Descriptor")!.GetValue(null)!;
        descriptor.FindFieldByName(protoField).Should().NotBeNull().And.Subject
            .As<FieldDescriptor>().JsonName.Should().Be(jsonName);
    }

    [Fact]
    public void Removed_tempo_fields_stay_reserved()
    {
        // Tempo reserves 3 / prom_labels in TimeSeries; reusing it would clash with old Tempo peers.
        TimeSeries.Descriptor.FindFieldByNumber(3).Should().BeNull();
        QueryRangeRequest.Descriptor.FindFieldByNumber(5).Should().BeNull();
        QueryRangeRequest.Descriptor.FindFieldByNumber(6).Should().BeNull();
        QueryRangeRequest.Descriptor.FindFieldByNumber(12).Should().BeNull();
    }
}
