using System.Globalization;
using System.Text;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.Query.Search;

/// <summary>
/// Tempo's tag search — <c>/api/search</c> without <c>q</c>: <c>tags</c> (or legacy top-level parameters),
/// <c>minDuration</c>, <c>maxDuration</c> — written as the TraceQL that selects the same traces, so the search engine only
/// ever runs TraceQL.
/// <para>
/// The matching is that of vParquet4's block search (tempodb/encoding/vparquet4/block_search.go,
/// <c>makePipelineWithRowGroups</c>; the label names are schema.go's <c>labelMappings</c>), which is what Tempo runs for a
/// search request without a query, and every condition must hold somewhere in the trace:
/// </para>
/// <list type="bullet">
/// <item><c>root.name</c>, <c>root.service.name</c>: the trace's root span name / root service contains the value
/// (<c>trace:rootName</c>, <c>trace:rootService</c>);</item>
/// <item><c>service.name</c>, <c>cluster</c>, <c>namespace</c>, <c>pod</c>, <c>container</c>, <c>k8s.cluster.name</c>,
/// <c>k8s.namespace.name</c>, <c>k8s.pod.name</c>, <c>k8s.container.name</c>: that resource attribute contains the value;</item>
/// <item><c>name</c>: the span name contains the value; <c>http.method</c>, <c>http.url</c>: that span attribute contains it;</item>
/// <item><c>http.status_code</c>: an integer value is compared for equality with the span attribute; any other value
/// falls through to the generic rule;</item>
/// <item><c>status.code</c>: <c>error</c> and <c>ok</c> select that span status; any other value selects <c>unset</c>
/// (Tempo looks the value up in <c>StatusCodeMapping</c>, whose zero value is UNSET);</item>
/// <item>any other key: a span or resource attribute with exactly that key and exactly that string value.</item>
/// </list>
/// "Contains" is a case-sensitive substring test (parquetquery's <c>SubstringPredicate</c>, <c>bytes.Contains</c>), written
/// as the regex <c>(?s).*value.*</c>. Tempo's API doc still says "case-insensitive"; its search was made case-sensitive on
/// purpose (grafana/tempo#1547), and the code is what users get.
/// <c>minDuration</c> / <c>maxDuration</c> bound the trace's duration, inclusively, in whole milliseconds
/// (<c>DurationNano</c> between <c>MinDurationMs</c> and <c>MaxDurationMs</c>; 0 = that side open).
/// Two differences remain, both minor: Tempo needs all the "exact" attributes within one resource batch
/// (<c>KeyValueGroupPredicate</c> at the ResourceSpans level) where this asks each of them anywhere in the trace, and
/// per-tenant dedicated attribute columns (which Tempo matches as substrings) are not known here.
/// </summary>
public static class TagSearchQuery
{
    /// <summary>The keys Tempo matches as a substring of a resource attribute.</summary>
    private static readonly HashSet<string> ResourceSubstringKeys = new(StringComparer.Ordinal)
    {
        "service.name", "cluster", "namespace", "pod", "container",
        "k8s.cluster.name", "k8s.namespace.name", "k8s.pod.name", "k8s.container.name",
    };

    /// <summary>The keys Tempo matches as a substring of a span attribute.</summary>
    private static readonly HashSet<string> SpanSubstringKeys = new(StringComparer.Ordinal) { "http.method", "http.url" };

    /// <summary>Builds and checks the TraceQL for a tag search.</summary>
    public static RootExpression Build(IEnumerable<KeyValuePair<string, string>> tags, uint minDurationMs, uint maxDurationMs) =>
        TraceQLParser.ParseValid(ToTraceQL(tags, minDurationMs, maxDurationMs));

    /// <summary>
    /// The TraceQL text: one spanset filter per tag (in key order, so equal requests give equal text) and one for the
    /// duration bounds, joined with <c>&amp;&amp;</c>; <c>{}</c> (every trace) when there is no condition at all.
    /// </summary>
    public static string ToTraceQL(IEnumerable<KeyValuePair<string, string>> tags, uint minDurationMs, uint maxDurationMs)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var filters = new List<string>();
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            filters.Add("{ " + Condition(key, value) + " }");
        }

        if (minDurationMs > 0 || maxDurationMs > 0)
        {
            var bounds = new List<string>(2);
            if (minDurationMs > 0)
            {
                bounds.Add($"trace:duration >= {minDurationMs.ToString(CultureInfo.InvariantCulture)}ms");
            }

            if (maxDurationMs > 0)
            {
                bounds.Add($"trace:duration <= {maxDurationMs.ToString(CultureInfo.InvariantCulture)}ms");
            }

            filters.Add("{ " + string.Join(" && ", bounds) + " }");
        }

        return filters.Count == 0 ? "{}" : string.Join(" && ", filters);
    }

    private static string Condition(string key, string value)
    {
        switch (key)
        {
            case "root.name":
                return "trace:rootName =~ " + Substring(value);
            case "root.service.name":
                return "trace:rootService =~ " + Substring(value);
            case "name":
                return "name =~ " + Substring(value);
            case "status.code":
                return "status = " + value switch { "error" => "error", "ok" => "ok", _ => "unset" };
            case "http.status_code" when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code):
                // Go's strconv.Atoi accepts exactly what AllowLeadingSign does: an optional sign and ASCII digits.
                return Attribute("span", key) + " = " + code.ToString(CultureInfo.InvariantCulture);
        }

        if (ResourceSubstringKeys.Contains(key))
        {
            return Attribute("resource", key) + " =~ " + Substring(value);
        }

        if (SpanSubstringKeys.Contains(key))
        {
            return Attribute("span", key) + " =~ " + Substring(value);
        }

        var literal = GoStrconv.Quote(value);
        return $"{Attribute("span", key)} = {literal} || {Attribute("resource", key)} = {literal}";
    }

    // `scope."name"`: a quoted attribute name holds any character, with only '"' and '\' escaped.
    private static string Attribute(string scope, string name) =>
        scope + ".\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // A case-sensitive "contains": TraceQL regexes are anchored, (?s) lets '.' cross newlines.
    private static string Substring(string value) => GoStrconv.Quote("(?s).*" + EscapeRegex(value) + ".*");

    // Escapes the characters that are special in RE2 (and so in .NET's dialect, which the engine compiles).
    private static string EscapeRegex(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '\\' or '.' or '+' or '*' or '?' or '(' or ')' or '|' or '[' or ']' or '{' or '}' or '^' or '$')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
