using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Syntax;

internal sealed partial class Parser
{
    private Operator? ComparisonOperator()
    {
        Operator? op = Current.Kind switch
        {
            TokenKind.Eq => Operator.Equal,
            TokenKind.Neq => Operator.NotEqual,
            TokenKind.Lt => Operator.Less,
            TokenKind.Lte => Operator.LessEqual,
            TokenKind.Gt => Operator.Greater,
            TokenKind.Gte => Operator.GreaterEqual,
            _ => null,
        };
        if (op is null)
        {
            Miss();
            return null;
        }
        _position++;
        return op;
    }

    // count() > 2, avg(duration) < 1s ...: a pipeline stage.
    private ScalarFilter? ScalarFilterStage()
    {
        var start = _position;
        return ScalarOperations(ScalarOperand, 0) is { } left && ComparisonOperator() is { } op && ScalarOperations(ScalarOperand, 0) is { } right
            ? new ScalarFilter(op, left, right)
            : Miss<ScalarFilter>(start);
    }

    private static (Operator Op, int Level, bool RightAssociative)? ArithmeticOperatorOf(TokenKind kind) => kind switch
    {
        TokenKind.Add => (Operator.Add, 0, false),
        TokenKind.Sub => (Operator.Sub, 0, false),
        TokenKind.Mul => (Operator.Mul, 1, false),
        TokenKind.Div => (Operator.Div, 1, false),
        TokenKind.Mod => (Operator.Mod, 1, false),
        TokenKind.Pow => (Operator.Pow, 2, true),
        _ => null,
    };

    private ScalarExpression? ScalarOperations(Func<ScalarExpression?> operand, int minLevel)
    {
        if (operand() is not { } left)
        {
            return null;
        }
        while (ArithmeticOperatorOf(Current.Kind) is { } op && op.Level >= minLevel)
        {
            var before = _position;
            _position++;
            if (ScalarOperations(operand, op.RightAssociative ? op.Level : op.Level + 1) is not { } right)
            {
                _position = before;
                break;
            }
            left = new ScalarOperation(op.Op, left, right);
        }
        return left;
    }

    // An aggregate, a number or duration (optionally negative), or a parenthesized scalar expression.
    private ScalarExpression? ScalarOperand()
    {
        var start = _position;
        switch (Current.Kind)
        {
            case TokenKind.OpenParens:
                _position++;
                return ScalarOperations(ScalarOperand, 0) is { } inner && Accept(TokenKind.CloseParens) ? inner : Miss<ScalarExpression>(start);
            case TokenKind.Sub:
                _position++;
                return NumberLiteral(negate: true) is { } negative ? new ScalarStatic(negative) : Miss<ScalarExpression>(start);
            case TokenKind.Integer or TokenKind.Float or TokenKind.Duration:
                return new ScalarStatic(NumberLiteral(negate: false)!);
            default:
                return AggregateCall();
        }
    }

    // ( pipeline | aggregate ) or a parenthesized arithmetic of those.
    private ScalarExpression? WrappedScalarPipelineOperand()
    {
        var start = _position;
        if (!Accept(TokenKind.OpenParens))
        {
            return null;
        }
        if (SpansetPipeline() is { } pipeline && Accept(TokenKind.Pipe) && AggregateCall() is { } aggregate && Accept(TokenKind.CloseParens))
        {
            return new ScalarPipeline(pipeline, aggregate);
        }
        _position = start + 1;
        return ScalarOperations(WrappedScalarPipelineOperand, 0) is { } inner && Accept(TokenKind.CloseParens)
            ? inner
            : Miss<ScalarExpression>(start);
    }

    private Aggregate? AggregateCall()
    {
        var start = _position;
        AggregateKind? kind = Current.Kind != TokenKind.Keyword ? null : Current.Text switch
        {
            "count" => AggregateKind.Count,
            "max" => AggregateKind.Max,
            "min" => AggregateKind.Min,
            "avg" => AggregateKind.Avg,
            "sum" => AggregateKind.Sum,
            _ => null,
        };
        if (kind is null)
        {
            return Miss<Aggregate>(start);
        }
        _position++;
        if (!Accept(TokenKind.OpenParens))
        {
            return Miss<Aggregate>(start);
        }
        if (kind == AggregateKind.Count)
        {
            return Accept(TokenKind.CloseParens) ? new Aggregate(AggregateKind.Count, null) : Miss<Aggregate>(start);
        }
        return Field(0) is { } field && Accept(TokenKind.CloseParens) ? new Aggregate(kind.Value, field) : Miss<Aggregate>(start);
    }

    private Static? NumberLiteral(bool negate)
    {
        var token = Current;
        Static? value = token.Kind switch
        {
            TokenKind.Integer => Static.OfInt(negate ? -token.IntegerValue : token.IntegerValue),
            TokenKind.Float => Static.OfFloat(negate ? -token.FloatValue : token.FloatValue),
            TokenKind.Duration => Static.OfDuration(negate ? -token.DurationNanos : token.DurationNanos),
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
}
