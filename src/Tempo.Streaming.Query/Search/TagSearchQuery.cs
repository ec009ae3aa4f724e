using System.Globalization;
using System.Text;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.Query.Search;

/// <summary>
/// Tempo's tag search — <c>/api/search</c> without <c>q</c>: <c>tags</c> (or legacy top-level parameters),
/// <c>minDuration</c>, <c>maxDuration</c> — written as the TraceQL that selects the same traces, so the search engine only
/// ever runs TraceQL. Every tag must hold somewhere in the trace:
/// <list type="bullet">
/// <item><c>root.name</c>, <c>root.service.name</c>: the trace's root span name / root service contains the value
/// (<c>trace:rootName</c>, <c>trace:rootService</c>);</item>
/// <item><c>name</c>: a span name contains the value;</item>
/// <item><c>status.code</c>: <c>error</c> and <c>ok</c> select that span status, anything else <c>unset</c> (Tempo's
/// <c>StatusCodeMapping</c>, whose zero value is UNSET);</item>
/// <item>any other key: a span or resource attribute of that name contains the value; a value that reads as an integer
/// (Go's <c>strconv.Atoi</c>) or a boolean also matches an attribute of that type and value, so
/// <c>http.status_code=500</c> and <c>error=true</c> find the typed attributes OpenTelemetry writes.</item>
/// </list>
/// "Contains" is a case-insensitive substring test, as Tempo's search API documents it ("values matched as
/// case-insensitive substrings"), written as the regex <c>(?si).*value.*</c>. (vParquet4's own block search has been
/// case-sensitive since grafana/tempo#1547 and compares most keys exactly; the documented behaviour is what a user typing
/// into Grafana's search form expects.)
/// <c>minDuration</c> / <c>maxDuration</c> bound the trace's duration, inclusively, in whole milliseconds
/// (<c>DurationNano</c> between <c>MinDurationMs</c> and <c>MaxDurationMs</c>; 0 = that side open).
/// </summary>
public static class TagSearchQuery
{
    /// <summary>
    /// The longest value a tag search takes. A case-insensitive "contains" of a longer literal grows past the linear
    /// regex engine's automaton limit (near 2,000 characters) and costs seconds to build; Tempo has no such limit, but
    /// no attribute search needs one, and a refused request is better than a stalled one.
    /// </summary>
    public const int MaxValueLength = 1024;

    /// <summary>Why the tags cannot be searched (a value longer than <see cref="MaxValueLength"/>); null when they can.</summary>
    public static string? Check(IEnumerable<KeyValuePair<string, string>> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (value.Length > MaxValueLength)
            {
                return $"value of tag {GoStrconv.Quote(key)} is longer than {MaxValueLength} characters";
            }
        }

        return null;
    }

    /// <summary>Builds and checks the TraceQL for a tag search.</summary>
    public static RootExpression Build(IEnumerable<KeyValuePair<string, string>> tags, uint minDurationMs, uint maxDurationMs) =>
        TraceQLParser.ParseValid(ToTraceQL(tags, minDurationMs, maxDurationMs));

    /// <summary>
    /// The TraceQL text: one spanset filter per tag (in key order, so equal requests give equal text) and one for the
    /// duration bounds, joined with <c>&amp;&amp;</c>; <c>{}</c> (every trace) when there is no condition at all.
    /// </summary>
    /// <exception cref="ArgumentException">A value is too long (<see cref="Check"/>).</exception>
    public static string ToTraceQL(IEnumerable<KeyValuePair<string, string>> tags, uint minDurationMs, uint maxDurationMs)
    {
        if (Check(tags) is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(tags));
        }

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
                return "trace:rootName =~ " + Contains(value);
            case "root.service.name":
                return "trace:rootService =~ " + Contains(value);
            case "name":
                return "name =~ " + Contains(value);
            case "status.code":
                return "status = " + value.ToLowerInvariant() switch { "error" => "error", "ok" => "ok", _ => "unset" };
        }

        var span = Attribute("span", key);
        var resource = Attribute("resource", key);
        var condition = $"{span} =~ {Contains(value)} || {resource} =~ {Contains(value)}";
        if (TypedLiteral(value) is { } typed)
        {
            condition += $" || {span} = {typed} || {resource} = {typed}";
        }

        return condition;
    }

    // Go's strconv.Atoi accepts exactly what AllowLeadingSign does: an optional sign and ASCII digits.
    private static string? TypedLiteral(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? integer.ToString(CultureInfo.InvariantCulture)
            : value is "true" or "false" ? value : null;

    // `scope."name"`: a quoted attribute name holds any character, with only '"' and '\' escaped.
    private static string Attribute(string scope, string name) =>
        scope + ".\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // A case-insensitive "contains": TraceQL regexes are anchored, (?s) lets '.' cross newlines.
    private static string Contains(string value) => GoStrconv.Quote("(?si).*" + EscapeRegex(value) + ".*");

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
