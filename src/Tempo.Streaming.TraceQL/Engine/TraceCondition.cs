using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>
/// What a trace must contain for a query to match it — derived from the query, weaker than it, never stronger: a store
/// uses it to skip traces (and whole row groups, pages and dictionaries) before anything is decoded, and the evaluator
/// then decides exactly on the traces left. A leaf says "some span (or its resource, scope, event or link) has
/// <c>field op value</c>"; leaves combine with AND / OR; <see cref="Any"/> means no restriction.
/// </summary>
public abstract record TraceCondition
{
    /// <summary>Every trace may match.</summary>
    public static readonly TraceCondition Any = new AnyTrace();

    /// <summary>The condition a trace must meet for <paramref name="query"/> to return it.</summary>
    public static TraceCondition For(RootExpression query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Pipeline is { } pipeline && query.ScalarPipelineFilter is null ? OfPipeline(pipeline) : Any;
    }

    private static TraceCondition OfPipeline(Pipeline pipeline)
    {
        // Every spanset stage narrows what came before, so all of them must hold; scalar and grouping stages only drop.
        var parts = new List<TraceCondition>();
        foreach (var element in pipeline.Elements)
        {
            if (element is SpansetExpression expression)
            {
                parts.Add(OfSpanset(expression));
            }
        }
        return AllOf(parts);
    }

    private static TraceCondition OfSpanset(SpansetExpression expression) => expression switch
    {
        SpansetFilter filter => OfField(filter.Expression),
        Pipeline pipeline => OfPipeline(pipeline),
        // Every operator but || needs both sides to match something (structural negations included).
        SpansetOperation { Op: SpansetOperator.Union } union => AnyOf([OfSpanset(union.Left), OfSpanset(union.Right)]),
        SpansetOperation operation => AllOf([OfSpanset(operation.Left), OfSpanset(operation.Right)]),
        _ => Any,
    };

    private static TraceCondition OfField(FieldExpression expression)
    {
        switch (expression)
        {
            case BinaryOperation { Op: Operator.And } and:
                return AllOf([OfField(and.Left), OfField(and.Right)]);
            case BinaryOperation { Op: Operator.Or } or:
                return AnyOf([OfField(or.Left), OfField(or.Right)]);
            case BinaryOperation comparison when IsComparison(comparison.Op):
                if (IsLeafField(comparison.Left) && comparison.Right is Static right)
                {
                    return Leaf(comparison.Left, comparison.Op, right);
                }
                if (IsLeafField(comparison.Right) && comparison.Left is Static left)
                {
                    return comparison.Op is Operator.Regex or Operator.NotRegex ? Any : Leaf(comparison.Right, Flip(comparison.Op), left);
                }
                return Any;
            default:
                return Any;
        }
    }

    private static TraceCondition Leaf(FieldExpression field, Operator op, Static value)
    {
        if (value.Type == StaticType.Nil)
        {
            // "!= nil" needs the field to exist; "= nil" holds where it is missing, which no store indexes.
            return op == Operator.NotEqual ? new FieldCondition(field, Operator.NotEqual, value) : Any;
        }
        return new FieldCondition(field, op, value);
    }

    private static bool IsLeafField(FieldExpression e) => e is AttributeField { Parent: false } or IntrinsicField { Intrinsic: not Intrinsic.Parent };

    private static bool IsComparison(Operator op) => op is Operator.Equal or Operator.NotEqual or Operator.Less or Operator.LessEqual
        or Operator.Greater or Operator.GreaterEqual or Operator.Regex or Operator.NotRegex;

    private static Operator Flip(Operator op) => op switch
    {
        Operator.Less => Operator.Greater,
        Operator.LessEqual => Operator.GreaterEqual,
        Operator.Greater => Operator.Less,
        Operator.GreaterEqual => Operator.LessEqual,
        _ => op,
    };

    private static TraceCondition AllOf(List<TraceCondition> parts)
    {
        var kept = new List<TraceCondition>();
        foreach (var part in parts)
        {
            if (part is AllConditions all)
            {
                kept.AddRange(all.Parts);
            }
            else if (part is not AnyTrace)
            {
                kept.Add(part);
            }
        }
        return kept.Count switch
        {
            0 => Any,
            1 => kept[0],
            _ => new AllConditions(kept),
        };
    }

    private static TraceCondition AnyOf(List<TraceCondition> parts)
    {
        var kept = new List<TraceCondition>();
        foreach (var part in parts)
        {
            if (part is AnyTrace)
            {
                return Any; // one side unrestricted: the whole OR is
            }
            if (part is AnyConditions any)
            {
                kept.AddRange(any.Parts);
            }
            else
            {
                kept.Add(part);
            }
        }
        return kept.Count == 1 ? kept[0] : new AnyConditions(kept);
    }
}

/// <summary>No restriction.</summary>
public sealed record AnyTrace : TraceCondition;

/// <summary>Every part must hold (possibly on different spans).</summary>
public sealed record AllConditions(IReadOnlyList<TraceCondition> Parts) : TraceCondition;

/// <summary>Some part must hold.</summary>
public sealed record AnyConditions(IReadOnlyList<TraceCondition> Parts) : TraceCondition;

/// <summary>
/// Some span has <c>Field Op Value</c> (for an unscoped attribute: on the span or its resource; for event and link
/// fields: on one of its events or links). <c>!= nil</c> means the field exists. Comparisons follow the evaluator:
/// numbers by value across ints, floats and durations, strings by ordinal, nothing across types.
/// </summary>
public sealed record FieldCondition(FieldExpression Field, Operator Op, Static Value) : TraceCondition
{
    /// <summary>True for <c>!= nil</c>: the field exists, whatever its value.</summary>
    public bool IsExistence => Value.Type == StaticType.Nil;
}
