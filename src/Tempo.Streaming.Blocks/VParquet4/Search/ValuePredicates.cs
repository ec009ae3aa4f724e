using System.Text.RegularExpressions;
using Tempo.Streaming.Parquet.Scanning;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;
using Tempo.Streaming.TraceQL.Engine;

namespace Tempo.Streaming.Blocks.VParquet4.Search;

/// <summary>What a column stores.</summary>
internal enum ValueKind { String, Integer, Double, Boolean }

/// <summary>
/// The pushed-down form of <c>field op value</c> on one column, with the evaluator's typing: numbers compare by value
/// across ints, floats and durations (nanoseconds), strings by ordinal and by fully anchored regex, booleans by
/// equality; a value of another type can never match the column, which gives null (nothing to scan there).
/// </summary>
internal static class ValuePredicates
{
    public static ColumnPredicate? For(ValueKind kind, Operator op, Static value) => kind switch
    {
        ValueKind.String => value.Type == StaticType.String ? String(op, value.String) : null,
        ValueKind.Integer => IsNumber(value) ? Integer(op, value) : null,
        ValueKind.Double => IsNumber(value) ? Double(op, value.AsNumber()) : null,
        _ => value.Type == StaticType.Boolean && op is Operator.Equal or Operator.NotEqual
            ? ColumnPredicates.Equal(op == Operator.Equal ? value.Bool : !value.Bool)
            : null,
    };

    private static bool IsNumber(Static value) => value.Type is StaticType.Int or StaticType.Float or StaticType.Duration;

    private static ColumnPredicate? String(Operator op, string value)
    {
        switch (op)
        {
            case Operator.Equal: return ColumnPredicates.Equal(value);
            case Operator.NotEqual: return ColumnPredicates.NotEqual(value);
            case Operator.Less: return ColumnPredicates.Less(value);
            case Operator.LessEqual: return ColumnPredicates.LessOrEqual(value);
            case Operator.Greater: return ColumnPredicates.Greater(value);
            case Operator.GreaterEqual: return ColumnPredicates.GreaterOrEqual(value);
            case Operator.Regex or Operator.NotRegex:
                var regex = TraceQLRegex.Compile(value);
                var want = op == Operator.Regex;
                return ColumnPredicates.Callback((in ColumnValue v) => v.Kind == ColumnValueKind.Bytes && Matches(regex, v) == want,
                    description: (want ? "=~ " : "!~ ") + value);
            default: return null;
        }
    }

    private static bool Matches(Regex regex, in ColumnValue value) => regex.IsMatch(value.GetString());

    private static ColumnPredicate? Integer(Operator op, Static value)
    {
        if (value.Type == StaticType.Float)
        {
            // A fractional threshold on an integer column: compare as doubles (no statistics pruning, still exact).
            var threshold = value.Float;
            return ColumnPredicates.Callback((in ColumnValue v) => v.Kind is ColumnValueKind.Int64 or ColumnValueKind.UInt64
                && Comparisons.Holds(op, ((double)(v.Kind == ColumnValueKind.UInt64 ? v.UInt64 : v.Int64)).CompareTo(threshold)), description: $"{op} {threshold}");
        }

        var n = value.Int;
        return op switch
        {
            Operator.Equal => ColumnPredicates.Equal(n),
            Operator.NotEqual => ColumnPredicates.NotEqual(n),
            Operator.Less => ColumnPredicates.Less(n),
            Operator.LessEqual => ColumnPredicates.LessOrEqual(n),
            Operator.Greater => ColumnPredicates.Greater(n),
            Operator.GreaterEqual => ColumnPredicates.GreaterOrEqual(n),
            _ => null,
        };
    }

    private static ColumnPredicate? Double(Operator op, double value) => op switch
    {
        Operator.Equal => ColumnPredicates.Equal(value),
        Operator.NotEqual => ColumnPredicates.NotEqual(value),
        Operator.Less => ColumnPredicates.Less(value),
        Operator.LessEqual => ColumnPredicates.LessOrEqual(value),
        Operator.Greater => ColumnPredicates.Greater(value),
        Operator.GreaterEqual => ColumnPredicates.GreaterOrEqual(value),
        _ => null,
    };
}
