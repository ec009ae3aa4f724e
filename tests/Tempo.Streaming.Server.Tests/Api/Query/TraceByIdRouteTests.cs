using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Traces;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Server.Tests.QueryApi;

public sealed class TraceByIdRouteTests
{
    private static readonly byte[] TraceId = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10");
    private const string TraceHex = "0102030405060708090a0b0c0d0e0f10";

    private static FakeTraceStore StoreWithTrace(string tenant = Tenants.SingleTenant) => new FakeTraceStore()
        .Add(tenant, TraceId, FakeTraceStore.Fragment(TraceId, "frontend", ([1, 1, 1, 1, 1, 1, 1, 1], "GET /cart")))
        .Add(tenant, TraceId, FakeTraceStore.Fragment(TraceId, "cart", ([2, 2, 2, 2, 2, 2, 2, 2], "load cart")));

    private static async Task<HttpResponseMessage> GetAsync(QueryApiHost host, string path, string? accept = null,
        string? orgId = null)
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

        return await host.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("/api/traces/")]
    [InlineData("/api/v2/traces/")]
    [InlineData("/querier/api/traces/")]
    [InlineData("/querier/api/v2/traces/")]
    public async Task Unknown_trace_is_404_with_an_empty_body_and_no_content_type(string route)
    {
        await using var host = await QueryApiHost.StartAsync(traceSources: [new FakeTraceStore()]);

        using var response = await GetAsync(host, route + "ffff");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        response.Content.Headers.ContentType.Should().BeNull();
    }

    [Theory]
    [InlineData("/api/traces/")]
    [InlineData("/querier/api/traces/")]
    public async Task V1_answers_json_batches_by_default_and_otlp_protobuf_on_request(string route)
    {
        await using var host = await QueryApiHost.StartAsync(traceSources: [StoreWithTrace()]);

        using var json = await GetAsync(host, route + TraceHex);
        json.StatusCode.Should().Be(HttpStatusCode.OK);
        json.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var root = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
        root.GetProperty("batches").GetArrayLength().Should().Be(2);

        using var proto = await GetAsync(host, route + TraceHex, accept: "application/protobuf");
        proto.Content.Headers.ContentType!.MediaType.Should().Be("application/protobuf");
        var trace = Trace.Parser.ParseFrom(await proto.Content.ReadAsByteArrayAsync());
        trace.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name)
            .Should().BeEquivalentTo("GET /cart", "load cart");
    }

    [Fact]
    public async Task Trace_ids_are_accepted_without_leading_zeros_and_in_upper_case()
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await GetAsync(host, "/api/traces/" + TraceHex.TrimStart('0').ToUpperInvariant());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        store.Lookups.Single().TraceId.Should().Be(TraceHex);
    }

    [Fact]
    public async Task V1_ignores_the_llm_accept_header()
    {
        await using var host = await QueryApiHost.StartAsync(traceSources: [StoreWithTrace()]);

        using var response = await GetAsync(host, "/api/traces/" + TraceHex, accept: "application/vnd.grafana.llm");

        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
    }

    [Theory]
    [InlineData("/api/v2/traces/")]
    [InlineData("/querier/api/v2/traces/")]
    public async Task V2_answers_trace_by_id_response_in_json_protobuf_and_llm_form(string route)
    {
        await using var host = await QueryApiHost.StartAsync(traceSources: [StoreWithTrace()]);

        using var json = await GetAsync(host, route + TraceHex);
        json.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("trace")
            .GetProperty("resourceSpans").GetArrayLength().Should().Be(2);

        using var proto = await GetAsync(host, route + TraceHex, accept: "application/protobuf");
        proto.Content.Headers.ContentType!.MediaType.Should().Be("application/protobuf");
        TraceByIDResponse.Parser.ParseFrom(await proto.Content.ReadAsByteArrayAsync()).Trace.ResourceSpans.Should().HaveCount(2);

        using var llm = await GetAsync(host, route + TraceHex, accept: "application/vnd.grafana.llm");
        llm.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.grafana.llm");
        JsonDocument.Parse(await llm.Content.ReadAsStringAsync()).RootElement.GetProperty("trace")
            .GetProperty("traceId").GetString().Should().Be(TraceHex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{ true }")]
    [InlineData("{true}")]
    public async Task V2_q_that_selects_everything_returns_the_full_trace(string q)
    {
        await using var host = await QueryApiHost.StartAsync(traceSources: [StoreWithTrace()]);

        using var response = await GetAsync(host, $"/api/v2/traces/{TraceHex}?q={Uri.EscapeDataString(q)}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task V2_q_with_a_real_filter_is_refused_until_traceql_exists()
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await GetAsync(host, $"/api/v2/traces/{TraceHex}?q={Uri.EscapeDataString("{ .http.status_code = 500 }")}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("not supported yet");
        store.Lookups.Should().BeEmpty("bad input is refused before any store is asked");
    }

    public static TheoryData<string, string> BadInput => new()
    {
        { "/api/traces/xyz", "trace IDs can only contain hex characters: invalid character 'x' at position 1" },
        { "/api/traces/abcx", "trace IDs can only contain hex characters: invalid character 'x' at position 4" },
        { "/api/traces/" + new string('a', 33), "trace IDs can't be larger than 128 bits" },
        { $"/api/traces/{TraceHex}?start=x", "invalid start: strconv.ParseInt: parsing \"x\": invalid syntax" },
        { $"/api/traces/{TraceHex}?start=1&end=y", "invalid end: strconv.ParseInt: parsing \"y\": invalid syntax" },
        { $"/api/traces/{TraceHex}?start=99999999999999999999", "invalid start: strconv.ParseInt: parsing \"99999999999999999999\": value out of range" },
        { $"/api/traces/{TraceHex}?start=9&end=3", "http parameter start must be before end. received start=9 end=3" },
        { $"/api/traces/{TraceHex}?start=9&end=9", "http parameter start must be before end. received start=9 end=9" },
        { $"/querier/api/traces/{TraceHex}?mode=x", "invalid value for mode x" },
        { $"/querier/api/traces/{TraceHex}?blockStart=abc", "invalid value for blockstart: invalid UUID length: 3" },
        { $"/querier/api/traces/{TraceHex}?blockEnd=zzzzzzzz-0000-0000-0000-000000000000", "invalid value for blockEnd: invalid UUID format" },
        { $"/querier/api/traces/{TraceHex}?mode=x&start=y", "invalid value for mode x" },
        { $"/querier/api/traces/{TraceHex}?blockStart=a&start=y", "invalid value for blockstart: invalid UUID length: 1" },
        { $"/api/v2/traces/{TraceHex}?start=9&end=3", "http parameter start must be before end. received start=9 end=3" },
        { "/querier/api/v2/traces/12g4", "trace IDs can only contain hex characters: invalid character 'g' at position 3" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_400_text_plain_with_tempos_words_and_asks_no_store(string path, string message)
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await GetAsync(host, path);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; charset=utf-8");
        (await response.Content.ReadAsStringAsync()).Should().Be(message);
        store.Lookups.Should().BeEmpty();
    }

    [Fact]
    public async Task Mode_ingesters_reads_no_other_parameter_as_tempo_does()
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await GetAsync(host, $"/querier/api/traces/{TraceHex}?mode=ingesters&start=x&blockStart=bad");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        store.Lookups.Single().Window.Should().Be(QueryWindow.All);
    }

    [Fact]
    public async Task Mode_blocks_does_not_ask_the_live_stores()
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await GetAsync(host, $"/querier/api/traces/{TraceHex}?mode=blocks");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        store.Lookups.Should().BeEmpty();
    }

    [Fact]
    public async Task Start_and_end_reach_the_store_as_the_query_window()
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await GetAsync(host, $"/api/traces/{TraceHex}?start=1699999990&end=1700000100");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        store.Lookups.Single().Window.Should().Be(new QueryWindow(1699999990, 1700000100));
    }

    [Fact]
    public async Task Before_the_live_store_runs_valid_requests_get_503_and_bad_ones_still_400()
    {
        await using var host = await QueryApiHost.StartAsync(ready: false);

        using var notReady = await GetAsync(host, "/api/v2/traces/" + TraceHex);
        notReady.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await notReady.Content.ReadAsStringAsync()).Should().Contain("the live store is still starting");

        using var bad = await GetAsync(host, "/api/traces/xyz");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Only_get_is_served(string method)
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/traces/" + TraceHex));

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        store.Lookups.Should().BeEmpty();
    }

    [Fact]
    public async Task Single_tenant_mode_reads_single_tenant_whatever_the_header_says()
    {
        var store = StoreWithTrace();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store]);

        using var response = await GetAsync(host, "/api/traces/" + TraceHex, orgId: "someone-else");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        store.Lookups.Single().Tenant.Should().Be("single-tenant");
    }

    [Fact]
    public async Task Multitenant_mode_needs_an_org_id_and_reads_only_that_tenant()
    {
        var store = StoreWithTrace("team-a");
        await using var host = await QueryApiHost.StartAsync(multitenancy: true, traceSources: [store]);

        using var missing = await GetAsync(host, "/api/traces/" + TraceHex);
        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await missing.Content.ReadAsStringAsync()).Should().Be("no org id\n");

        using var other = await GetAsync(host, "/api/traces/" + TraceHex, orgId: "team-b");
        other.StatusCode.Should().Be(HttpStatusCode.NotFound, "tenants never see each other's traces");

        using var own = await GetAsync(host, "/api/traces/" + TraceHex, orgId: "team-a");
        own.StatusCode.Should().Be(HttpStatusCode.OK);

        using var invalid = await GetAsync(host, "/api/traces/" + TraceHex, orgId: "a/b");
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadAsStringAsync()).Should().Be("tenant ID 'a/b' contains unsupported character '/'");

        store.Lookups.Select(l => l.Tenant).Should().Equal("team-b", "team-a");
    }

    [Fact]
    public async Task Federated_org_ids_combine_the_trace_as_every_tenant_stored_it()
    {
        var store = new FakeTraceStore()
            .Add("team-a", TraceId, FakeTraceStore.Fragment(TraceId, "frontend", ([1, 1, 1, 1, 1, 1, 1, 1], "GET /cart")))
            .Add("team-b", TraceId, FakeTraceStore.Fragment(TraceId, "cart", ([2, 2, 2, 2, 2, 2, 2, 2], "load cart")));
        await using var host = await QueryApiHost.StartAsync(multitenancy: true, traceSources: [store]);

        using var both = await GetAsync(host, "/api/traces/" + TraceHex, orgId: "team-b|team-a|team-b");
        both.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await both.Content.ReadAsStringAsync();
        body.Should().Contain("\"GET /cart\"").And.Contain("\"load cart\"");
        store.Lookups.Select(l => l.Tenant).Should().Equal("team-a", "team-b");

        using var invalid = await GetAsync(host, "/api/traces/" + TraceHex, orgId: "team-a|a/b");
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadAsStringAsync()).Should().Be("tenant ID 'a/b' contains unsupported character '/'");
    }

    [Fact]
    public async Task A_trace_over_max_bytes_per_trace_is_422_on_v1_and_partial_on_v2()
    {
        await using var host = await QueryApiHost.StartAsync();
        // the first fragment alone is over the limit: the combined trace stops there
        host.Services.Traces = new TraceByIdQuerier([StoreWithTrace()], [], maxTraceBytes: 10);

        using var v1 = await GetAsync(host, "/api/traces/" + TraceHex);
        v1.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await v1.Content.ReadAsStringAsync()).Should().Be("trace exceeds max size (max bytes: 10)");

        using var v2 = await GetAsync(host, "/api/v2/traces/" + TraceHex);
        v2.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await v2.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("PARTIAL");
    }
}
