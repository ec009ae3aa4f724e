using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Syntax;

/// <summary>
/// Recursive descent over Tempo's TraceQL grammar, with backtracking where its LALR grammar decides late (an opening
/// parenthesis may start a spanset expression, a wrapped pipeline, or a scalar expression). Each production returns
/// null when it does not match and restores the position; the furthest token any production could not take is the
/// one a syntax error names, as a generated parser's error would.
/// </summary>
internal sealed partial class Parser
{
    private readonly List<Token> _tokens;
    private int _position;
    private int _furthest;

    private Parser(List<Token> tokens) => _tokens = tokens;

    /// <exception cref="TraceQLParseException">The query is not TraceQL.</exception>
    public static RootExpression Parse(string query)
    {
        var parser = new Parser(Lexer.Tokenize(query));
        return parser.Root() ?? throw parser.SyntaxError();
    }

    private Token Current => _tokens[_position];

    private TraceQLParseException SyntaxError()
    {
        var token = _tokens[Math.Min(_furthest, _tokens.Count - 1)];
        return new TraceQLParseException(token.Line, token.Column, $"syntax error: unexpected {token.Describe()}");
    }

    // Notes that the current token could not be taken here; always false, to end a failed production.
    private bool Miss()
    {
        _furthest = Math.Max(_furthest, _position);
        return false;
    }

    private T? Miss<T>(int restore) where T : class
    {
        Miss();
        _position = restore;
        return null;
    }

    private bool Accept(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return Miss();
        }
        _position++;
        return true;
    }

    private bool AcceptWord(string word)
    {
        if (!Current.IsWord(word))
        {
            return Miss();
        }
        _position++;
        return true;
    }

    // ---- root ----

    private RootExpression? Root()
    {
        var start = _position;
        foreach (var alternative in (ReadOnlySpan<Func<RootExpression?>>)[PipelineRoot, SpansetPipelineExpressionRoot, ScalarPipelineFilterRoot])
        {
            _position = start;
            if (alternative() is not { } root)
            {
                continue;
            }
            var hints = new List<Hint>();
            while (Current.IsWord("with"))
            {
                if (Hints() is not { } more)
                {
                    break;
                }
                hints.AddRange(more);
            }
            if (Accept(TokenKind.End))
            {
                return root with { Hints = hints };
            }
        }
        return null;
    }

    private RootExpression? PipelineRoot()
    {
        if (SpansetPipeline() is not { } pipeline)
        {
            return null;
        }
        var beforeMetrics = _position;
        if (Accept(TokenKind.Pipe) && MetricsAggregate() is { } metrics)
        {
            var secondStages = new List<MetricsSecondStage>();
            while (true)
            {
                var before = _position;
                if (Accept(TokenKind.Pipe) && SecondStage() is { } stage)
                {
                    secondStages.Add(stage);
                    continue;
                }
                _position = before;
                break;
            }
            return new RootExpression(pipeline, null, metrics, secondStages, []);
        }
        _position = beforeMetrics;
        return new RootExpression(pipeline, null, null, [], []);
    }

    private RootExpression? SpansetPipelineExpressionRoot() =>
        SpansetOperations(WrappedPipelineOperand, 0) is { } expression
            ? new RootExpression(expression as Pipeline ?? new Pipeline([expression]), null, null, [], [])
            : null;

    private RootExpression? ScalarPipelineFilterRoot()
    {
        var start = _position;
        if (ScalarOperations(WrappedScalarPipelineOperand, 0) is not { } left || ComparisonOperator() is not { } op)
        {
            return Miss<RootExpression>(start);
        }
        var beforeRight = _position;
        var right = ScalarOperations(WrappedScalarPipelineOperand, 0);
        if (right is null)
        {
            _position = beforeRight;
            right = StaticLiteral() is { } value ? new ScalarStatic(value) : null;
        }
        return right is null ? Miss<RootExpression>(start) : new RootExpression(null, new ScalarFilter(op, left, right), null, [], []);
    }

    private List<Hint>? Hints()
    {
        var start = _position;
        if (!AcceptWord("with") || !Accept(TokenKind.OpenParens))
        {
            return Miss<List<Hint>>(start);
        }
        var hints = new List<Hint>();
        do
        {
            var name = Current;
            if (!Accept(TokenKind.Identifier) || !Accept(TokenKind.Eq) || StaticLiteral() is not { } value)
            {
                return Miss<List<Hint>>(start);
            }
            hints.Add(new Hint(name.Text, value));
        }
        while (Current.Kind == TokenKind.Comma && Accept(TokenKind.Comma));
        return Accept(TokenKind.CloseParens) ? hints : Miss<List<Hint>>(start);
    }

    // ---- pipelines ----

    private Pipeline? SpansetPipeline()
    {
        if (PipelineStage(first: true) is not { } first)
        {
            return null;
        }
        var elements = new List<PipelineElement> { first };
        while (true)
        {
            var before = _position;
            if (Accept(TokenKind.Pipe) && PipelineStage(first: false) is { } element)
            {
                elements.Add(element);
                continue;
            }
            _position = before;
            return new Pipeline(elements);
        }
    }

    // A pipeline stage; coalesce() cannot start a pipeline.
    private PipelineElement? PipelineStage(bool first)
    {
        var start = _position;
        if (SpansetOperations(SpansetOperand, 0) is { } spanset)
        {
            return spanset;
        }
        _position = start;
        if (ScalarFilterStage() is { } scalarFilter)
        {
            return scalarFilter;
        }
        _position = start;
        if (Current.IsWord("by"))
        {
            return GroupStage();
        }
        if (Current.IsWord("select"))
        {
            return SelectStage();
        }
        if (!first && Current.IsWord("coalesce"))
        {
            return AcceptWord("coalesce") && Accept(TokenKind.OpenParens) && Accept(TokenKind.CloseParens)
                ? new CoalesceOperation()
                : Miss<PipelineElement>(start);
        }
        return Miss<PipelineElement>(start);
    }

    private PipelineElement? GroupStage()
    {
        var start = _position;
        return AcceptWord("by") && Accept(TokenKind.OpenParens) && Field(0) is { } by && Accept(TokenKind.CloseParens)
            ? new GroupOperation(by)
            : Miss<PipelineElement>(start);
    }

    private PipelineElement? SelectStage()
    {
        var start = _position;
        return AcceptWord("select") && Accept(TokenKind.OpenParens) && FieldList() is { } fields && Accept(TokenKind.CloseParens)
            ? new SelectOperation(fields)
            : Miss<PipelineElement>(start);
    }

    private List<FieldExpression>? FieldList()
    {
        var start = _position;
        var fields = new List<FieldExpression>();
        do
        {
            if (FieldReference() is not { } field)
            {
                return Miss<List<FieldExpression>>(start);
            }
            fields.Add(field);
        }
        while (Current.Kind == TokenKind.Comma && Accept(TokenKind.Comma));
        return fields;
    }

    // ---- spanset expressions: && and || bind looser than the structural operators, all left-associative ----

    private static (SpansetOperator Op, int Level)? SpansetOperatorOf(TokenKind kind) => kind switch
    {
        TokenKind.And => (SpansetOperator.And, 0),
        TokenKind.Or => (SpansetOperator.Union, 0),
        TokenKind.Gt => (SpansetOperator.Child, 1),
        TokenKind.Lt => (SpansetOperator.Parent, 1),
        TokenKind.Desc => (SpansetOperator.Descendant, 1),
        TokenKind.Ance => (SpansetOperator.Ancestor, 1),
        TokenKind.Sibl => (SpansetOperator.Sibling, 1),
        TokenKind.NotChild => (SpansetOperator.NotChild, 1),
        TokenKind.NotParent => (SpansetOperator.NotParent, 1),
        TokenKind.NotDesc => (SpansetOperator.NotDescendant, 1),
        TokenKind.NotAnce => (SpansetOperator.NotAncestor, 1),
        TokenKind.Nre => (SpansetOperator.NotSibling, 1),
        TokenKind.UnionChild => (SpansetOperator.UnionChild, 1),
        TokenKind.UnionParent => (SpansetOperator.UnionParent, 1),
        TokenKind.UnionDesc => (SpansetOperator.UnionDescendant, 1),
        TokenKind.UnionAnce => (SpansetOperator.UnionAncestor, 1),
        TokenKind.UnionSibl => (SpansetOperator.UnionSibling, 1),
        _ => null,
    };

    private SpansetExpression? SpansetOperations(Func<SpansetExpression?> operand, int minLevel)
    {
        if (operand() is not { } left)
        {
            return null;
        }
        while (SpansetOperatorOf(Current.Kind) is { } op && op.Level >= minLevel)
        {
            var before = _position;
            _position++;
            if (SpansetOperations(operand, op.Level + 1) is not { } right)
            {
                _position = before;
                break;
            }
            left = new SpansetOperation(op.Op, left, right);
        }
        return left;
    }

    // { }, { expression }, or a parenthesized spanset expression.
    private SpansetExpression? SpansetOperand()
    {
        var start = _position;
        if (Current.Kind == TokenKind.OpenParens)
        {
            _position++;
            return SpansetOperations(SpansetOperand, 0) is { } inner && Accept(TokenKind.CloseParens) ? inner : Miss<SpansetExpression>(start);
        }
        return SpansetFilter();
    }

    private SpansetFilter? SpansetFilter()
    {
        var start = _position;
        if (!Accept(TokenKind.OpenBrace))
        {
            return null;
        }
        if (Current.Kind == TokenKind.CloseBrace)
        {
            _position++;
            return new SpansetFilter(Static.OfBool(true));
        }
        return Field(0) is { } expression && Accept(TokenKind.CloseBrace) ? new SpansetFilter(expression) : Miss<SpansetFilter>(start);
    }

    // ( pipeline ) or ( spanset pipeline expression ): the operands of operations between whole pipelines.
    private SpansetExpression? WrappedPipelineOperand()
    {
        var start = _position;
        if (!Accept(TokenKind.OpenParens))
        {
            return null;
        }
        if (SpansetPipeline() is { } pipeline && Accept(TokenKind.CloseParens))
        {
            return pipeline;
        }
        _position = start + 1;
        return SpansetOperations(WrappedPipelineOperand, 0) is { } inner && Accept(TokenKind.CloseParens) ? inner : Miss<SpansetExpression>(start);
    }
}
