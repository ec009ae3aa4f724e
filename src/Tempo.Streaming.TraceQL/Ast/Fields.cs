using System.Globalization;

namespace Tempo.Streaming.TraceQL.Ast;

/// <summary>Where an attribute is looked up; <see cref="None"/> (<c>.a</c>) means the span's, else the resource's.</summary>
public enum AttributeScope { None, Span, Resource, Event, Link, Instrumentation }

/// <summary>The intrinsic fields: unscoped (<c>duration</c>) and scoped (<c>span:duration</c>) name the same ones.</summary>
public enum Intrinsic
{
    Duration, ChildCount, Name, Status, StatusMessage, Kind, Parent,
    TraceRootName, TraceRootService, TraceDuration, TraceId,
    SpanId, ParentId, NestedSetLeft, NestedSetRight, NestedSetParent,
    EventName, EventTimeSinceStart, LinkTraceId, LinkSpanId, InstrumentationName, InstrumentationVersion,
}

/// <summary>Operators of field and scalar expressions.</summary>
public enum Operator
{
    Add, Sub, Mul, Div, Mod, Pow,
    Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, Regex, NotRegex,
    And, Or,
    Not, Negate,
}

/// <summary>The types a field expression can have; <see cref="Attribute"/> is an attribute's, known only per span.</summary>
public enum StaticType { Nil, Int, Float, String, Boolean, Duration, Status, Kind, Attribute }

/// <summary>Span status values, numbered as Tempo numbers them.</summary>
public enum SpanStatus { Error = 0, Ok = 1, Unset = 2 }

/// <summary>Span kinds, numbered as Tempo numbers them.</summary>
public enum SpanKindValue { Unspecified = 0, Internal = 1, Client = 2, Server = 3, Producer = 4, Consumer = 5 }

/// <summary>An expression over one span's fields: the inside of <c>{ ... }</c>, aggregate and <c>by()</c> arguments.</summary>
public abstract record FieldExpression;

/// <summary>A literal. Durations are held in nanoseconds in <see cref="Int"/>, statuses and kinds as their numbers.</summary>
public sealed record Static(StaticType Type, long Int = 0, double Float = 0, string String = "", bool Bool = false) : FieldExpression
{
    public static readonly Static Nil = new(StaticType.Nil);
    public static Static OfInt(long value) => new(StaticType.Int, Int: value);
    public static Static OfFloat(double value) => new(StaticType.Float, Float: value);
    public static Static OfString(string value) => new(StaticType.String, String: value);
    public static Static OfBool(bool value) => new(StaticType.Boolean, Bool: value);
    public static Static OfDuration(long nanoseconds) => new(StaticType.Duration, Int: nanoseconds);
    public static Static OfStatus(SpanStatus value) => new(StaticType.Status, Int: (long)value);
    public static Static OfKind(SpanKindValue value) => new(StaticType.Kind, Int: (long)value);

    /// <summary>The value as a number, for ints, floats and durations (nanoseconds).</summary>
    public double AsNumber() => Type == StaticType.Float ? Float : Int;

    public override string ToString() => Type switch
    {
        StaticType.Nil => "nil",
        StaticType.Int => Int.ToString(CultureInfo.InvariantCulture),
        StaticType.Float => Float.ToString("R", CultureInfo.InvariantCulture),
        StaticType.String => "\"" + String.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        StaticType.Boolean => Bool ? "true" : "false",
        StaticType.Duration => Int.ToString(CultureInfo.InvariantCulture) + "ns",
        StaticType.Status => ((SpanStatus)Int).ToString().ToLowerInvariant(),
        StaticType.Kind => ((SpanKindValue)Int).ToString().ToLowerInvariant(),
        _ => Type.ToString(),
    };
}

/// <summary>A span, resource, event, link or instrumentation-scope attribute; <see cref="Parent"/> for <c>parent.</c>.</summary>
public sealed record AttributeField(AttributeScope Scope, bool Parent, string Name) : FieldExpression
{
    public override string ToString() =>
        (Parent ? "parent." : "") + (Scope == AttributeScope.None ? "." : Scope.ToString().ToLowerInvariant() + ".") + Name;
}

/// <summary>An intrinsic field of the span, its trace, event, link or instrumentation scope.</summary>
public sealed record IntrinsicField(Intrinsic Intrinsic) : FieldExpression
{
    public override string ToString() => Intrinsic.ToString();
}

/// <summary>A binary operation: arithmetic, comparison, regex match, logical.</summary>
public sealed record BinaryOperation(Operator Op, FieldExpression Left, FieldExpression Right) : FieldExpression;

/// <summary><c>-x</c> (<see cref="Operator.Negate"/>) or <c>!x</c> (<see cref="Operator.Not"/>).</summary>
public sealed record UnaryOperation(Operator Op, FieldExpression Operand) : FieldExpression;
