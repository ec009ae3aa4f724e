using System.Text;
using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// Parses the TraceQL identifier of <c>/api/v2/search/tag/&lt;identifier&gt;/values</c> the way Tempo's
/// <c>traceql.ParseIdentifier</c> does (it parses <c>{identifier}</c> as a query and requires a lone attribute):
/// intrinsics by their TraceQL names (<c>name</c>, <c>span:name</c>, <c>trace:rootService</c>, ...), unscoped attributes
/// (<c>.http.method</c>), scoped attributes (<c>resource.</c>, <c>span.</c>, <c>event.</c>, <c>link.</c>,
/// <c>instrumentation.</c>) and quoted attribute names (<c>span."a b"</c>). Errors keep Tempo's frame
/// (<c>failed to parse identifier x: parse error at line 1, col N: ...</c>, columns counted in <c>{x}</c>).
/// </summary>
public static class TraceQLIdentifier
{
    // Tempo's lexer (pkg/traceql/lexer.go): TraceQL name -> canonical intrinsic. Scoped spellings map onto the same
    // intrinsic (intrinsicFromString), so span:name and name ask the same question.
    private static readonly Dictionary<string, string> IntrinsicNames = new(StringComparer.Ordinal)
    {
        ["duration"] = Intrinsics.Duration,
        ["span:duration"] = Intrinsics.Duration,
        ["name"] = Intrinsics.Name,
        ["span:name"] = Intrinsics.Name,
        ["status"] = Intrinsics.Status,
        ["span:status"] = Intrinsics.Status,
        ["statusMessage"] = Intrinsics.StatusMessage,
        ["span:statusMessage"] = Intrinsics.StatusMessage,
        ["kind"] = Intrinsics.Kind,
        ["span:kind"] = Intrinsics.Kind,
        ["rootName"] = Intrinsics.RootName,
        ["trace:rootName"] = Intrinsics.RootName,
        ["rootServiceName"] = Intrinsics.RootServiceName,
        ["trace:rootService"] = Intrinsics.RootServiceName,
        ["traceDuration"] = Intrinsics.TraceDuration,
        ["trace:duration"] = Intrinsics.TraceDuration,
        ["event:name"] = Intrinsics.EventName,
        ["event:timeSinceStart"] = Intrinsics.EventTimeSinceStart,
        ["instrumentation:name"] = Intrinsics.InstrumentationName,
        ["instrumentation:version"] = Intrinsics.InstrumentationVersion,
        // Accepted by Tempo but without values worth listing (IDs, structure, timestamps): answered with an empty list.
        ["childCount"] = "childCount",
        ["parent"] = "parent",
        ["trace:id"] = "trace:id",
        ["span:id"] = "span:id",
        ["span:parentID"] = "span:parentID",
        ["link:traceID"] = "link:traceID",
        ["link:spanID"] = "link:spanID",
        ["traceStartTime"] = "traceStartTime",
        ["spanStartTime"] = "spanStartTime",
        ["nestedSetLeft"] = "nestedSetLeft",
        ["nestedSetRight"] = "nestedSetRight",
        ["nestedSetParent"] = "nestedSetParent",
    };

    private static readonly (string Prefix, AttributeScope Scope)[] ScopePrefixes =
    [
        ("resource.", AttributeScope.Resource),
        ("span.", AttributeScope.Span),
        ("event.", AttributeScope.Event),
        ("link.", AttributeScope.Link),
        ("instrumentation.", AttributeScope.Instrumentation),
    ];

    /// <returns><c>null</c> and the identifier, or Tempo's error text (without the HTTP layer's "please provide a valid tagName: ").</returns>
    public static string? TryParse(string text, out TagIdentifier? identifier)
    {
        ArgumentNullException.ThrowIfNull(text);
        identifier = null;

        var start = SkipSpaces(text, 0);
        var end = text.Length;
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (start == end)
        {
            // "{}" parses as an empty spanset filter whose expression is a static true.
            return $"failed to parse identifier {text}: expected Attribute but got traceql.Static";
        }

        var token = text[start..end];
        if (token[0] == '.')
        {
            return ParseAttributeName(text, start + 1, end, scope: null, out identifier);
        }

        foreach (var (prefix, scope) in ScopePrefixes)
        {
            if (token.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ParseAttributeName(text, start + prefix.Length, end, scope, out identifier);
            }
        }

        // An intrinsic or keyword is a word of letters, digits, '_' and ':' (span:name, trace:rootService).
        var wordEnd = start;
        while (wordEnd < end && (char.IsAsciiLetterOrDigit(text[wordEnd]) || text[wordEnd] is '_' or ':'))
        {
            wordEnd++;
        }

        var word = text[start..wordEnd];
        if (IntrinsicNames.TryGetValue(word, out var canonical))
        {
            if (Trailing(text, wordEnd, end) is { } trailingError)
            {
                return trailingError;
            }

            identifier = TagIdentifier.Intrinsic(canonical);
            return null;
        }

        if (word is "true" or "false" or "nil" || char.IsAsciiDigit(token[0]) || token[0] == '"' || token[0] == '`')
        {
            return $"failed to parse identifier {text}: expected Attribute but got traceql.Static";
        }

        // A bare word is an IDENTIFIER token where TraceQL expects a field expression.
        return SyntaxError(text, start, "unexpected IDENTIFIER");
    }

    private static string? ParseAttributeName(string text, int at, int end, AttributeScope? scope, out TagIdentifier? identifier)
    {
        identifier = null;
        string name;
        int next;
        if (at < end && text[at] == '"')
        {
            // Quoted attribute names allow any character; \" and \\ are the escapes.
            var builder = new StringBuilder();
            var i = at + 1;
            var closed = false;
            for (; i < end; i++)
            {
                var c = text[i];
                if (c == '\\' && i + 1 < end)
                {
                    builder.Append(text[++i]);
                    continue;
                }

                if (c == '"')
                {
                    closed = true;
                    i++;
                    break;
                }

                builder.Append(c);
            }

            if (!closed)
            {
                return SyntaxError(text, at, "literal not terminated");
            }

            name = builder.ToString();
            next = i;
        }
        else
        {
            var i = at;
            while (i < end && IsAttributeRune(text[i]))
            {
                i++;
            }

            name = text[at..i];
            next = i;
        }

        if (name.Length == 0)
        {
            return SyntaxError(text, at, at < end ? $"unexpected {Describe(text[at])}" : "unexpected }");
        }

        if (Trailing(text, next, end) is { } trailingError)
        {
            return trailingError;
        }

        identifier = scope is { } s ? TagIdentifier.Attribute(s, name) : TagIdentifier.Unscoped(name);
        return null;
    }

    // Anything after the attribute: an operator makes Tempo's parser build a binary operation, anything else is a
    // second token where the closing brace belongs.
    private static string? Trailing(string text, int next, int end)
    {
        next = SkipSpaces(text, next);
        if (next >= end)
        {
            return null;
        }

        return IsOperatorStart(text[next])
            ? $"failed to parse identifier {text}: expected Attribute but got *traceql.BinaryOperation"
            : SyntaxError(text, next, "unexpected IDENTIFIER");
    }

    // Tempo's lexer ends an attribute name at whitespace or at a character that starts another token.
    private static bool IsAttributeRune(char c) =>
        !char.IsWhiteSpace(c) && c is not ('{' or '}' or '(' or ')' or '=' or '~' or '!' or '<' or '>' or '&' or '|' or '^' or ',');

    private static bool IsOperatorStart(char c) => c is '=' or '!' or '<' or '>' or '~' or '&' or '|' or '+' or '-' or '*' or '/' or '%' or '^';

    private static string Describe(char c) => c is '"' ? "\"" : c.ToString();

    private static int SkipSpaces(string text, int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at]))
        {
            at++;
        }

        return at;
    }

    // Columns are 1-based in the wrapped query "{text}", hence +2.
    private static string SyntaxError(string text, int index, string detail) =>
        $"failed to parse identifier {text}: parse error at line 1, col {index + 2}: syntax error: {detail}";
}
