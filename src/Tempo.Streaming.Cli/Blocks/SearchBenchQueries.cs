using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>
/// One <c>blocks search-bench</c> query: the TraceQL text and the DuckDB SQL counting the spans its spansets hold, so
/// both engines compute the same number over the same files.
/// </summary>
/// <param name="Sql">The SQL over blocks of one layout; <c>{files}</c> stands for the list of data.parquet files.</param>
internal sealed record SearchBenchQuery(string Name, string TraceQL, Func<SpanSql, string> Sql);

internal static class SearchBenchQueries
{
    /// <summary>
    /// The shop workload's values: status 500 only on failed frontend requests; "cart" is one service of eight;
    /// rpc.method "Get…"/"List…" is on about a fifth of the spans (gRPC client and server spans); every trace's root is
    /// a frontend span, and both sides of a Postgres query carry db.system "postgresql".
    /// </summary>
    public static IReadOnlyList<SearchBenchQuery> All { get; } =
    [
        new("selective attribute", "{ span.http.response.status_code = 500 }",
            sql => $"{SpanSql.Spans} SELECT count(*) FROM sp WHERE {SpanSql.IntAttribute("http.response.status_code", 500)}"),
        new("non-selective resource", "{ resource.service.name = \"cart\" }",
            _ => $"{SpanSql.Spans} SELECT count(*) FROM sp WHERE svc = 'cart'"),
        new("regex", "{ span.rpc.method =~ \"(Get|List).*\" }",
            sql => $"{SpanSql.Spans} SELECT count(*) FROM sp WHERE {sql.StringAttribute("rpc.method", v => $"regexp_full_match({v}, '(Get|List).*')")}"),
        // Spans of interest are numbered once and semi-joined within their trace on the nested set. Measured on 20,000
        // traces this is ~10% faster than lambdas over each trace's span list (a list_filter per postgresql span over
        // its trace's frontend spans); both spend most of their time reading the rs column.
        new("structural", "{ resource.service.name = \"frontend\" } >> { span.db.system = \"postgresql\" }",
            sql => $"{SpanSql.Spans}, x AS (SELECT TraceID, svc = 'frontend' AS frontend, " +
                $"{sql.StringAttribute("db.system", v => $"{v} = 'postgresql'")} AS postgresql, " +
                "sp.NestedSetLeft AS l, sp.NestedSetRight AS r FROM sp), " +
                "a AS (SELECT * FROM x WHERE frontend), d AS (SELECT * FROM x WHERE postgresql) " +
                "SELECT count(*) FROM d SEMI JOIN a ON a.TraceID = d.TraceID AND a.l < d.l AND d.r < a.r"),
    ];

    /// <summary>Every span of the files, to check the span count the rates divide.</summary>
    public static string CountSpans => $"{SpanSql.Spans} SELECT count(*) FROM sp";
}

/// <summary>
/// SQL fragments for blocks of one layout: a span attribute lives in a dedicated column String01..String10 when the
/// block's meta.json names it, else in the generic Attrs list, and the SQL must read it where it is.
/// </summary>
internal sealed class SpanSql(DedicatedColumnMapping spanColumns)
{
    /// <summary>
    /// One row per span (sp) with its TraceID and service name (svc). DuckDB reads the whole rs column whatever a query
    /// touches inside it (no projection into nested lists), so unnesting costs about what lambdas over the lists do.
    /// </summary>
    public const string Spans =
        "WITH r AS (SELECT TraceID, unnest(rs) AS r FROM read_parquet({files})), " +
        "s AS (SELECT TraceID, r.Resource.ServiceName AS svc, unnest(r.ss) AS s FROM r), " +
        "sp AS (SELECT TraceID, svc, unnest(s.Spans) AS sp FROM s)";

    public static SpanSql For(BlockMeta meta) => new(DedicatedColumnMapping.For(meta.DedicatedColumns, DedicatedColumn.ScopeSpan));

    /// <summary>Ints are never dedicated: always the generic list.</summary>
    public static string IntAttribute(string key, long value) =>
        $"len(list_filter(sp.Attrs, a -> a.Key = {Literal(key)} AND list_contains(a.ValueInt, {value}))) > 0";

    /// <summary>Whether the span's string attribute <paramref name="key"/> has a value meeting <paramref name="predicate"/> (given the value's SQL).</summary>
    public string StringAttribute(string key, Func<string, string> predicate)
    {
        var index = spanColumns.IndexOf(key);
        return index >= 0
            ? predicate($"sp.DedicatedAttributes.String{index + 1:D2}")
            : $"len(list_filter(sp.Attrs, a -> a.Key = {Literal(key)} AND len(list_filter(a.Value, v -> {predicate("v")})) > 0)) > 0";
    }

    private static string Literal(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";
}
