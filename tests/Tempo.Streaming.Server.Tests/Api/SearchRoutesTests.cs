using System.Net;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Core;
using Tempo.Streaming.Server.Api.Query;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Server.Tests.QueryApi;

/// <summary>
/// <c>/api/search</c> over HTTP before the search engine is wired in: tenant checks, Tempo's 400 texts, 503 while the
/// querier is missing. The merging of per-tenant answers (Tempo's frontend search combiner) is tested directly.
/// </summary>
public sealed class SearchRoutesTests
{
    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> GetAsync(QueryApiHost host, string path,
        string? orgId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (orgId is not null)
        {
            request.Headers.Add(Tenants.OrgIdHeader, orgId);
        }

        using var response = await host.Client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static string Q(string traceQL) => Uri.EscapeDataString(traceQL);

    [Theory]
    [InlineData("")]
    [InlineData("/querier")]
    public async Task Before_the_search_engine_runs_valid_searches_answer_503(string prefix)
    {
        await using var host = await QueryApiHost.StartAsync();

        foreach (var query in new[] { "", "?q=" + Q("{ status = error }"), "?tags=" + Q("service.name=cart") + "&minDuration=5ms" })
        {
            var (status, contentType, body) = await GetAsync(host, prefix + "/api/search" + query);

            status.Should().Be(HttpStatusCode.ServiceUnavailable, query);
            contentType.Should().Be("text/plain");
            body.Should().Be(QueryResponses.NotReadyMessage);
        }
    }

    [Theory]
    [InlineData("?limit=0", "invalid limit: must be a positive number")]
    [InlineData("?limit=five", "invalid limit: strconv.Atoi: parsing \"five\": invalid syntax")]
    [InlineData("?limit=262145", "limit 262145 exceeds max limit 262144")]
    [InlineData("?spss=0", "invalid spss: must be a positive number")]
    [InlineData("?spss=101", "spans per span set exceeds 100. received 101")]
    [InlineData("?start=abc", "invalid start: strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [InlineData("?start=20&end=10", "http parameter start must be before end. received start=20 end=10")]
    [InlineData("?start=1000&end=605801", "range specified by start and end exceeds 168h0m0s. received start=1000 end=605801")]
    [InlineData("?minDuration=10seconds", "invalid minDuration: time: unknown unit \"seconds\" in duration \"10seconds\"")]
    [InlineData("?minDuration=20s&maxDuration=5s", "invalid maxDuration: must be greater than minDuration")]
    [InlineData("?tags=service.name%3Dfoo%3Dbar", "invalid tags: unexpected '=' at pos 17")]
    [InlineData("?tags=service.name%3D%22foo%20bar", "invalid tags: unterminated quoted value at pos 22")]
    [InlineData("?tags=a%3D1%20a%3D2", "invalid tags: tag a has been set twice")]
    [InlineData("?q=%7B%7D&tags=a%3D1", "invalid request: can't specify tags and q in the same query")]
    [InlineData("?q=%7B%20.foo%3D%22bar%22%20", "invalid TraceQL query: parse error at line 1, col 14: syntax error: unexpected $end")]
    [InlineData("?q=%7B%7D%20%7C%20rate()", "invalid TraceQL query: metrics queries on the search API not yet supported")]
    public async Task Bad_parameters_get_tempos_400_text_even_before_the_engine_runs(string query, string expected)
    {
        await using var host = await QueryApiHost.StartAsync(ready: false);

        foreach (var prefix in new[] { "", "/querier" })
        {
            var (status, contentType, body) = await GetAsync(host, prefix + "/api/search" + query);

            status.Should().Be(HttpStatusCode.BadRequest, query);
            contentType.Should().Be("text/plain");
            body.Should().Be(expected);
        }
    }

    [Fact]
    public async Task A_query_that_parses_but_is_invalid_is_400_with_the_validator_message()
    {
        await using var host = await QueryApiHost.StartAsync();

        var (status, _, body) = await GetAsync(host, "/api/search?q=" + Q("{ .a =~ \"[\" }"));

        status.Should().Be(HttpStatusCode.BadRequest);
        body.Should().StartWith("invalid TraceQL query: invalid regular expression \"[\"");
    }

    [Fact]
    public async Task Multitenant_searches_need_an_org_id_and_check_it_first()
    {
        await using var host = await QueryApiHost.StartAsync(multitenancy: true);

        var (status, _, body) = await GetAsync(host, "/api/search?limit=0");
        status.Should().Be(HttpStatusCode.Unauthorized);
        body.Should().Be("no org id\n");

        Tenants.ResolveTenants("a|b c", out var tenantError).Should().BeNull();
        (status, _, body) = await GetAsync(host, "/api/search", orgId: "a|b c");
        status.Should().Be(HttpStatusCode.BadRequest);
        body.Should().Be(tenantError);

        (status, _, _) = await GetAsync(host, "/api/search", orgId: "team-a|team-b");
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Search_is_get_only()
    {
        await using var host = await QueryApiHost.StartAsync();

        using var response = await host.Client.PostAsync("/api/search", new StringContent(""));

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }

    // --- combining per-tenant answers (modules/frontend/combiner/search.go, pkg/traceql/combine.go) ---

    private static TraceSearchMetadata Trace(string id, ulong start, uint durationMs = 1, string root = "svc") =>
        new() { TraceID = id, RootServiceName = root, RootTraceName = "op", StartTimeUnixNano = start, DurationMs = durationMs };

    private static SpanSet Set(uint matched, string? by = null, params string[] spanIds)
    {
        var set = new SpanSet { Matched = matched };
        foreach (var id in spanIds)
        {
            set.Spans.Add(new Span { SpanID = id });
        }

        if (by is not null)
        {
            set.Attributes.Add(new KeyValue { Key = "by(resource.service.name)", Value = new AnyValue { StringValue = by } });
        }

        return set;
    }

    private static SearchResponse Response(params TraceSearchMetadata[] traces)
    {
        var response = new SearchResponse { Metrics = new SearchMetrics { InspectedBytes = 10, InspectedTraces = 2, CompletedJobs = 1, TotalJobs = 1 } };
        response.Traces.Add(traces);
        return response;
    }

    [Fact]
    public void A_single_answer_comes_back_newest_first_with_its_metrics()
    {
        var combined = SearchResponseCombiner.Combine([Response(Trace("a", 1), Trace("b", 3), Trace("c", 2))], 20, false, false);

        combined.Traces.Select(t => t.TraceID).Should().Equal("b", "c", "a");
        combined.Metrics.Should().Be(new SearchMetrics { InspectedBytes = 10, InspectedTraces = 2, CompletedJobs = 1, TotalJobs = 1 });
    }

    [Fact]
    public void First_found_takes_traces_in_answer_order_until_the_limit_then_orders_them_newest_first()
    {
        var combined = SearchResponseCombiner.Combine(
            [Response(Trace("a", 1), Trace("b", 2)), Response(Trace("c", 9), Trace("d", 3))], 3, false, false);

        combined.Traces.Select(t => t.TraceID).Should().Equal("c", "b", "a");
        combined.Metrics.Should().Be(new SearchMetrics { InspectedBytes = 20, InspectedTraces = 4, CompletedJobs = 2, TotalJobs = 2 });
    }

    [Fact]
    public void Most_recent_keeps_the_newest_of_all_answers()
    {
        var combined = SearchResponseCombiner.Combine(
            [Response(Trace("a", 1), Trace("b", 5)), Response(Trace("c", 9), Trace("d", 3), Trace("e", 2))], 3, true, false);

        combined.Traces.Select(t => t.TraceID).Should().Equal("c", "b", "d");
    }

    [Fact]
    public void A_trace_found_twice_is_merged_even_past_the_limit()
    {
        var first = Trace("a", 5, durationMs: 10, root: "");
        first.SpanSets.Add(Set(1, "cart", "01"));
        first.SpanSet = first.SpanSets[0];
        first.ServiceStats["cart"] = new ServiceStats { SpanCount = 1 };
        var second = Trace("a", 3, durationMs: 20, root: "frontend");
        second.SpanSets.Add(Set(4, "cart", "02", "03"));
        second.SpanSets.Add(Set(2, "shop", "04"));
        second.ServiceStats["cart"] = new ServiceStats { SpanCount = 4, ErrorCount = 1 };
        second.ServiceStats["shop"] = new ServiceStats { SpanCount = 2 };

        var combined = SearchResponseCombiner.Combine([Response(first), Response(second, Trace("z", 1))], 1, false, false);

        var trace = combined.Traces.Single();
        trace.RootServiceName.Should().Be("frontend");
        trace.StartTimeUnixNano.Should().Be(3);
        trace.DurationMs.Should().Be(20);
        trace.SpanSets.Select(s => (s.Matched, s.Spans.Count)).Should().Equal((4u, 2), (2u, 1));
        trace.SpanSet.Should().Be(trace.SpanSets[0]);
        trace.ServiceStats["cart"].Should().Be(new ServiceStats { SpanCount = 4, ErrorCount = 1 });
        trace.ServiceStats["shop"].Should().Be(new ServiceStats { SpanCount = 2 });
    }

    [Fact]
    public void A_missing_root_is_named_as_tempo_names_it_and_answers_are_not_modified()
    {
        var answer = Response(Trace("a", 1, root: ""));

        var combined = SearchResponseCombiner.Combine([answer], 20, false, false);

        combined.Traces.Single().RootServiceName.Should().Be("<root span not yet received>");
        answer.Traces.Single().RootServiceName.Should().BeEmpty();
    }

    [Fact]
    public void A_tag_search_answers_with_trace_level_fields_only()
    {
        var trace = Trace("a", 1);
        trace.SpanSets.Add(Set(1, null, "01"));
        trace.SpanSet = trace.SpanSets[0];
        trace.ServiceStats["svc"] = new ServiceStats { SpanCount = 1 };

        var combined = SearchResponseCombiner.Combine([Response(trace)], 20, false, traceLevelOnly: true);

        combined.Traces.Single().Should().Be(Trace("a", 1));
    }

    [Fact]
    public void No_answers_give_an_empty_list_and_zero_metrics()
    {
        var combined = SearchResponseCombiner.Combine([new SearchResponse()], 20, false, false);

        combined.Traces.Should().BeEmpty();
        combined.Metrics.Should().Be(new SearchMetrics());
    }
}
