using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>
/// Computes field expressions on one span (Tempo's <c>execute</c>): attribute lookups by scope, intrinsics, arithmetic,
/// comparisons and logic. A missing attribute is nil; a comparison with nil holds only for <c>= nil</c> and
/// <c>!= nil</c> (present); operands of types that do not compare (a string with a number) make the comparison false.
/// Numbers (ints, floats, durations in nanoseconds) compare by value; two ints compute in integers.
/// Conditions on <c>event.</c>/<c>link.</c> fields hold for a span when they hold for any one of its events or links.
/// Thread-safe: compiled regexes are shared between concurrent evaluations.
/// </summary>
internal sealed class FieldEvaluator
{
    private readonly ConcurrentDictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="expression"/> is boolean true for the span (for some event/link if it names them).</summary>
    public bool Matches(FieldExpression expression, EvalSpan span, FieldUse use)
    {
        if (!use.Events && !use.Links)
        {
            return IsTrue(Evaluate(expression, new SpanContext(span, null, null)));
        }

        var events = use.Events && span.Events.Count > 0 ? span.Events : [null!];
        var links = use.Links && span.Links.Count > 0 ? span.Links : [null!];
        foreach (var e in events)
        {
            foreach (var l in links)
            {
                if (IsTrue(Evaluate(expression, new SpanContext(span, e, l))))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>The value on the span (events and links not bound: their fields are nil).</summary>
    public Static Value(FieldExpression expression, EvalSpan span) => Evaluate(expression, new SpanContext(span, null, null));

    private static bool IsTrue(Static value) => value.Type == StaticType.Boolean && value.Bool;

    private Static Evaluate(FieldExpression expression, in SpanContext context) => expression switch
    {
        Static s => s,
        AttributeField a => Attribute(a, context),
        IntrinsicField i => Intrinsic(i.Intrinsic, context),
        UnaryOperation u => Unary(u, context),
        BinaryOperation b => Binary(b, context),
        _ => Static.Nil,
    };

    private static Static Attribute(AttributeField field, in SpanContext context)
    {
        var span = context.Span;
        if (field.Parent)
        {
            if (span.Parent is null)
            {
                return Static.Nil;
            }
            span = span.Parent;
        }

        Dictionary<string, Static>? attributes = field.Scope switch
        {
            AttributeScope.Span => span.Attributes,
            AttributeScope.Resource => span.Resource.Attributes,
            AttributeScope.Instrumentation => span.Scope.Attributes,
            AttributeScope.Event => context.Event?.Attributes,
            AttributeScope.Link => context.Link?.Attributes,
            _ => null,
        };
        if (field.Scope == AttributeScope.None)
        {
            return span.Attributes.TryGetValue(field.Name, out var own) ? own
                : span.Resource.Attributes.TryGetValue(field.Name, out var resource) ? resource : Static.Nil;
        }
        return attributes is not null && attributes.TryGetValue(field.Name, out var value) ? value : Static.Nil;
    }

    private static Static Intrinsic(Intrinsic intrinsic, in SpanContext context)
    {
        var span = context.Span;
        return intrinsic switch
        {
            Ast.Intrinsic.Duration => Static.OfDuration((long)span.DurationNanos),
            Ast.Intrinsic.ChildCount => Static.OfInt(span.Children.Count),
            Ast.Intrinsic.Name => Static.OfString(span.Name),
            Ast.Intrinsic.Status => Static.OfStatus(span.Status),
            Ast.Intrinsic.StatusMessage => Static.OfString(span.StatusMessage),
            Ast.Intrinsic.Kind => Static.OfKind(span.Kind),
            Ast.Intrinsic.TraceRootName => span.Trace.RootSpanName is { } rootName ? Static.OfString(rootName) : Static.Nil,
            Ast.Intrinsic.TraceRootService => span.Trace.RootServiceName is { } rootService ? Static.OfString(rootService) : Static.Nil,
            Ast.Intrinsic.TraceDuration => Static.OfDuration((long)(span.Trace.EndUnixNanos - span.Trace.StartUnixNanos)),
            Ast.Intrinsic.TraceId => Static.OfString(IdText.TraceId(span.Trace.TraceId)),
            Ast.Intrinsic.SpanId => Static.OfString(IdText.SpanId(span.SpanId)),
            Ast.Intrinsic.ParentId => span.ParentSpanId.Length == 0 ? Static.Nil : Static.OfString(IdText.SpanId(span.ParentSpanId)),
            Ast.Intrinsic.NestedSetLeft => Static.OfInt(span.NestedSetLeft),
            Ast.Intrinsic.NestedSetRight => Static.OfInt(span.NestedSetRight),
            Ast.Intrinsic.NestedSetParent => Static.OfInt(span.NestedSetParent),
            Ast.Intrinsic.EventName => context.Event is { } e ? Static.OfString(e.Name) : Static.Nil,
            Ast.Intrinsic.EventTimeSinceStart => context.Event is { } e2 ? Static.OfDuration(e2.TimeSinceStartNanos) : Static.Nil,
            Ast.Intrinsic.LinkTraceId => context.Link is { } l ? Static.OfString(IdText.TraceId(l.TraceId)) : Static.Nil,
            Ast.Intrinsic.LinkSpanId => context.Link is { } l2 ? Static.OfString(IdText.SpanId(l2.SpanId)) : Static.Nil,
            Ast.Intrinsic.InstrumentationName => Static.OfString(span.Scope.Name),
            Ast.Intrinsic.InstrumentationVersion => Static.OfString(span.Scope.Version),
            _ => Static.Nil,
        };
    }

    private Static Unary(UnaryOperation unary, in SpanContext context)
    {
        var operand = Evaluate(unary.Operand, context);
        return unary.Op switch
        {
            Operator.Not when operand.Type == StaticType.Boolean => Static.OfBool(!operand.Bool),
            Operator.Negate when operand.Type == StaticType.Int => Static.OfInt(-operand.Int),
            Operator.Negate when operand.Type == StaticType.Duration => Static.OfDuration(-operand.Int),
            Operator.Negate when operand.Type == StaticType.Float => Static.OfFloat(-operand.Float),
            _ => Static.Nil,
        };
    }

    private Static Binary(BinaryOperation binary, in SpanContext context)
    {
        var left = Evaluate(binary.Left, context);
        if (binary.Op == Operator.And && !(left.Type == StaticType.Boolean && left.Bool))
        {
            return Static.OfBool(false);
        }
        if (binary.Op == Operator.Or && left.Type == StaticType.Boolean && left.Bool)
        {
            return Static.OfBool(true);
        }

        var right = Evaluate(binary.Right, context);
        return binary.Op switch
        {
            Operator.And or Operator.Or => Static.OfBool(right.Type == StaticType.Boolean && right.Bool),
            Operator.Regex or Operator.NotRegex => Match(binary.Op, left, right),
            Operator.Equal or Operator.NotEqual or Operator.Less or Operator.LessEqual or Operator.Greater or Operator.GreaterEqual
                => Static.OfBool(Compare(binary.Op, left, right)),
            _ => Arithmetic(binary.Op, left, right),
        };
    }

    private Static Match(Operator op, Static left, Static right)
    {
        if (left.Type != StaticType.String || right.Type != StaticType.String)
        {
            return Static.OfBool(false);
        }

        var regex = _regexes.GetOrAdd(right.String, TraceQLRegex.Compile);
        return Static.OfBool(regex.IsMatch(left.String) == (op == Operator.Regex));
    }

    /// <summary>A comparison between two values (the rule for nil and mismatched types in the class summary).</summary>
    internal static bool Compare(Operator op, Static left, Static right)
    {
        if (left.Type == StaticType.Nil || right.Type == StaticType.Nil)
        {
            var bothNil = left.Type == right.Type;
            return op switch
            {
                Operator.Equal => bothNil,
                Operator.NotEqual => !bothNil,
                _ => false,
            };
        }

        if (IsNumber(left.Type) && IsNumber(right.Type))
        {
            int c;
            if (left.Type != StaticType.Float && right.Type != StaticType.Float)
            {
                c = left.Int.CompareTo(right.Int);
            }
            else
            {
                var (l, r) = (left.AsNumber(), right.AsNumber());
                if (double.IsNaN(l) || double.IsNaN(r))
                {
                    return op == Operator.NotEqual;
                }
                c = l.CompareTo(r);
            }
            return Comparisons.Holds(op, c);
        }

        if (left.Type != right.Type)
        {
            return false;
        }

        switch (left.Type)
        {
            case StaticType.String:
                return Comparisons.Holds(op, string.CompareOrdinal(left.String, right.String));
            case StaticType.Boolean or StaticType.Status or StaticType.Kind:
                var equal = left.Type == StaticType.Boolean ? left.Bool == right.Bool : left.Int == right.Int;
                return op switch
                {
                    Operator.Equal => equal,
                    Operator.NotEqual => !equal,
                    _ => false,
                };
            default:
                return false;
        }
    }

    private static Static Arithmetic(Operator op, Static left, Static right)
    {
        if (!IsNumber(left.Type) || !IsNumber(right.Type))
        {
            return Static.Nil;
        }

        if (left.Type == StaticType.Int && right.Type == StaticType.Int)
        {
            long a = left.Int, b = right.Int;
            return op switch
            {
                Operator.Add => Static.OfInt(unchecked(a + b)),
                Operator.Sub => Static.OfInt(unchecked(a - b)),
                Operator.Mul => Static.OfInt(unchecked(a * b)),
                Operator.Div => b == 0 ? Static.Nil : Static.OfInt(a / b),
                Operator.Mod => b == 0 ? Static.Nil : Static.OfInt(a % b),
                Operator.Pow => Static.OfFloat(Math.Pow(a, b)),
                _ => Static.Nil,
            };
        }

        double x = left.AsNumber(), y = right.AsNumber();
        return Static.OfFloat(op switch
        {
            Operator.Add => x + y,
            Operator.Sub => x - y,
            Operator.Mul => x * y,
            Operator.Div => x / y,
            Operator.Mod => x % y,
            Operator.Pow => Math.Pow(x, y),
            _ => double.NaN,
        });
    }

    internal static bool IsNumber(StaticType type) => type is StaticType.Int or StaticType.Float or StaticType.Duration;

    private readonly record struct SpanContext(EvalSpan Span, EvalEvent? Event, EvalLink? Link);
}

/// <summary>Which per-span lists an expression reads: conditions on them are tried for every event / link.</summary>
internal readonly record struct FieldUse(bool Events, bool Links)
{
    public static FieldUse Of(FieldExpression expression)
    {
        var events = false;
        var links = false;
        Walk(expression);
        return new FieldUse(events, links);

        void Walk(FieldExpression e)
        {
            switch (e)
            {
                case AttributeField a:
                    events |= a.Scope == AttributeScope.Event;
                    links |= a.Scope == AttributeScope.Link;
                    break;
                case IntrinsicField i:
                    events |= i.Intrinsic is Intrinsic.EventName or Intrinsic.EventTimeSinceStart;
                    links |= i.Intrinsic is Intrinsic.LinkTraceId or Intrinsic.LinkSpanId;
                    break;
                case UnaryOperation u:
                    Walk(u.Operand);
                    break;
                case BinaryOperation b:
                    Walk(b.Left);
                    Walk(b.Right);
                    break;
            }
        }
    }
}

/// <summary>IDs as TraceQL compares and Tempo prints them.</summary>
public static class IdText
{
    /// <summary>Lowercase hex without leading zeros (Tempo's trace ID text); "0" for an all-zero ID.</summary>
    public static string TraceId(ReadOnlySpan<byte> id)
    {
        var hex = Convert.ToHexStringLower(id).TrimStart('0');
        return hex.Length == 0 ? "0" : hex;
    }

    /// <summary>Lowercase hex, 16 digits for an 8-byte ID.</summary>
    public static string SpanId(ReadOnlySpan<byte> id) => Convert.ToHexStringLower(id);
}
