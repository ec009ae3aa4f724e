namespace Tempo.Streaming.TraceQL.Ast;

/// <summary>Operators between spansets: logical, structural, and their negated and union forms.</summary>
public enum SpansetOperator
{
    And, Union,
    Child, Parent, Descendant, Ancestor, Sibling,
    NotChild, NotParent, NotDescendant, NotAncestor, NotSibling,
    UnionChild, UnionParent, UnionDescendant, UnionAncestor, UnionSibling,
}

/// <summary>The aggregates of scalar filters.</summary>
public enum AggregateKind { Count, Max, Min, Avg, Sum }

/// <summary>One stage of a pipeline (<c>a | b | c</c>).</summary>
public abstract record PipelineElement;

/// <summary>Anything that yields spansets: a filter, an operation between spansets, a parenthesized pipeline.</summary>
public abstract record SpansetExpression : PipelineElement;

/// <summary><c>{ expression }</c>; <c>{ }</c> is <c>{ true }</c>.</summary>
public sealed record SpansetFilter(FieldExpression Expression) : SpansetExpression;

/// <summary><c>left op right</c> between spansets.</summary>
public sealed record SpansetOperation(SpansetOperator Op, SpansetExpression Left, SpansetExpression Right) : SpansetExpression;

/// <summary>Stages applied in order to every spanset; a parenthesized pipeline is itself a spanset expression.</summary>
public sealed record Pipeline(IReadOnlyList<PipelineElement> Elements) : SpansetExpression;

/// <summary><c>count() > 2</c>: keeps the spansets whose scalar comparison holds.</summary>
public sealed record ScalarFilter(Operator Op, ScalarExpression Left, ScalarExpression Right) : PipelineElement;

/// <summary><c>by(expression)</c>: splits each spanset by the expression's value.</summary>
public sealed record GroupOperation(FieldExpression By) : PipelineElement;

/// <summary><c>coalesce()</c>: merges a trace's spansets back into one.</summary>
public sealed record CoalesceOperation : PipelineElement;

/// <summary><c>select(a, b)</c>: returns these fields of the matched spans too.</summary>
public sealed record SelectOperation(IReadOnlyList<FieldExpression> Fields) : PipelineElement;

/// <summary>A number per spanset: a literal, an aggregate, arithmetic, or a pipeline ending in an aggregate.</summary>
public abstract record ScalarExpression;

/// <summary>A literal number or duration in a scalar expression (or any literal on the right of a scalar pipeline filter).</summary>
public sealed record ScalarStatic(Static Value) : ScalarExpression;

/// <summary><c>count()</c>, <c>max(duration)</c>, ...; <see cref="Field"/> is null for count.</summary>
public sealed record Aggregate(AggregateKind Kind, FieldExpression? Field) : ScalarExpression;

/// <summary>Arithmetic between scalar expressions.</summary>
public sealed record ScalarOperation(Operator Op, ScalarExpression Left, ScalarExpression Right) : ScalarExpression;

/// <summary><c>({ ... } | count())</c>: a pipeline whose last stage is an aggregate.</summary>
public sealed record ScalarPipeline(Pipeline Pipeline, Aggregate Aggregate) : ScalarExpression;
