using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Validation;

/// <summary>
/// Checks what a parsed query means, as Tempo's validation does: operand types, regexes, references to the span where an
/// expression needs one, metrics arguments. A validation error is thrown at once; constructs not evaluated yet are
/// noted and reported only when nothing else is wrong, so a query that is invalid anyway reads as invalid.
/// </summary>
internal sealed class Validator
{
    private string? _unsupported;

    public static void Validate(RootExpression root)
    {
        var validator = new Validator();
        validator.Root(root);
        if (validator._unsupported is { } construct)
        {
            throw new TraceQLUnsupportedException(construct);
        }
    }

    private void Unsupported(string construct) => _unsupported ??= construct;

    private static TraceQLValidationException Invalid(string message) => new(message);

    private void Root(RootExpression root)
    {
        if (root.Pipeline is { } pipeline)
        {
            Pipeline(pipeline);
        }
        if (root.ScalarPipelineFilter is { } filter)
        {
            ScalarExpression(filter.Left);
            ScalarExpression(filter.Right);
            Unsupported("scalar filters between pipelines");
        }
        if (root.Metrics is { } metrics)
        {
            Metrics(metrics, root.SecondStages);
        }
    }

    private void Pipeline(Pipeline pipeline)
    {
        foreach (var element in pipeline.Elements)
        {
            switch (element)
            {
                case SpansetExpression spanset:
                    Spanset(spanset);
                    break;
                case ScalarFilter filter:
                    ScalarFilter(filter);
                    break;
                case GroupOperation group:
                    Field(group.By);
                    if (!ReferencesSpan(group.By))
                    {
                        throw Invalid("by() must group by an expression of the span's fields, not a constant");
                    }
                    break;
                case SelectOperation select:
                    foreach (var field in select.Fields)
                    {
                        Field(field);
                    }
                    break;
                case CoalesceOperation:
                    break;
            }
        }
    }

    private void Spanset(SpansetExpression expression)
    {
        switch (expression)
        {
            case SpansetFilter filter:
                if (Field(filter.Expression) is not (StaticType.Boolean or StaticType.Attribute) and var type)
                {
                    throw Invalid($"a spanset filter must evaluate to a boolean, this one is {Describe(type)}");
                }
                break;
            case SpansetOperation operation:
                Spanset(operation.Left);
                Spanset(operation.Right);
                break;
            case Pipeline pipeline:
                Pipeline(pipeline);
                break;
        }
    }

    private void ScalarFilter(ScalarFilter filter)
    {
        ScalarExpression(filter.Left);
        ScalarExpression(filter.Right);
        // Tempo evaluates an aggregate compared with a literal; anything richer parses but waits.
        if (filter.Left is not Aggregate || filter.Right is not ScalarStatic)
        {
            Unsupported("scalar filters other than an aggregate compared with a literal");
        }
    }

    private void ScalarExpression(ScalarExpression expression)
    {
        switch (expression)
        {
            case Aggregate { Field: { } field } aggregate:
                var type = Field(field);
                if (!IsNumeric(type) && type != StaticType.Attribute)
                {
                    throw Invalid($"{aggregate.Kind.ToString().ToLowerInvariant()}() needs a number, its argument is {Describe(type)}");
                }
                if (!ReferencesSpan(field))
                {
                    throw Invalid($"{aggregate.Kind.ToString().ToLowerInvariant()}() must aggregate an expression of the span's fields, not a constant");
                }
                break;
            case ScalarOperation operation:
                ScalarExpression(operation.Left);
                ScalarExpression(operation.Right);
                break;
            case ScalarPipeline scalarPipeline:
                Pipeline(scalarPipeline.Pipeline);
                ScalarExpression(scalarPipeline.Aggregate);
                break;
        }
    }

    private void Metrics(MetricsAggregate metrics, IReadOnlyList<MetricsSecondStage> secondStages)
    {
        if (metrics.Field is { } field)
        {
            Field(field);
        }
        foreach (var by in metrics.By)
        {
            Field(by);
        }
        foreach (var quantile in metrics.Quantiles)
        {
            if (quantile is < 0 or > 1)
            {
                throw Invalid($"quantile_over_time() quantiles must be between 0 and 1, got {quantile}");
            }
        }
        if (metrics.Function == MetricsFunction.Compare)
        {
            Spanset(metrics.CompareFilter!);
            if (secondStages.Count > 0 || metrics.Filter is not null)
            {
                throw Invalid("compare() cannot be followed by topk(), bottomk() or a filter");
            }
            if (metrics.CompareArguments is [var topN, ..] && topN <= 0)
            {
                throw Invalid($"compare() needs a positive number of top values, got {topN}");
            }
        }
        foreach (var stage in secondStages)
        {
            if (stage.Limit <= 0)
            {
                throw Invalid($"{(stage.Top ? "topk" : "bottomk")}() needs a limit above 0, got {stage.Limit}");
            }
        }
    }

    /// <summary>The type of a field expression, checking every operation's operands on the way.</summary>
    private StaticType Field(FieldExpression expression)
    {
        switch (expression)
        {
            case Static value:
                return value.Type;
            case AttributeField attribute:
                if (attribute.Parent)
                {
                    Unsupported("parent attributes");
                }
                return StaticType.Attribute;
            case IntrinsicField intrinsic:
                if (intrinsic.Intrinsic == Intrinsic.Parent)
                {
                    Unsupported("the parent intrinsic");
                }
                return TypeOf(intrinsic.Intrinsic);
            case UnaryOperation unary:
                var operand = Field(unary.Operand);
                if (unary.Op == Operator.Negate)
                {
                    return IsNumeric(operand) || operand == StaticType.Attribute
                        ? operand
                        : throw Invalid($"unary - needs a number, its operand is {Describe(operand)}");
                }
                return operand is StaticType.Boolean or StaticType.Attribute
                    ? StaticType.Boolean
                    : throw Invalid($"unary ! needs a boolean, its operand is {Describe(operand)}");
            case BinaryOperation binary:
                return Binary(binary);
            default:
                throw new InvalidOperationException($"unknown field expression {expression.GetType().Name}");
        }
    }

    private StaticType Binary(BinaryOperation binary)
    {
        var left = Field(binary.Left);
        var right = Field(binary.Right);
        var symbol = Symbol(binary.Op);
        switch (binary.Op)
        {
            case Operator.Add or Operator.Sub or Operator.Mul or Operator.Div or Operator.Mod or Operator.Pow:
                foreach (var side in (ReadOnlySpan<StaticType>)[left, right])
                {
                    if (!IsNumeric(side) && side != StaticType.Attribute)
                    {
                        throw Invalid($"operator {symbol} needs numbers, one operand is {Describe(side)}");
                    }
                }
                return left == StaticType.Attribute && right == StaticType.Attribute ? StaticType.Attribute
                    : left == StaticType.Float || right == StaticType.Float ? StaticType.Float
                    : left == StaticType.Attribute ? right : left;

            case Operator.And or Operator.Or:
                foreach (var side in (ReadOnlySpan<StaticType>)[left, right])
                {
                    if (side is not (StaticType.Boolean or StaticType.Attribute))
                    {
                        throw Invalid($"operator {symbol} needs booleans, one operand is {Describe(side)}");
                    }
                }
                return StaticType.Boolean;

            case Operator.Regex or Operator.NotRegex:
                foreach (var side in (ReadOnlySpan<StaticType>)[left, right])
                {
                    if (side is not (StaticType.String or StaticType.Attribute))
                    {
                        throw Invalid($"operator {symbol} needs strings, one operand is {Describe(side)}");
                    }
                }
                if (binary.Right is Static { Type: StaticType.String } pattern)
                {
                    TraceQLRegex.Compile(pattern.String);
                }
                return StaticType.Boolean;

            case Operator.Equal or Operator.NotEqual when left == StaticType.Nil || right == StaticType.Nil:
                // "x != nil" asks whether x exists; "x = nil" whether it does not, which intrinsics and the service
                // name (always present) cannot answer.
                var other = left == StaticType.Nil ? binary.Right : binary.Left;
                if (binary.Op == Operator.Equal && other is IntrinsicField or AttributeField { Scope: AttributeScope.Resource, Name: "service.name" })
                {
                    throw Invalid($"{Describe(other)} is always present and cannot be compared with nil");
                }
                if (other is not (Static or AttributeField or IntrinsicField))
                {
                    throw Invalid("only a field can be compared with nil");
                }
                return StaticType.Boolean;

            default: // = != < <= > >=
                if (!Comparable(left, right))
                {
                    throw Invalid($"operator {symbol} cannot compare {Describe(left)} with {Describe(right)}");
                }
                if (binary.Op is not (Operator.Equal or Operator.NotEqual))
                {
                    foreach (var side in (ReadOnlySpan<StaticType>)[left, right])
                    {
                        if (side is StaticType.Status or StaticType.Kind or StaticType.Boolean or StaticType.Nil)
                        {
                            throw Invalid($"operator {symbol} cannot order {Describe(side)} values");
                        }
                    }
                }
                return StaticType.Boolean;
        }
    }

    private static bool Comparable(StaticType left, StaticType right) =>
        left == StaticType.Attribute || right == StaticType.Attribute || left == right || (IsNumeric(left) && IsNumeric(right));

    private static bool IsNumeric(StaticType type) => type is StaticType.Int or StaticType.Float or StaticType.Duration;

    private static bool ReferencesSpan(FieldExpression expression) => expression switch
    {
        AttributeField or IntrinsicField => true,
        UnaryOperation unary => ReferencesSpan(unary.Operand),
        BinaryOperation binary => ReferencesSpan(binary.Left) || ReferencesSpan(binary.Right),
        _ => false,
    };

    internal static StaticType TypeOf(Intrinsic intrinsic) => intrinsic switch
    {
        Intrinsic.Duration or Intrinsic.TraceDuration or Intrinsic.EventTimeSinceStart => StaticType.Duration,
        Intrinsic.ChildCount or Intrinsic.NestedSetLeft or Intrinsic.NestedSetRight or Intrinsic.NestedSetParent => StaticType.Int,
        Intrinsic.Status => StaticType.Status,
        Intrinsic.Kind => StaticType.Kind,
        Intrinsic.Parent => StaticType.Attribute,
        _ => StaticType.String,
    };

    private static string Describe(StaticType type) => type switch
    {
        StaticType.Nil => "nil",
        StaticType.Attribute => "an attribute",
        StaticType.Int => "an integer",
        _ => "a " + type.ToString().ToLowerInvariant(),
    };

    private static string Describe(FieldExpression field) => field switch
    {
        IntrinsicField intrinsic => $"intrinsic {intrinsic.Intrinsic}",
        AttributeField attribute => attribute.ToString(),
        _ => field.ToString() ?? "",
    };

    private static string Symbol(Operator op) => op switch
    {
        Operator.Add => "+", Operator.Sub => "-", Operator.Mul => "*", Operator.Div => "/", Operator.Mod => "%", Operator.Pow => "^",
        Operator.Equal => "=", Operator.NotEqual => "!=", Operator.Less => "<", Operator.LessEqual => "<=",
        Operator.Greater => ">", Operator.GreaterEqual => ">=", Operator.Regex => "=~", Operator.NotRegex => "!~",
        Operator.And => "&&", Operator.Or => "||", Operator.Not => "!", _ => "-",
    };
}
