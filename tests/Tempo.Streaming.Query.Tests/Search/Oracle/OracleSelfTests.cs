using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Tempopb;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>
/// The oracle against hand-computed expectations on two tiny traces.
/// <para>
/// Trace 1 (0123456789abcdef0123456789abcdef), spans named by their ID's hex letter (A = aaaaaaaaaaaaaaaa, ...):
/// <code>
/// A frontend  server   "GET /"          0–100ms  GET 200, payload 2.5, unset              (scope http 1.0, auto=true)
/// ├─ B frontend client "call cart"      10–50ms  POST 500, error "boom"                   (scope http)
/// │  └─ C cart  server "AddItem"        15–45ms  201, cache.hit=true, payload 10.0, ok    (scope cart.manual 2.0, auto=false)
/// │     ├─ D db-proxy client "SELECT orders" 20–30ms postgres, rows 7, payload 1.5, error "timeout",
/// │     │                                  events exception@25ms (IOException), retry@28ms (attempt 2)  (scope sql 3.1)
/// │     └─ E db-proxy producer "INSERT orders" 32–37ms redis, rows 3, unset                 (scope sql)
/// └─ F frontend internal "render"       60–80ms  deployment.env=canary (span), cache.hit=false, link → fedcba…/1234567890abcdef
///                                                                                          (scope frontend.manual 1.1)
/// resources: frontend {deployment.env=prod, replica.count=3}, cart {deployment.env=prod, replica.count=2}, db-proxy {replica.count=1}
/// </code>
/// Trace 2 (2222…): G cart consumer "GetCart" 0–7ms (root) → H cart unspecified "noop" 1–2ms.
/// </para>
/// </summary>
public sealed class OracleSelfTests
{
    private const string Trace1 = "0123456789abcdef0123456789abcdef";
    private const string Trace2 = "22222222222222222222222222222222";
    private const string LinkedTrace = "fedcba98765432100123456789abcdef";
    private const ulong T0 = 1_700_000_000_000_000_000;

    private static readonly Trace[] Traces = [BuildTrace1(), BuildTrace2()];

    private static string Id(char letter) => new(char.ToLowerInvariant(letter), 16);

    private static Trace BuildTrace1() => new TinyTrace(Trace1)
        .Resource("frontend", ("deployment.env", "prod"), ("replica.count", 3), ("k8s.cluster.name", "eu"))
        .Resource("cart", ("deployment.env", "prod"), ("replica.count", 2))
        .Resource("db-proxy", ("replica.count", 1))
        .Scope("http", "1.0", ("scope.auto", true))
        .Scope("cart.manual", "2.0", ("scope.auto", false))
        .Scope("sql", "3.1")
        .Scope("frontend.manual", "1.1")
        .Span(Id('A'), null, "frontend", "http", "GET /", Span.Types.SpanKind.Server, 0, 100, T0, s =>
            TinyTrace.Attrs(s, ("http.method", "GET"), ("http.response.status_code", 200), ("payload.size_kb", 2.5)))
        .Span(Id('B'), Id('A'), "frontend", "http", "call cart", Span.Types.SpanKind.Client, 10, 50, T0, s =>
        {
            TinyTrace.Attrs(s, ("http.method", "POST"), ("http.response.status_code", 500));
            s.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" };
        })
        .Span(Id('C'), Id('B'), "cart", "cart.manual", "AddItem", Span.Types.SpanKind.Server, 15, 45, T0, s =>
        {
            TinyTrace.Attrs(s, ("cache.hit", true), ("http.response.status_code", 201), ("payload.size_kb", 10.0));
            s.Status = new Status { Code = Status.Types.StatusCode.Ok };
        })
        .Span(Id('D'), Id('C'), "db-proxy", "sql", "SELECT orders", Span.Types.SpanKind.Client, 20, 30, T0, s =>
        {
            TinyTrace.Attrs(s, ("db.system", "postgres"), ("db.rows", 7), ("payload.size_kb", 1.5));
            s.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "timeout" };
            s.Events.Add(TinyTrace.Event("exception", T0 + 25_000_000, ("exception.type", "IOException")));
            s.Events.Add(TinyTrace.Event("retry", T0 + 28_000_000, ("attempt", 2)));
        })
        .Span(Id('E'), Id('C'), "db-proxy", "sql", "INSERT orders", Span.Types.SpanKind.Producer, 32, 37, T0, s =>
            TinyTrace.Attrs(s, ("db.system", "redis"), ("db.rows", 3)))
        .Span(Id('F'), Id('A'), "frontend", "frontend.manual", "render", Span.Types.SpanKind.Internal, 60, 80, T0, s =>
        {
            TinyTrace.Attrs(s, ("deployment.env", "canary"), ("cache.hit", false));
            s.Links.Add(TinyTrace.Link(LinkedTrace, "1234567890abcdef", ("link.type", "follows_from")));
        })
        .Build();

    private static Trace BuildTrace2() => new TinyTrace(Trace2)
        .Resource("cart", ("replica.count", 5))
        .Span(Id('1'), null, "cart", "lib", "GetCart", Span.Types.SpanKind.Consumer, 0, 7, T0)
        .Span(Id('2'), Id('1'), "cart", "lib", "noop", Span.Types.SpanKind.Unspecified, 1, 2, T0)
        .Build();

    /// <summary>Trace 1's spansets, each as its spans' letters in order ("ABF"), spansets sorted.</summary>
    private static string[] Run(string query)
    {
        var result = TraceQLOracle.Search(query, Traces);
        if (!result.Traces.TryGetValue(Trace1, out var spansets))
        {
            return [];
        }
        return spansets.Select(ss =>
            {
                ss.Matched.Should().Be(ss.SpanIds.Count);
                return string.Concat(ss.SpanIds.Select(id => char.ToUpperInvariant(id[0])).Order());
            })
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static string[] Expect(string expected) => expected.Length == 0 ? [] : [expected];

    /// <summary>Which traces match: "1", "2", "12" or "".</summary>
    private static string Matching(string query)
    {
        var result = TraceQLOracle.Search(query, Traces);
        return (result.Traces.ContainsKey(Trace1) ? "1" : "") + (result.Traces.ContainsKey(Trace2) ? "2" : "");
    }

    // ------------------------------------------------------------------------------------ filters and comparisons

    [Theory]
    [InlineData("{ }", "ABCDEF")]
    [InlineData("{ true }", "ABCDEF")]
    [InlineData("{ span.http.response.status_code = 500 }", "B")]
    [InlineData("{ span.http.response.status_code != 500 }", "AC")]
    [InlineData("{ span.http.response.status_code > 200 }", "BC")]
    [InlineData("{ span.http.response.status_code >= 201 }", "BC")]
    [InlineData("{ span.http.response.status_code < 500 }", "AC")]
    [InlineData("{ span.http.response.status_code <= 200 }", "A")]
    [InlineData("{ name < \"INSERT orders\" }", "AC")]
    [InlineData("{ name >= \"INSERT orders\" }", "BDEF")]
    [InlineData("{ span.payload.size_kb = 10 }", "C")]
    [InlineData("{ span.payload.size_kb > 2 }", "AC")]
    [InlineData("{ span.db.rows > 3.5 }", "D")]
    [InlineData("{ span.db.rows = 7.0 }", "D")]
    [InlineData("{ span.cache.hit = true }", "C")]
    [InlineData("{ span.cache.hit }", "C")]
    [InlineData("{ span.cache.hit != true }", "F")]
    [InlineData("{ !span.cache.hit }", "F")]
    [InlineData("{ !(span.db.rows > 5) }", "ABCEF")]
    [InlineData("{ kind = client && status = error }", "BD")]
    [InlineData("{ kind = producer || name = \"render\" }", "EF")]
    [InlineData("{ (kind = server || kind = client) && span.http.method = \"POST\" }", "B")]
    public void Comparisons(string query, string expected) => Run(query).Should().Equal(expected);

    [Theory]
    [InlineData("{ span.http.method = 500 }")]          // string vs int
    [InlineData("{ span.http.method != 500 }")]         // mismatched types: false, != too
    [InlineData("{ span.http.response.status_code = \"500\" }")]
    [InlineData("{ span.cache.hit = 1 }")]
    [InlineData("{ span.missing != \"x\" }")]           // missing: false, != too
    [InlineData("{ span.missing < 3 }")]
    [InlineData("{ span.missing !~ \"x\" }")]
    [InlineData("{ name =~ \"SELECT\" }")]              // anchored
    [InlineData("{ span.missing }")]
    [InlineData("{ !span.missing }")]
    [InlineData("{ span.http.method = span.missing }")]
    public void NothingMatches(string query) => Run(query).Should().BeEmpty();

    [Theory]
    [InlineData("{ name =~ \"SELECT.*\" }", "D")]
    [InlineData("{ name =~ \".*orders\" }", "DE")]
    [InlineData("{ name =~ \"(GET|call) .*\" }", "AB")]
    [InlineData("{ name !~ \".*orders\" }", "ABCF")]
    [InlineData("{ span.db.system !~ \"post.*\" }", "E")]
    [InlineData("{ span.db.system =~ \"post.*|redis\" }", "DE")]
    public void Regex(string query, string expected) => Run(query).Should().Equal(expected);

    [Theory]
    [InlineData("{ span.db.system = nil }", "ABCF")]
    [InlineData("{ span.db.system != nil }", "DE")]
    [InlineData("{ nil != span.db.system }", "DE")]
    [InlineData("{ span.missing = nil }", "ABCDEF")]
    [InlineData("{ event.attempt != nil }", "D")]
    [InlineData("{ link.link.type != nil }", "F")]
    public void Nil(string query, string expected) => Run(query).Should().Equal(expected);

    [Theory]
    [InlineData("{ .deployment.env = \"canary\" }", "F")]
    [InlineData("{ .deployment.env = \"prod\" }", "ABC")]          // F's span attribute shadows its resource's
    [InlineData("{ resource.deployment.env = \"prod\" }", "ABCF")]
    [InlineData("{ span.deployment.env = \"prod\" }", "")]
    [InlineData("{ span.deployment.env = \"canary\" }", "F")]
    [InlineData("{ resource.service.name = \"db-proxy\" }", "DE")]
    [InlineData("{ .service.name = \"cart\" }", "C")]
    [InlineData("{ span.service.name = \"cart\" }", "")]
    [InlineData("{ resource.replica.count >= 2 }", "ABCF")]
    [InlineData("{ .replica.count = 1 }", "DE")]
    [InlineData("{ resource.k8s.cluster.name = \"eu\" }", "ABF")]
    [InlineData("{ instrumentation.scope.auto = true }", "AB")]
    [InlineData("{ instrumentation.scope.auto = false }", "C")]
    [InlineData("{ instrumentation.scope.auto = nil }", "DEF")]
    [InlineData("{ instrumentation:name = \"sql\" }", "DE")]
    [InlineData("{ instrumentation:version = \"2.0\" }", "C")]
    [InlineData("{ instrumentation:version =~ \"1.*\" }", "ABF")]
    public void ScopedAndUnscopedLookups(string query, string expected) =>
        Run(query).Should().Equal(Expect(expected));

    [Theory]
    [InlineData("{ event.exception.type = \"IOException\" }", "D")]
    [InlineData("{ event:name = \"retry\" }", "D")]
    [InlineData("{ event:name = \"retry\" && event.attempt = 2 }", "D")]
    [InlineData("{ event:name = \"exception\" && event.attempt = 2 }", "")]   // one event must satisfy the whole condition
    [InlineData("{ event:name = \"exception\" || event.attempt = 2 }", "D")]
    [InlineData("{ event:timeSinceStart > 6ms }", "D")]                      // retry at 8ms
    [InlineData("{ event:timeSinceStart > 9ms }", "")]
    [InlineData("{ event:timeSinceStart = 5ms && event:name = \"exception\" }", "D")]
    [InlineData("{ event:name != \"exception\" }", "D")]                     // the retry event
    [InlineData("{ event:name = \"exception\" && kind = client }", "D")]
    [InlineData("{ link:traceID = \"fedcba98765432100123456789abcdef\" }", "F")]
    [InlineData("{ link:spanID = \"1234567890abcdef\" }", "F")]
    [InlineData("{ link.link.type = \"follows_from\" }", "F")]
    [InlineData("{ link:spanID = \"1234567890abcdef\" && event:name = \"retry\" }", "")]
    public void EventsAndLinks(string query, string expected) =>
        Run(query).Should().Equal(Expect(expected));

    [Theory]
    [InlineData("{ name = \"render\" }", "F")]
    [InlineData("{ span:name = \"render\" }", "F")]
    [InlineData("{ status = error }", "BD")]
    [InlineData("{ status = ok }", "C")]
    [InlineData("{ status = unset }", "AEF")]
    [InlineData("{ status != unset }", "BCD")]
    [InlineData("{ span:status = ok }", "C")]
    [InlineData("{ statusMessage = \"boom\" }", "B")]
    [InlineData("{ span:statusMessage = \"timeout\" }", "D")]
    [InlineData("{ kind = server }", "AC")]
    [InlineData("{ kind = client }", "BD")]
    [InlineData("{ kind = producer }", "E")]
    [InlineData("{ span:kind = internal }", "F")]
    [InlineData("{ kind != internal }", "ABCDE")]
    [InlineData("{ duration > 25ms }", "ABC")]
    [InlineData("{ span:duration = 5ms }", "E")]
    [InlineData("{ duration >= 100ms }", "A")]
    [InlineData("{ duration < 10000000 }", "E")]                              // int vs duration: nanoseconds
    [InlineData("{ span:id = \"dddddddddddddddd\" }", "D")]
    [InlineData("{ span:parentID = \"cccccccccccccccc\" }", "DE")]
    [InlineData("{ span:childCount = 2 }", "AC")]
    [InlineData("{ span:childCount = 0 }", "DEF")]
    [InlineData("{ span:childCount > 0 }", "ABC")]
    [InlineData("{ trace:id = \"0123456789abcdef0123456789abcdef\" }", "ABCDEF")]
    [InlineData("{ trace:rootName = \"GET /\" }", "ABCDEF")]
    [InlineData("{ rootName = \"GET /\" && kind = internal }", "F")]
    [InlineData("{ trace:rootService = \"frontend\" }", "ABCDEF")]
    [InlineData("{ rootServiceName = \"frontend\" && status = error }", "BD")]
    [InlineData("{ trace:duration = 100ms }", "ABCDEF")]
    [InlineData("{ traceDuration > 50ms && span:childCount = 1 }", "B")]
    [InlineData("{ childCount = 1 }", "B")]
    public void Intrinsics(string query, string expected) => Run(query).Should().Equal(expected);

    [Theory]
    [InlineData("{ trace:rootService = \"cart\" }", "2")]
    [InlineData("{ rootName = \"GetCart\" }", "2")]
    [InlineData("{ kind = unspecified }", "2")]
    [InlineData("{ kind = consumer }", "2")]
    [InlineData("{ trace:duration < 50ms }", "2")]
    [InlineData("{ resource.replica.count > 1 }", "12")]
    [InlineData("{ span:parentID != nil }", "12")]
    [InlineData("{ trace:id = \"22222222222222222222222222222222\" }", "2")]
    public void WhichTracesMatch(string query, string expected) => Matching(query).Should().Be(expected);

    [Theory]
    [InlineData("{ span.db.rows * 2 = 14 }", "D")]
    [InlineData("{ span.db.rows + 0.5 > 7 }", "D")]
    [InlineData("{ span.db.rows / 2 = 3 }", "D")]          // integer division
    [InlineData("{ span.db.rows / 2.0 = 3.5 }", "D")]
    [InlineData("{ span.db.rows % 2 = 1 }", "DE")]
    [InlineData("{ span.db.rows - 3 = 0 }", "E")]
    [InlineData("{ -span.db.rows < -5 }", "D")]
    [InlineData("{ span.db.rows ^ 2 = 49 }", "D")]
    [InlineData("{ duration * 2 > 150ms }", "A")]
    [InlineData("{ span.payload.size_kb * 2 = 3 }", "D")]
    public void Arithmetic(string query, string expected) => Run(query).Should().Equal(expected);

    // ------------------------------------------------------------------------------------ spanset operators

    [Theory]
    [InlineData("{ kind = server } && { status = error }", "ABCD")]
    [InlineData("{ kind = server } && { name = \"nope\" }", "")]
    [InlineData("{ kind = server } || { name = \"nope\" }", "AC")]
    [InlineData("{ name = \"nope\" } || { status = error }", "BD")]
    [InlineData("{ name = \"nope\" } || { name = \"nada\" }", "")]
    [InlineData("{ kind = server } && { kind = server }", "AC")]
    [InlineData("{ kind = server } || { status = ok }", "AC")]
    public void LogicalSpansetOperators(string query, string expected) =>
        Run(query).Should().Equal(Expect(expected));

    [Theory]
    // >  B spans that are children of an A span
    [InlineData("{ resource.service.name = \"frontend\" } > { }", "BCF")]
    [InlineData("{ kind = client } > { }", "C")]
    [InlineData("{ kind = server } > { kind = client }", "BD")]
    // <  B spans that are parents of an A span
    [InlineData("{ resource.service.name = \"db-proxy\" } < { }", "C")]
    [InlineData("{ } < { }", "ABC")]
    // >> descendants
    [InlineData("{ name = \"call cart\" } >> { }", "CDE")]
    [InlineData("{ kind = server } >> { kind = client }", "BD")]
    // << ancestors
    [InlineData("{ name = \"SELECT orders\" } << { }", "ABC")]
    [InlineData("{ kind = producer } << { kind = server }", "AC")]
    // ~  siblings (not themselves; the root has none)
    [InlineData("{ name = \"SELECT orders\" } ~ { }", "E")]
    [InlineData("{ } ~ { }", "BDEF")]
    [InlineData("{ name = \"GET /\" } ~ { }", "")]
    [InlineData("{ kind = client } ~ { kind = client }", "")]
    // negated: B spans for which the relation holds with no A span
    [InlineData("{ resource.service.name = \"frontend\" } !> { }", "ADE")]
    [InlineData("{ resource.service.name = \"db-proxy\" } !< { }", "ABDEF")]
    [InlineData("{ name = \"call cart\" } !>> { }", "ABF")]
    [InlineData("{ name = \"SELECT orders\" } !<< { }", "DEF")]
    [InlineData("{ name = \"SELECT orders\" } !~ { }", "ABCDF")]
    [InlineData("{ name = \"GET /\" } !~ { kind = server }", "AC")]
    // negated forms need both sides to yield a spanset
    [InlineData("{ name = \"nope\" } !> { }", "")]
    [InlineData("{ } !> { name = \"nope\" }", "")]
    [InlineData("{ name = \"nope\" } !~ { }", "")]
    // union forms: the matching B spans plus the A spans they match with
    [InlineData("{ kind = client } &> { }", "BC")]
    [InlineData("{ resource.service.name = \"db-proxy\" } &< { }", "CDE")]
    [InlineData("{ name = \"call cart\" } &>> { kind = client }", "BD")]
    [InlineData("{ kind = producer } &<< { kind = server }", "ACE")]
    [InlineData("{ name = \"SELECT orders\" } &~ { }", "DE")]
    [InlineData("{ name = \"GET /\" } &~ { }", "")]
    [InlineData("{ kind = internal } &> { }", "")]
    // chains and nesting
    [InlineData("{ kind = server } > { kind = client } > { }", "C")]
    [InlineData("{ kind = server } >> { kind = server } >> { span.db.system = \"postgres\" }", "D")]
    [InlineData("({ kind = server } > { }) && { kind = producer }", "BDEF")]
    [InlineData("{ kind = producer } || ({ kind = server } > { kind = internal })", "EF")]
    public void StructuralOperators(string query, string expected) =>
        Run(query).Should().Equal(Expect(expected));

    [Fact]
    public void StructuralOperatorsRefuseSeveralSpansetsPerTrace()
    {
        var act = () => TraceQLOracle.Search("({ } | by(kind)) > ({ })", Traces);
        act.Should().Throw<NotSupportedException>().WithMessage("*coalesce*");
        Run("({ } | by(kind) | coalesce()) > ({ kind = client })").Should().Equal("BD");
    }

    // ------------------------------------------------------------------------------------ pipelines

    [Theory]
    [InlineData("{ } | count() > 5", "ABCDEF")]
    [InlineData("{ } | count() > 6", "")]
    [InlineData("{ } | count() = 6", "ABCDEF")]
    [InlineData("{ resource.service.name = \"db-proxy\" } | count() = 2", "DE")]
    [InlineData("{ resource.service.name = \"db-proxy\" } | count() < 2", "")]
    [InlineData("{ } | avg(duration) > 34ms", "ABCDEF")]               // 205ms / 6 = 34.1666ms
    [InlineData("{ } | avg(duration) > 35ms", "")]
    [InlineData("{ } | avg(duration) = 34166666ns", "ABCDEF")]         // duration averages truncate
    [InlineData("{ } | min(duration) = 5ms", "ABCDEF")]
    [InlineData("{ } | max(duration) = 100ms", "ABCDEF")]
    [InlineData("{ } | max(duration) < 100ms", "")]
    [InlineData("{ } | sum(duration) = 205ms", "ABCDEF")]
    [InlineData("{ } | sum(span.db.rows) = 10", "ABCDEF")]
    [InlineData("{ } | avg(span.db.rows) = 5", "ABCDEF")]
    [InlineData("{ } | avg(span.db.rows) >= 5.0", "ABCDEF")]
    [InlineData("{ } | max(span.payload.size_kb) = 10", "ABCDEF")]
    [InlineData("{ } | min(span.payload.size_kb) < 2", "ABCDEF")]
    [InlineData("{ } | sum(span.payload.size_kb) = 14", "ABCDEF")]
    [InlineData("{ } | avg(span.missing) > 0", "")]                    // all nil: the spanset is dropped
    [InlineData("{ } | max(span.missing) < 0", "")]
    [InlineData("{ kind = client } | avg(span.http.response.status_code) = 500", "BD")]
    [InlineData("{ kind = client } | count() = 2 | sum(duration) = 50ms", "BD")]
    [InlineData("{ } | { kind = client }", "BD")]
    [InlineData("{ } | { kind = client } | { status = error } | { duration < 20ms }", "D")]
    [InlineData("{ status = error } | select(span.http.method, duration)", "BD")]
    [InlineData("{ status = error } | select(resource.service.name) | count() = 2", "BD")]
    [InlineData("({ kind = client } | count() = 2) && ({ kind = producer })", "BDE")]
    [InlineData("({ kind = client } | count() = 3) && ({ kind = producer })", "")]
    [InlineData("({ kind = client } | count() = 3) || ({ kind = producer })", "E")]
    public void ScalarFiltersAndStages(string query, string expected) =>
        Run(query).Should().Equal(Expect(expected));

    [Theory]
    [InlineData("{ } | by(resource.service.name)", new[] { "ABF", "C", "DE" })]
    [InlineData("{ } | by(span.db.system)", new[] { "D", "E" })]                          // nil forms no group
    [InlineData("{ } | by(span.missing)", new string[0])]
    [InlineData("{ } | by(resource.service.name) | count() > 1", new[] { "ABF", "DE" })]
    [InlineData("{ } | by(kind)", new[] { "AC", "BD", "E", "F" })]
    [InlineData("{ } | by(status) | { duration > 20ms }", new[] { "A", "B", "C" })]
    [InlineData("{ } | by(kind) | coalesce()", new[] { "ABCDEF" })]
    [InlineData("{ status = error } | by(resource.service.name) | coalesce()", new[] { "BD" })]
    [InlineData("{ } | by(name) | count() = 1 | coalesce()", new[] { "ABCDEF" })]
    [InlineData("{ } | by(resource.service.name) | avg(duration) > 30ms", new[] { "ABF" })]   // 160/3ms vs 30ms vs 7.5ms
    [InlineData("{ } | by(span.http.response.status_code > 200)", new[] { "ADEF", "BC" })]
    [InlineData("{ } | by(resource.replica.count) | max(duration) > 20ms | coalesce()", new[] { "ABCF" })]
    [InlineData("{ name = \"nope\" } | coalesce()", new string[0])]
    public void ByAndCoalesce(string query, string[] expected) => Run(query).Should().Equal(expected);

    [Fact]
    public void ResultsListTraceIdsSpanIdsAndMatchedCounts()
    {
        var result = TraceQLOracle.Search("{ kind = consumer || kind = producer }", Traces);
        result.TraceIds.Should().Equal(Trace1, Trace2);
        result.Traces[Trace1].Should().Equal(new OracleSpanset([Id('E')], 1));
        result.Traces[Trace2].Should().Equal(new OracleSpanset([Id('1')], 1));
    }

    [Fact]
    public void SearchResponsesReduceToTheSameShape()
    {
        var response = new SearchResponse();
        var first = new TraceSearchMetadata { TraceID = "123456789abcdef0123456789abcdef" }; // leading zero dropped
        var spanset = new SpanSet { Matched = 2 };
        spanset.Spans.Add(new Tempopb.Span { SpanID = Id('D').ToUpperInvariant() });
        spanset.Spans.Add(new Tempopb.Span { SpanID = Id('B') });
        first.SpanSets.Add(spanset);
        var second = new TraceSearchMetadata { TraceID = Trace2, SpanSet = new SpanSet { Matched = 1 } };
        second.SpanSet.Spans.Add(new Tempopb.Span { SpanID = Id('2') });
        response.Traces.Add(second);
        response.Traces.Add(first);

        var oracle = TraceQLOracle.Search("{ status = error || kind = unspecified }", Traces);
        var actual = OracleResult.FromSearchResponse(response);

        actual.Should().Be(oracle);
        oracle.Diff(actual).Should().BeEmpty();

        spanset.Matched = 3;
        var different = OracleResult.FromSearchResponse(response);
        different.Should().NotBe(oracle);
        oracle.Diff(different).Should().Contain("trace " + Trace1);
    }

    [Fact]
    public void SpansSplitAcrossTraceMessagesAreOneTrace()
    {
        var whole = BuildTrace1();
        var halves = whole.ResourceSpans.Select(batch =>
        {
            var part = new Trace();
            part.ResourceSpans.Add(batch.Clone());
            return part;
        });
        TraceQLOracle.Search("{ } | count() = 6", halves).TraceIds.Should().Equal(Trace1);
    }
}
