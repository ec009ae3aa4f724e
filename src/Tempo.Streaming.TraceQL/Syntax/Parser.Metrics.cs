using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Syntax;

internal sealed partial class Parser
{
    private MetricsAggregate? MetricsAggregate()
    {
        var start = _position;
        MetricsFunction? function = Current.Kind != TokenKind.Keyword ? null : Current.Text switch
        {
            "rate" => MetricsFunction.Rate,
            "count_over_time" => MetricsFunction.CountOverTime,
            "min_over_time" => MetricsFunction.MinOverTime,
            "max_over_time" => MetricsFunction.MaxOverTime,
            "avg_over_time" => MetricsFunction.AvgOverTime,
            "sum_over_time" => MetricsFunction.SumOverTime,
            "quantile_over_time" => MetricsFunction.QuantileOverTime,
            "histogram_over_time" => MetricsFunction.HistogramOverTime,
            "compare" => MetricsFunction.Compare,
            _ => null,
        };
        if (function is null)
        {
            return Miss<MetricsAggregate>(start);
        }
        _position++;
        if (!Accept(TokenKind.OpenParens))
        {
            return Miss<MetricsAggregate>(start);
        }

        FieldExpression? field = null;
        var quantiles = new List<double>();
        SpansetFilter? compareFilter = null;
        var compareArguments = new List<long>();
        switch (function)
        {
            case MetricsFunction.Rate or MetricsFunction.CountOverTime:
                break;
            case MetricsFunction.Compare:
                if ((compareFilter = SpansetFilter()) is null)
                {
                    return Miss<MetricsAggregate>(start);
                }
                // compare({...}), compare({...}, topN) or compare({...}, topN, start, end)
                while (Current.Kind == TokenKind.Comma && compareArguments.Count < 3)
                {
                    _position++;
                    if (Current.Kind != TokenKind.Integer)
                    {
                        return Miss<MetricsAggregate>(start);
                    }
                    compareArguments.Add(Current.IntegerValue);
                    _position++;
                }
                if (compareArguments.Count == 2)
                {
                    Accept(TokenKind.Comma);
                    return Miss<MetricsAggregate>(start);
                }
                break;
            default:
                if ((field = FieldReference()) is null)
                {
                    return Miss<MetricsAggregate>(start);
                }
                if (function == MetricsFunction.QuantileOverTime)
                {
                    do
                    {
                        if (!Accept(TokenKind.Comma) || NumberLiteral(negate: false) is not { Type: StaticType.Int or StaticType.Float } quantile)
                        {
                            return Miss<MetricsAggregate>(start);
                        }
                        quantiles.Add(quantile.AsNumber());
                    }
                    while (Current.Kind == TokenKind.Comma);
                }
                break;
        }
        if (!Accept(TokenKind.CloseParens))
        {
            return Miss<MetricsAggregate>(start);
        }

        var by = new List<FieldExpression>();
        if (function != MetricsFunction.Compare && Current.IsWord("by"))
        {
            _position++;
            if (!Accept(TokenKind.OpenParens) || FieldList() is not { } fields || !Accept(TokenKind.CloseParens))
            {
                return Miss<MetricsAggregate>(start);
            }
            by = fields;
        }
        return new MetricsAggregate(function.Value, field, quantiles, by, compareFilter, compareArguments, MetricsFilterClause());
    }

    private MetricsSecondStage? SecondStage()
    {
        var start = _position;
        var top = Current.IsWord("topk");
        if (!top && !Current.IsWord("bottomk"))
        {
            return Miss<MetricsSecondStage>(start);
        }
        _position++;
        if (!Accept(TokenKind.OpenParens) || Current.Kind != TokenKind.Integer)
        {
            Miss();
            return Miss<MetricsSecondStage>(start);
        }
        var limit = Current.IntegerValue;
        _position++;
        return Accept(TokenKind.CloseParens) ? new MetricsSecondStage(top, limit, MetricsFilterClause()) : Miss<MetricsSecondStage>(start);
    }

    // An optional "op number" after a metrics stage; absent (position restored) when not complete.
    private MetricsFilter? MetricsFilterClause()
    {
        var start = _position;
        if (ComparisonOperator() is not { } op)
        {
            _position = start;
            return null;
        }
        var negate = Current.Kind == TokenKind.Sub;
        if (negate)
        {
            _position++;
        }
        if (NumberLiteral(negate) is not { } value)
        {
            _position = start;
            return null;
        }
        return new MetricsFilter(op, value.AsNumber());
    }
}
