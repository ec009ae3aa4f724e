using System.Text;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// The <c>q</c> of the v2 tag APIs: the query a user is still typing in Grafana's editor, which narrows the names and
/// values offered to those of matching spans. As in Tempo, only one spanset filter of <c>&amp;&amp;</c>-ed conditions
/// narrows anything; the text is read leniently because it is usually unfinished:
/// <list type="bullet">
/// <item>a valid filter without <c>||</c> is used as it is (<c>{ resource.cluster = "eu" &amp;&amp; kind = server }</c>);</item>
/// <item>otherwise, if the text is one filter (at most one <c>{</c>, no <c>|</c> outside strings), it is split on
/// <c>&amp;&amp;</c> and the comparisons that are complete on their own are kept: <c>{ resource.cluster = "eu" &amp;&amp;
/// span.http.method = }</c> narrows by the cluster alone;</item>
/// <item>anything else (several filters, <c>||</c>, a pipeline, nothing complete) narrows nothing: the answer is the
/// unfiltered list, as Tempo answers.</item>
/// </list>
/// </summary>
public static class TagFilterQuery
{
    /// <summary>The filter to narrow by, or null when the answer is the unfiltered list.</summary>
    public static RootExpression? Extract(string? query)
    {
        var text = query?.Trim() ?? "";
        if (text.Length == 0)
        {
            return null;
        }

        if (TryParse(text) is { } whole)
        {
            // Hints (with(...)) change how a search runs, not which spans match.
            return IsConjunction(whole, out var empty) && !empty ? whole with { Hints = [] } : null;
        }

        if (!IsOneFilter(text))
        {
            return null;
        }

        var complete = new List<string>();
        foreach (var part in SplitOnAnd(Inner(text)))
        {
            var condition = part.Trim();
            if (condition.Length > 0 && TryParse("{ " + condition + " }") is { } parsed && IsComparison(parsed))
            {
                complete.Add(condition);
            }
        }

        return complete.Count == 0 ? null : TryParse("{ " + string.Join(" && ", complete) + " }");
    }

    private static RootExpression? TryParse(string text)
    {
        try
        {
            return TraceQLParser.ParseValid(text);
        }
        catch (TraceQLException)
        {
            return null;
        }
    }

    // One spanset filter whose expression has no `||`; `{}` (or `{ true }`) is one that narrows nothing.
    private static bool IsConjunction(RootExpression root, out bool empty)
    {
        empty = false;
        if (root.Pipeline is not { Elements: [SpansetFilter filter] } || root.Metrics is not null)
        {
            return false;
        }

        empty = filter.Expression is Static { Type: StaticType.Boolean, Bool: true };
        return !HasOr(filter.Expression);
    }

    // A part being typed counts once it compares something: `{ resource.cluster` alone is not a condition yet.
    private static bool IsComparison(RootExpression root) =>
        IsConjunction(root, out _) && root.Pipeline!.Elements[0] is SpansetFilter
        {
            Expression: BinaryOperation
            {
                Op: Operator.Equal or Operator.NotEqual or Operator.Less or Operator.LessEqual or Operator.Greater
                    or Operator.GreaterEqual or Operator.Regex or Operator.NotRegex,
            },
        };

    private static bool HasOr(FieldExpression expression) => expression switch
    {
        BinaryOperation { Op: Operator.Or } => true,
        BinaryOperation binary => HasOr(binary.Left) || HasOr(binary.Right),
        UnaryOperation unary => HasOr(unary.Operand),
        _ => false,
    };

    // At most one '{' and no '|' outside string literals ("..." with escapes, `...` raw).
    private static bool IsOneFilter(string text)
    {
        var braces = 0;
        foreach (var (c, inString) in Characters(text))
        {
            if (inString)
            {
                continue;
            }

            if (c == '|' || (c == '{' && ++braces > 1))
            {
                return false;
            }
        }

        return true;
    }

    // The text between the first '{' and the last '}' (or the end, when the filter is not closed yet).
    private static string Inner(string text)
    {
        var open = text.IndexOf('{', StringComparison.Ordinal);
        var inner = open < 0 ? text : text[(open + 1)..];
        var close = inner.LastIndexOf('}');
        return close < 0 ? inner : inner[..close];
    }

    private static List<string> SplitOnAnd(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var previousAmpersand = false;
        foreach (var (c, inString) in Characters(text))
        {
            if (!inString && c == '&' && previousAmpersand)
            {
                current.Length--;
                parts.Add(current.ToString());
                current.Clear();
                previousAmpersand = false;
                continue;
            }

            previousAmpersand = !inString && c == '&';
            current.Append(c);
        }

        parts.Add(current.ToString());
        return parts;
    }

    // Each character with whether it lies inside a string literal (its quotes count as inside).
    private static IEnumerable<(char Char, bool InString)> Characters(string text)
    {
        var quote = '\0';
        var escaped = false;
        foreach (var c in text)
        {
            if (quote == '\0')
            {
                if (c is '"' or '`')
                {
                    quote = c;
                    yield return (c, true);
                    continue;
                }

                yield return (c, false);
                continue;
            }

            yield return (c, true);
            if (escaped)
            {
                escaped = false;
            }
            else if (c == '\\' && quote == '"')
            {
                escaped = true;
            }
            else if (c == quote)
            {
                quote = '\0';
            }
        }
    }
}
