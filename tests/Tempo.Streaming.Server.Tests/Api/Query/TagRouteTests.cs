using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Server.Tests.QueryApi;

public sealed class TagRouteTests
{
    private static FakeTagStore ShopStore()
    {
        var store = new FakeTagStore();
        store.Names[AttributeScope.Resource] = ["service.name", "host.name"];
        store.Names[AttributeScope.Span] = ["http.method"];
        store.Values[TagIdentifier.Attribute(AttributeScope.Resource, "service.name")] =
            [new(TagValueType.String, "frontend"), new(TagValueType.String, "cart")];
        store.Values[TagIdentifier.Unscoped("http.response.status_code")] = [new(TagValueType.Int, "200"), new(TagValueType.Int, "500")];
        return store;
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> GetAsync(QueryApiHost host, string path,
        string? accept = null, string? orgId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        if (orgId is not null)
        {
            request.Headers.Add(Tenants.OrgIdHeader, orgId);
        }

        using var response = await host.Client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/querier")]
    public async Task V1_tags_are_a_flat_sorted_list_with_metrics(string prefix)
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (status, contentType, body) = await GetAsync(host, prefix + "/api/search/tags");

        status.Should().Be(HttpStatusCode.OK);
        contentType.Should().Be("application/json");
        body.Should().Be("""{"tagNames":["host.name","http.method","service.name"],"metrics":{"inspectedBytes":"1234"}}""");
    }

    [Fact]
    public async Task V1_tags_with_scope_intrinsic_list_the_intrinsics()
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (_, _, body) = await GetAsync(host, "/api/search/tags?scope=intrinsic");

        JsonDocument.Parse(body).RootElement.GetProperty("tagNames").EnumerateArray().Select(e => e.GetString())
            .Should().Equal(IntrinsicTags.Names);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/querier")]
    public async Task V2_tags_have_one_entry_per_scope_and_the_intrinsics(string prefix)
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (status, _, body) = await GetAsync(host, prefix + "/api/v2/search/tags");

        status.Should().Be(HttpStatusCode.OK);
        var scopes = JsonDocument.Parse(body).RootElement.GetProperty("scopes").EnumerateArray().ToList();
        scopes.Select(s => s.GetProperty("name").GetString()).Should().Equal("resource", "span", "intrinsic");
        scopes[0].GetProperty("tags").EnumerateArray().Select(e => e.GetString()).Should().Equal("host.name", "service.name");
    }

    [Fact]
    public async Task V2_tags_answer_protobuf_on_request()
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/search/tags?scope=span");
        request.Headers.Accept.ParseAdd("application/protobuf");

        using var response = await host.Client.SendAsync(request);

        response.Content.Headers.ContentType!.MediaType.Should().Be("application/protobuf");
        var message = SearchTagsV2Response.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        message.Scopes.Single().Tags.Should().Equal("http.method");
        message.Metrics.InspectedBytes.Should().Be(1234);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/querier")]
    public async Task V1_tag_values_are_strings(string prefix)
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (status, _, body) = await GetAsync(host, prefix + "/api/search/tag/service.name/values");

        status.Should().Be(HttpStatusCode.OK);
        body.Should().Be("""{"tagValues":["cart","frontend"],"metrics":{"inspectedBytes":"99"}}""");
    }

    [Fact]
    public async Task V1_status_code_values_are_tempos_virtual_ones()
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (_, _, body) = await GetAsync(host, "/api/search/tag/status.code/values");

        body.Should().Be("""{"tagValues":["error","ok","unset"],"metrics":{}}""");
    }

    [Theory]
    [InlineData("")]
    [InlineData("/querier")]
    public async Task V2_tag_values_are_typed(string prefix)
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (status, _, body) = await GetAsync(host, prefix + "/api/v2/search/tag/.http.response.status_code/values");

        status.Should().Be(HttpStatusCode.OK);
        body.Should().Be("""{"tagValues":[{"type":"int","value":"200"},{"type":"int","value":"500"}],"metrics":{"inspectedBytes":"99"}}""");
    }

    [Fact]
    public async Task V2_status_values_are_keywords()
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (_, _, body) = await GetAsync(host, "/api/v2/search/tag/status/values");

        body.Should().Be("""{"tagValues":[{"type":"keyword","value":"ok"},{"type":"keyword","value":"error"},{"type":"keyword","value":"unset"}],"metrics":{}}""");
    }

    [Fact]
    public async Task V2_tag_values_have_an_llm_form()
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (_, contentType, body) = await GetAsync(host, "/api/v2/search/tag/resource.service.name/values",
            accept: "application/vnd.grafana.llm");

        contentType.Should().Be("application/vnd.grafana.llm");
        body.Should().Be("""{"tagValues":{"string":["cart","frontend"]},"metrics":{"inspectedBytes":99}}""");
    }

    [Fact]
    public async Task Quoted_identifiers_in_the_path_are_parsed()
    {
        var store = ShopStore();
        store.Values[TagIdentifier.Attribute(AttributeScope.Span, "a b")] = [new(TagValueType.Bool, "true")];
        await using var host = await QueryApiHost.StartAsync(tagSources: [store]);

        var (status, _, body) = await GetAsync(host, "/api/v2/search/tag/" + Uri.EscapeDataString("span.\"a b\"") + "/values");

        status.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("""{"type":"bool","value":"true"}""");
    }

    public static TheoryData<string, string> BadInput => new()
    {
        { "/api/search/tags?scope=foo", "invalid scope: foo" },
        { "/api/v2/search/tags?scope=Span", "invalid scope: Span" },
        { "/api/v2/search/tags?scope=x&start=y", "invalid scope: x" },
        { "/api/search/tags?start=x", "invalid start: strconv.ParseInt: parsing \"x\": invalid syntax" },
        { "/api/search/tags?start=1700000000&end=x", "invalid end: strconv.ParseInt: parsing \"x\": invalid syntax" },
        { "/api/v2/search/tags?start=9&end=3", "range specified by start and end exceeds 168h0m0s. received start=9 end=3" },
        { "/api/search/tag/service.name/values?start=1700000000&end=1600000000",
            "range specified by start and end exceeds 168h0m0s. received start=1700000000 end=1600000000" },
        { "/api/search/tag/a%25zz/values", "error in unescaping tagName" },
        { "/api/v2/search/tag/foo/values",
            "please provide a valid tagName: failed to parse identifier foo: parse error at line 1, col 2: syntax error: unexpected IDENTIFIER" },
        { "/querier/api/v2/search/tag/foo/values?start=x",
            "please provide a valid tagName: failed to parse identifier foo: parse error at line 1, col 2: syntax error: unexpected IDENTIFIER" },
        { "/api/v2/search/tag/.x/values?start=x", "invalid start: strconv.ParseInt: parsing \"x\": invalid syntax" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_400_text_plain_with_tempos_words_and_asks_no_store(string path, string message)
    {
        var store = ShopStore();
        await using var host = await QueryApiHost.StartAsync(tagSources: [store]);

        var (status, contentType, body) = await GetAsync(host, path);

        status.Should().Be(HttpStatusCode.BadRequest);
        contentType.Should().Be("text/plain");
        body.Should().Be(message);
        store.Queries.Should().BeEmpty();
    }

    [Fact]
    public async Task Bad_limits_are_ignored_as_tempos_frontend_does()
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (status, _, _) = await GetAsync(host, "/api/search/tags?limit=abc&maxStaleValues=-3");

        status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Limit_window_and_tenant_reach_the_store()
    {
        var store = ShopStore();
        await using var host = await QueryApiHost.StartAsync(multitenancy: true, tagSources: [store]);

        var (status, _, body) = await GetAsync(host, "/api/v2/search/tags?scope=resource&limit=1&maxStaleValues=5&start=1700000000&end=1700003600",
            orgId: "team-a");

        status.Should().Be(HttpStatusCode.OK);
        var query = store.Queries.OfType<TagNamesQuery>().Single();
        query.Tenant.Should().Be("team-a");
        query.LimitPerScope.Should().Be(1);
        query.MaxStaleValues.Should().Be(5);
        query.Window.Should().Be(new QueryWindow(1700000000, 1700003600));
        JsonDocument.Parse(body).RootElement.GetProperty("scopes")[0].GetProperty("tags").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Multitenant_tag_requests_without_org_id_are_401()
    {
        var store = ShopStore();
        await using var host = await QueryApiHost.StartAsync(multitenancy: true, tagSources: [store]);

        var (status, _, body) = await GetAsync(host, "/api/v2/search/tag/.x/values");

        status.Should().Be(HttpStatusCode.Unauthorized);
        body.Should().Be("no org id\n");
        store.Queries.Should().BeEmpty();
    }

    [Fact]
    public async Task Q_is_accepted_and_the_unfiltered_list_returned()
    {
        await using var host = await QueryApiHost.StartAsync(tagSources: [ShopStore()]);

        var (status, _, body) = await GetAsync(host, "/api/v2/search/tag/resource.service.name/values?q=" +
            Uri.EscapeDataString("{ span.http.method = \"GET\" }"));

        status.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("frontend").And.Contain("cart");
    }

    [Fact]
    public async Task Before_the_live_store_runs_tag_routes_answer_503()
    {
        await using var host = await QueryApiHost.StartAsync(ready: false);

        foreach (var path in new[] { "/api/search/tags", "/api/v2/search/tags", "/api/search/tag/x/values", "/api/v2/search/tag/.x/values" })
        {
            var (status, _, body) = await GetAsync(host, path);
            status.Should().Be(HttpStatusCode.ServiceUnavailable, path);
            body.Should().Contain("still starting");
        }
    }

    [Fact]
    public async Task Tag_routes_are_get_only()
    {
        var store = ShopStore();
        await using var host = await QueryApiHost.StartAsync(tagSources: [store]);

        using var response = await host.Client.PostAsync("/api/v2/search/tags", new StringContent(""));

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        store.Queries.Should().BeEmpty();
    }

    [Fact]
    public async Task Federated_org_ids_merge_the_tags_and_values_of_every_tenant()
    {
        var store = new PerTenantTagStore();
        store.Names["team-a"] = ["http.method", "user.id"];
        store.Names["team-b"] = ["http.method", "order.id"];
        store.Values["team-a"] = [new(TagValueType.String, "GET")];
        store.Values["team-b"] = [new(TagValueType.String, "GET"), new(TagValueType.String, "POST")];
        await using var host = await QueryApiHost.StartAsync(multitenancy: true, tagSources: [store]);

        var (status, _, body) = await GetAsync(host, "/api/v2/search/tags?scope=span", orgId: "team-a|team-b");
        status.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("\"tags\":[\"http.method\",\"order.id\",\"user.id\"]");

        (status, _, body) = await GetAsync(host, "/api/search/tags?scope=span", orgId: "team-a|team-b");
        status.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("\"tagNames\":[\"http.method\",\"order.id\",\"user.id\"]");

        (status, _, body) = await GetAsync(host, "/api/v2/search/tag/span.http.method/values", orgId: "team-b|team-a");
        status.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("\"tagValues\":[{\"type\":\"string\",\"value\":\"GET\"},{\"type\":\"string\",\"value\":\"POST\"}]");

        (status, _, body) = await GetAsync(host, "/api/search/tag/http.method/values", orgId: "team-b|team-a");
        status.Should().Be(HttpStatusCode.OK);
        body.Should().Contain("\"tagValues\":[\"GET\",\"POST\"]");
    }

    /// <summary>Answers each tenant from its own lists (span scope names, every tag's values).</summary>
    private sealed class PerTenantTagStore : ITagSource
    {
        public Dictionary<string, string[]> Names { get; } = [];

        public Dictionary<string, TypedTagValue[]> Values { get; } = [];

        public ValueTask<TagNamesResult> GetTagNamesAsync(TagNamesQuery query, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new TagNamesResult(
                query.Scopes.ToDictionary(s => s, s => (IReadOnlyList<string>)(s == AttributeScope.Span
                    ? Names.GetValueOrDefault(query.Tenant, []).Order(StringComparer.Ordinal).ToList()
                    : [])), 10));

        public ValueTask<TagValuesResult> GetTagValuesAsync(TagValuesQuery query, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new TagValuesResult(Values.GetValueOrDefault(query.Tenant, []), 10));
    }
}
