namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>
/// TraceQL queries to run against the engine and compare with <see cref="TraceQLOracle"/> over
/// <see cref="SearchDataset"/>: every operator class, scope, intrinsic and pipeline stage. Each matches at least one
/// and not all traces of the default dataset (asserted by the dataset tests). Queries stay clear of the few places
/// where the oracle had to decide something Tempo leaves open (see the report): no by() on a field that can be nil,
/// no two event (or link) conditions whose pairing matters, no parentID of roots, no ^ on integers.
/// </summary>
public static class OracleQueries
{
    /// <summary>Attribute filters: every comparison on ints, floats, strings and booleans; int vs float; arithmetic.</summary>
    public static readonly IReadOnlyList<string> Filters =
    [
        "{ span.http.response.status_code = 500 }",
        "{ span.http.response.status_code != 200 && kind = client }",
        "{ span.http.response.status_code >= 404 && span.http.response.status_code < 500 }",
        "{ span.http.response.status_code > 500 }",
        "{ span.http.response.status_code <= 201 && resource.service.name = \"payment\" }",
        "{ span.http.method = \"DELETE\" }",
        "{ span.http.method != \"GET\" && kind = server && resource.service.name = \"frontend\" }",
        "{ span.db.system = \"postgres\" }",
        "{ span.db.rows > 490 }",
        "{ span.db.rows = 100.0 }",
        "{ span.payload.size_kb > 495.5 }",
        "{ span.payload.size_kb <= 1 }",
        "{ span.cache.hit = false && resource.service.name = \"cart\" }",
        "{ span.cache.hit && kind = client }",
        "{ !(kind = server || kind = client) && status = error }",
        "{ span.retry.count = 3 || span.user.tier = \"enterprise\" && status = ok }",
        "{ name > \"fraud\" && name < \"label\" }",
        "{ span.db.rows * 2 > 960 }",
        "{ duration / 2 > 2s }",
        "{ span.payload.size_kb - span.db.rows > 450 }",
    ];

    /// <summary>Regexes, nil checks, unscoped and scoped lookups, instrumentation scope.</summary>
    public static readonly IReadOnlyList<string> Lookups =
    [
        "{ name =~ \"GET .*\" }",
        "{ span.http.route =~ \"/(auth|shipping)/.*\" }",
        "{ span.db.statement !~ \"SELECT.*\" }",
        "{ resource.k8s.cluster.name =~ \"prod-.*\" && name !~ \"(call|GET) .*\" && kind = server }",
        "{ span.user.tier != nil && span.retry.count != nil }",
        "{ span.payload.size_kb = nil && kind = consumer }",
        "{ .deployment.env = \"canary\" }",
        "{ .deployment.env = \"staging\" && .http.method = \"PUT\" }",
        "{ .service.name = \"payment\" }",
        "{ resource.service.name = \"shipping\" && kind = internal }",
        "{ resource.replica.count = 6 && resource.team = \"commerce\" }",
        "{ resource.k8s.cluster.name = \"staging\" }",
        "{ resource.host.arch = \"arm64\" }",
        "{ span.deployment.env = \"canary\" && status = error }",
        "{ instrumentation:name = \"opentelemetry.instrumentation.sql\" && span.db.system = \"redis\" }",
        "{ instrumentation:version = \"0.45.1\" && status = error }",
        "{ instrumentation.scope.lang = \"rust\" }",
        "{ instrumentation.scope.auto = false && kind = producer }",
    ];

    /// <summary>Events and links.</summary>
    public static readonly IReadOnlyList<string> EventsAndLinks =
    [
        "{ event:name = \"exception\" }",
        "{ event.exception.type = \"SqlException\" }",
        "{ event.attempt = 3 }",
        "{ event:timeSinceStart > 1s }",
        "{ event.level = \"warn\" && resource.service.name = \"checkout\" }",
        "{ event.exception.escaped = true }",
        "{ link.link.type = \"child_of\" }",
        "{ link.link.weight > 7 }",
        "{ link:spanID = \"6276a9b5f879e422\" }",
        "{ link:traceID = \"deaddbd9c6c5659ccf591422bf423315\" && link.link.weight > 0 }",
        "{ link:traceID =~ \"f.*\" }",
    ];

    /// <summary>Span and trace intrinsics, scoped and legacy.</summary>
    public static readonly IReadOnlyList<string> Intrinsics =
    [
        "{ name = \"PlaceOrder\" }",
        "{ span:name = \"label.print\" }",
        "{ status = error }",
        "{ span:status = ok && kind = client }",
        "{ status = unset && statusMessage = \"no status\" }",
        "{ statusMessage = \"upstream timeout\" }",
        "{ kind = consumer }",
        "{ span:kind = unspecified }",
        "{ duration > 2s }",
        "{ span:duration < 20us }",
        "{ span:childCount > 5 }",
        "{ span:id = \"8e9d3e3c65ea03b5\" }",
        "{ span:parentID = \"235eea12fb0eaa76\" }",
        "{ trace:id = \"2555c9687b27abe70d471665de74aadd\" && kind = server }",
        "{ trace:rootName = \"POST /login\" }",
        "{ trace:rootService = \"checkout\" }",
        "{ trace:duration > 5s }",
        "{ trace:id =~ \"[1-4].*\" }",
        "{ rootServiceName = \"auth\" && traceDuration < 50ms }",
        "{ rootName =~ \"GET.*\" && childCount = 3 }",
    ];

    /// <summary>&amp;&amp; and || between spansets and all 15 structural operators.</summary>
    public static readonly IReadOnlyList<string> SpansetOperators =
    [
        "{ status = error } && { resource.service.name = \"payment\" }",
        "{ span.db.system = \"redis\" } || { kind = producer }",
        "{ resource.service.name = \"checkout\" } > { resource.service.name = \"payment\" }",
        "{ span.db.system = \"postgres\" } < { kind = server }",
        "{ resource.service.name = \"frontend\" } >> { status = error }",
        "{ status = error } << { kind = server && resource.service.name = \"checkout\" }",
        "{ span.db.system = \"postgres\" } ~ { span.db.system = \"redis\" }",
        "{ kind = server } !> { kind = client }",
        "{ status = error } !< { kind = server && resource.service.name = \"cart\" }",
        "{ resource.service.name = \"db-proxy\" } !>> { resource.service.name = \"cart\" }",
        "{ status = error } !<< { status = error }",
        "{ kind = internal } !~ { kind = internal }",
        "{ kind = client } &> { kind = server && resource.service.name = \"auth\" }",
        "{ span.db.system = \"redis\" } &< { }",
        "{ resource.service.name = \"checkout\" } &>> { status = error }",
        "{ event:name = \"exception\" } &<< { kind = server }",
        "{ span.cache.hit = true } &~ { span.cache.hit = false }",
        "({ kind = server } > { kind = client }) && { status = error }",
    ];

    /// <summary>Scalar filters (count, avg, min, max, sum), by(), coalesce(), select(), chained stages.</summary>
    public static readonly IReadOnlyList<string> Pipelines =
    [
        "{ } | count() > 30",
        "{ status = error } | count() >= 3",
        "{ resource.service.name = \"db-proxy\" } | avg(duration) > 500ms",
        "{ kind = server } | max(duration) > 5s",
        "{ } | min(duration) < 10us",
        "{ span.db.rows != nil } | sum(span.db.rows) > 2000",
        "{ } | avg(span.payload.size_kb) > 300",
        "{ } | by(resource.service.name) | count() > 8",
        "{ status = error } | by(resource.service.name) | count() >= 2 | coalesce()",
        "{ span.http.method != nil } | by(span.http.method) | count() > 4",
        "{ kind = client } | select(span.http.method, resource.service.name) | { status = error }",
        "{ } | by(kind) | max(duration) > 3s | coalesce()",
        "({ kind = server } | count() > 3) && ({ status = error })",
        "{ } | { status = error } | count() = 1",
    ];

    /// <summary>Every query above.</summary>
    public static readonly IReadOnlyList<string> All =
        [.. Filters, .. Lookups, .. EventsAndLinks, .. Intrinsics, .. SpansetOperators, .. Pipelines];
}
