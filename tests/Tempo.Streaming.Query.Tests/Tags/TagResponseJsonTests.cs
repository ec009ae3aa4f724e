using System.Buffers;
using System.Text;
using System.Text.Json;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Tests.Tags;

/// <summary>
/// Golden tests: the four tag responses against the examples of Tempo's API doc (docs/sources/tempo/api_docs/_index.md,
/// "Search tags", "Search tags V2", "Search tag values", "Search tag values V2"). The doc's JSON has two typos (a missing
/// comma after <c>tagNames</c>, a trailing comma in the event scope), fixed here; keys, nesting and types are Tempo's.
/// </summary>
public sealed class TagResponseJsonTests
{
    private const string DocSearchTags = """
        {"tagNames":["host.name","http.method","http.status_code","http.url","ip","load_generator.seq_num","name","region",
          "root_cause_error","sampler.param","sampler.type","service.name","starter","version"],
         "metrics":{"inspectedBytes":"630188"}}
        """;

    private const string DocSearchTagsV2 = """
        {"scopes":[{"name":"link","tags":["link-type"]},{"name":"resource","tags":["k6","service.name"]},
          {"name":"span","tags":["article.count","http.flavor"]},
          {"name":"intrinsic","tags":["duration","event:name","event:timeSinceStart","instrumentation:name","instrumentation:version",
            "kind","name","rootName","rootServiceName","span:duration","span:kind","span:name","span:status","span:statusMessage",
            "status","statusMessage","trace:duration","trace:rootName","trace:rootService","traceDuration"]},
          {"name":"event","tags":["exception.escape","exception.message","exception.stacktrace","exception.type"]}],
         "metrics":{"inspectedBytes":"377046"}}
        """;

    private const string DocSearchTagValues = """
        {"tagValues":["article-service","auth-service","billing-service","cart-service","postgres","shop-backend"],
         "metrics":{"inspectedBytes":"431380"}}
        """;

    private const string DocSearchTagValuesV2 = """
        {"tagValues":[{"type":"string","value":"article-service"},{"type":"string","value":"postgres"},
          {"type":"string","value":"cart-service"},{"type":"string","value":"billing-service"},
          {"type":"string","value":"shop-backend"},{"type":"string","value":"auth-service"}],
         "metrics":{"inspectedBytes":"502756"}}
        """;

    [Fact]
    public async Task Search_tags_matches_the_doc_example_exactly()
    {
        var names = JsonDocument.Parse(DocSearchTags).RootElement.GetProperty("tagNames").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var source = new FakeTagSource { InspectedBytesPerCall = 630188 }.WithNames(AttributeScope.Span, names.Reverse().ToArray());

        var response = await new TagQuerier([source]).SearchTagsAsync(
            new TagNamesRequest("t", TagScopeSelection.Of(AttributeScope.Span), QueryWindow.All, 0, 0), CancellationToken.None);

        Json(TagResponseJson.WriteSearchTags, response).Should().Be(Compact(DocSearchTags));
    }

    [Fact]
    public async Task Search_tags_v2_has_the_doc_example_shape_and_intrinsic_list()
    {
        var source = new FakeTagSource { InspectedBytesPerCall = 377046 }
            .WithNames(AttributeScope.Link, "link-type")
            .WithNames(AttributeScope.Resource, "k6", "service.name")
            .WithNames(AttributeScope.Span, "http.flavor", "article.count")
            .WithNames(AttributeScope.Event, "exception.type", "exception.stacktrace", "exception.message", "exception.escape");

        var response = await new TagQuerier([source]).SearchTagsV2Async(
            new TagNamesRequest("t", TagScopeSelection.All, QueryWindow.All, 0, 0), CancellationToken.None);
        var ours = JsonDocument.Parse(Json(TagResponseJson.WriteSearchTagsV2, response)).RootElement;
        var doc = JsonDocument.Parse(DocSearchTagsV2).RootElement;

        Shape(ours).Should().Be(Shape(doc));
        ScopesByName(ours).Should().BeEquivalentTo(ScopesByName(doc), "the same scopes and tags (Tempo's scope order is map order)");
        ours.GetProperty("metrics").GetProperty("inspectedBytes").GetString().Should().Be("377046");
    }

    [Fact]
    public async Task Search_tag_values_matches_the_doc_example_exactly()
    {
        var tag = TagIdentifier.Attribute(AttributeScope.Resource, "service.name");
        var values = JsonDocument.Parse(DocSearchTagValues).RootElement.GetProperty("tagValues").EnumerateArray()
            .Select(e => new TypedTagValue(TagValueType.String, e.GetString()!)).ToArray();
        var source = new FakeTagSource { InspectedBytesPerCall = 431380 }.WithValues(tag, values);

        var response = await new TagQuerier([source]).SearchTagValuesAsync(
            new TagValuesRequest("t", "service.name", QueryWindow.All, 0, 0), CancellationToken.None);

        Json(TagResponseJson.WriteSearchTagValues, response).Should().Be(Compact(DocSearchTagValues));
    }

    [Fact]
    public async Task Search_tag_values_v2_has_the_doc_example_shape_and_values()
    {
        var doc = JsonDocument.Parse(DocSearchTagValuesV2).RootElement;
        var values = doc.GetProperty("tagValues").EnumerateArray()
            .Select(e => new TypedTagValue(TagValueType.String, e.GetProperty("value").GetString()!)).ToArray();
        var source = new FakeTagSource { InspectedBytesPerCall = 502756 }.WithValues(TagIdentifier.Unscoped("service.name"), values);

        var response = await new TagQuerier([source]).SearchTagValuesV2Async(
            new TagValuesRequest("t", ".service.name", QueryWindow.All, 0, 0), CancellationToken.None);
        var ours = JsonDocument.Parse(Json(TagResponseJson.WriteSearchTagValuesV2, response)).RootElement;

        Shape(ours).Should().Be(Shape(doc));
        ours.GetProperty("tagValues").EnumerateArray().Select(e => e.GetProperty("value").GetString())
            .Should().BeEquivalentTo(values.Select(v => v.Value));
        ours.GetProperty("metrics").GetProperty("inspectedBytes").GetString().Should().Be("502756");
    }

    [Fact]
    public void Empty_lists_and_zero_metrics_are_omitted_but_metrics_is_always_there()
    {
        var empty = new SearchTagValuesV2Response { Metrics = new MetadataMetrics() };

        Json(TagResponseJson.WriteSearchTagValuesV2, empty).Should().Be("""{"metrics":{}}""");
        Json(TagResponseJson.WriteSearchTags, new SearchTagsResponse { Metrics = new MetadataMetrics() }).Should().Be("""{"metrics":{}}""");
    }

    [Fact]
    public void Jsonpb_omits_an_empty_value_and_writes_uint64_metrics_as_strings()
    {
        var response = new SearchTagValuesV2Response
        {
            TagValues = { new TagValue { Type = "string", Value = "" } },
            Metrics = new MetadataMetrics { InspectedBytes = 18446744073709551615, TotalJobs = 3, TotalBlockBytes = 5 },
        };

        Json(TagResponseJson.WriteSearchTagValuesV2, response).Should().Be(
            """{"tagValues":[{"type":"string"}],"metrics":{"inspectedBytes":"18446744073709551615","totalJobs":3,"totalBlockBytes":"5"}}""");
    }

    [Fact]
    public void Llm_form_groups_values_by_type_with_numeric_metrics()
    {
        var response = new SearchTagValuesV2Response
        {
            TagValues =
            {
                new TagValue { Type = "string", Value = "a" }, new TagValue { Type = "int", Value = "200" },
                new TagValue { Type = "string", Value = "b" },
            },
            Metrics = new MetadataMetrics { InspectedBytes = 42 },
        };

        Json(TagResponseJson.WriteSearchTagValuesV2Llm, response).Should().Be(
            """{"tagValues":{"int":["200"],"string":["a","b"]},"metrics":{"inspectedBytes":42}}""");
        Json(TagResponseJson.WriteSearchTagValuesV2Llm, new SearchTagValuesV2Response { Metrics = new MetadataMetrics() })
            .Should().Be("""{"tagValues":{}}""");
    }

    private static string Json<T>(Action<IBufferWriter<byte>, T> write, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static Dictionary<string, string[]> ScopesByName(JsonElement root) =>
        root.GetProperty("scopes").EnumerateArray().ToDictionary(
            s => s.GetProperty("name").GetString()!,
            s => s.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());

    /// <summary>Keys, nesting and JSON value types, without the values themselves.</summary>
    private static string Shape(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().Select(p => p.Name + ":" + Shape(p.Value)).Order()) + "}",
        JsonValueKind.Array => "[" + string.Join("|", element.EnumerateArray().Select(Shape).Distinct().Order()) + "]",
        _ => element.ValueKind.ToString(),
    };
}
