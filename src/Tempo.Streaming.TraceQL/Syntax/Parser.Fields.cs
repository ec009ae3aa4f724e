using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Syntax;

internal sealed partial class Parser
{
    // Tempo's precedence, loosest first: && || (same level), comparisons and regex, + -, unary ! and -, * / %, ^ (right).
    private const int LogicalLevel = 0, ComparisonLevel = 1, AdditiveLevel = 2, UnaryOperandLevel = 4, PowerLevel = 5;

    private static (Operator Op, int Level)? FieldOperatorOf(TokenKind kind) => kind switch
    {
        TokenKind.And => (Operator.And, LogicalLevel),
        TokenKind.Or => (Operator.Or, LogicalLevel),
        TokenKind.Eq => (Operator.Equal, ComparisonLevel),
        TokenKind.Neq => (Operator.NotEqual, ComparisonLevel),
        TokenKind.Lt => (Operator.Less, ComparisonLevel),
        TokenKind.Lte => (Operator.LessEqual, ComparisonLevel),
        TokenKind.Gt => (Operator.Greater, ComparisonLevel),
        TokenKind.Gte => (Operator.GreaterEqual, ComparisonLevel),
        TokenKind.Re => (Operator.Regex, ComparisonLevel),
        TokenKind.Nre => (Operator.NotRegex, ComparisonLevel),
        TokenKind.Add => (Operator.Add, AdditiveLevel),
        TokenKind.Sub => (Operator.Sub, AdditiveLevel),
        TokenKind.Mul => (Operator.Mul, UnaryOperandLevel),
        TokenKind.Div => (Operator.Div, UnaryOperandLevel),
        TokenKind.Mod => (Operator.Mod, UnaryOperandLevel),
        TokenKind.Pow => (Operator.Pow, PowerLevel),
        _ => null,
    };

    private FieldExpression? Field(int minLevel)
    {
        if (FieldOperand() is not { } left)
        {
            return null;
        }
        while (FieldOperatorOf(Current.Kind) is { } op && op.Level >= minLevel)
        {
            var before = _position;
            _position++;
            if (Field(op.Level == PowerLevel ? op.Level : op.Level + 1) is not { } right)
            {
                _position = before;
                break;
            }
            left = new BinaryOperation(op.Op, left, right);
        }
        return left;
    }

    private FieldExpression? FieldOperand()
    {
        var start = _position;
        switch (Current.Kind)
        {
            case TokenKind.OpenParens:
                _position++;
                return Field(0) is { } inner && Accept(TokenKind.CloseParens) ? inner : Miss<FieldExpression>(start);
            case TokenKind.Sub or TokenKind.Not:
                var op = Current.Kind == TokenKind.Sub ? Operator.Negate : Operator.Not;
                _position++;
                return Field(UnaryOperandLevel) is { } operand ? new UnaryOperation(op, operand) : Miss<FieldExpression>(start);
        }
        if (StaticLiteral() is { } value)
        {
            return value;
        }
        return FieldReference();
    }

    /// <summary>A literal: string, number, duration, boolean, nil, status or kind.</summary>
    private Static? StaticLiteral()
    {
        var token = Current;
        Static? value = token.Kind switch
        {
            TokenKind.String => Static.OfString(token.Value),
            TokenKind.Integer => Static.OfInt(token.IntegerValue),
            TokenKind.Float => Static.OfFloat(token.FloatValue),
            TokenKind.Duration => Static.OfDuration(token.DurationNanos),
            TokenKind.Keyword => token.Text switch
            {
                "true" => Static.OfBool(true),
                "false" => Static.OfBool(false),
                "nil" => Static.Nil,
                "ok" => Static.OfStatus(SpanStatus.Ok),
                "error" => Static.OfStatus(SpanStatus.Error),
                "unset" => Static.OfStatus(SpanStatus.Unset),
                "unspecified" => Static.OfKind(SpanKindValue.Unspecified),
                "internal" => Static.OfKind(SpanKindValue.Internal),
                "server" => Static.OfKind(SpanKindValue.Server),
                "client" => Static.OfKind(SpanKindValue.Client),
                "producer" => Static.OfKind(SpanKindValue.Producer),
                "consumer" => Static.OfKind(SpanKindValue.Consumer),
                _ => null,
            },
            _ => null,
        };
        if (value is null)
        {
            Miss();
            return null;
        }
        _position++;
        return value;
    }

    /// <summary>An attribute, an unscoped intrinsic, or a scoped intrinsic (<c>span:duration</c>).</summary>
    private FieldExpression? FieldReference()
    {
        var start = _position;
        var token = Current;
        if (token.Kind == TokenKind.Attribute)
        {
            _position++;
            return new AttributeField(token.Scope, token.Parent, token.Value);
        }
        if (token.Kind == TokenKind.Keyword && UnscopedIntrinsic(token.Text) is { } intrinsic)
        {
            _position++;
            return new IntrinsicField(intrinsic);
        }
        if (token.Kind != TokenKind.ScopedIntrinsic)
        {
            return Miss<FieldExpression>(start);
        }
        _position++;
        var name = Current;
        if (name.Kind is TokenKind.Keyword or TokenKind.Identifier && ScopedIntrinsic(token.Text, name.Text) is { } scoped)
        {
            _position++;
            return new IntrinsicField(scoped);
        }
        // The error names the word after the scope: span:rootName is unexpected at rootName.
        Miss();
        _position = start;
        return null;
    }

    private static Intrinsic? UnscopedIntrinsic(string word) => word switch
    {
        "duration" => Intrinsic.Duration,
        "childCount" => Intrinsic.ChildCount,
        "name" => Intrinsic.Name,
        "status" => Intrinsic.Status,
        "statusMessage" => Intrinsic.StatusMessage,
        "kind" => Intrinsic.Kind,
        "parent" => Intrinsic.Parent,
        "rootName" => Intrinsic.TraceRootName,
        "rootServiceName" => Intrinsic.TraceRootService,
        "traceDuration" => Intrinsic.TraceDuration,
        "nestedSetLeft" => Intrinsic.NestedSetLeft,
        "nestedSetRight" => Intrinsic.NestedSetRight,
        "nestedSetParent" => Intrinsic.NestedSetParent,
        _ => null,
    };

    private static Intrinsic? ScopedIntrinsic(string scope, string word) => (scope, word) switch
    {
        ("trace:", "duration") => Intrinsic.TraceDuration,
        ("trace:", "rootName") => Intrinsic.TraceRootName,
        ("trace:", "rootService") => Intrinsic.TraceRootService,
        ("trace:", "id") => Intrinsic.TraceId,
        ("span:", "duration") => Intrinsic.Duration,
        ("span:", "name") => Intrinsic.Name,
        ("span:", "kind") => Intrinsic.Kind,
        ("span:", "status") => Intrinsic.Status,
        ("span:", "statusMessage") => Intrinsic.StatusMessage,
        ("span:", "id") => Intrinsic.SpanId,
        ("span:", "parentID") => Intrinsic.ParentId,
        ("span:", "childCount") => Intrinsic.ChildCount,
        ("event:", "name") => Intrinsic.EventName,
        ("event:", "timeSinceStart") => Intrinsic.EventTimeSinceStart,
        ("link:", "traceID") => Intrinsic.LinkTraceId,
        ("link:", "spanID") => Intrinsic.LinkSpanId,
        ("instrumentation:", "name") => Intrinsic.InstrumentationName,
        ("instrumentation:", "version") => Intrinsic.InstrumentationVersion,
        _ => null,
    };
}
