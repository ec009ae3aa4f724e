using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>Fields and aggregates written back as TraceQL, for the names of attributes the results carry
/// (<c>by(resource.service.name)</c>, <c>count()</c>, <c>avg(duration)</c>, a span's <c>status</c>).</summary>
public static class QueryText
{
    public static string Field(FieldExpression field) => field switch
    {
        AttributeField a => a.ToString(),
        IntrinsicField i => Intrinsic(i.Intrinsic),
        Static s => s.ToString(),
        UnaryOperation u => (u.Op == Operator.Not ? "!" : "-") + Field(u.Operand),
        BinaryOperation b => $"{Field(b.Left)} {Symbol(b.Op)} {Field(b.Right)}",
        _ => field.ToString() ?? "",
    };

    public static string Aggregate(Aggregate aggregate) =>
        aggregate.Kind.ToString().ToLowerInvariant() + "(" + (aggregate.Field is null ? "" : Field(aggregate.Field)) + ")";

    /// <summary>The scoped spelling of an intrinsic (legacy unscoped names for span fields, as Tempo prints them).</summary>
    public static string Intrinsic(Intrinsic intrinsic) => intrinsic switch
    {
        Ast.Intrinsic.Duration => "duration",
        Ast.Intrinsic.ChildCount => "span:childCount",
        Ast.Intrinsic.Name => "name",
        Ast.Intrinsic.Status => "status",
        Ast.Intrinsic.StatusMessage => "statusMessage",
        Ast.Intrinsic.Kind => "kind",
        Ast.Intrinsic.Parent => "parent",
        Ast.Intrinsic.TraceRootName => "rootName",
        Ast.Intrinsic.TraceRootService => "rootServiceName",
        Ast.Intrinsic.TraceDuration => "traceDuration",
        Ast.Intrinsic.TraceId => "trace:id",
        Ast.Intrinsic.SpanId => "span:id",
        Ast.Intrinsic.ParentId => "span:parentID",
        Ast.Intrinsic.NestedSetLeft => "nestedSetLeft",
        Ast.Intrinsic.NestedSetRight => "nestedSetRight",
        Ast.Intrinsic.NestedSetParent => "nestedSetParent",
        Ast.Intrinsic.EventName => "event:name",
        Ast.Intrinsic.EventTimeSinceStart => "event:timeSinceStart",
        Ast.Intrinsic.LinkTraceId => "link:traceID",
        Ast.Intrinsic.LinkSpanId => "link:spanID",
        Ast.Intrinsic.InstrumentationName => "instrumentation:name",
        Ast.Intrinsic.InstrumentationVersion => "instrumentation:version",
        _ => intrinsic.ToString(),
    };

    private static string Symbol(Operator op) => op switch
    {
        Operator.Add => "+", Operator.Sub => "-", Operator.Mul => "*", Operator.Div => "/", Operator.Mod => "%", Operator.Pow => "^",
        Operator.Equal => "=", Operator.NotEqual => "!=", Operator.Less => "<", Operator.LessEqual => "<=",
        Operator.Greater => ">", Operator.GreaterEqual => ">=", Operator.Regex => "=~", Operator.NotRegex => "!~",
        Operator.And => "&&", Operator.Or => "||",
        _ => op.ToString(),
    };
}
