namespace Tempo.Streaming.TraceQL.Ast;

/// <summary>The first stage of a metrics query (issue 8 evaluates it; the parser and validator know it now).</summary>
public enum MetricsFunction
{
    Rate, CountOverTime, MinOverTime, MaxOverTime, AvgOverTime, SumOverTime, QuantileOverTime, HistogramOverTime, Compare,
}

/// <summary><c>op value</c> after a metrics stage: keeps the series points for which it holds.</summary>
public sealed record MetricsFilter(Operator Op, double Value);

/// <summary>
/// <c>| rate() by (a, b)</c> and the other first stages. <see cref="Field"/> is the measured attribute (over-time
/// functions), <see cref="Quantiles"/> quantile_over_time's, <see cref="CompareFilter"/> and
/// <see cref="CompareArguments"/> compare()'s selection and its top-N and window arguments.
/// </summary>
public sealed record MetricsAggregate(
    MetricsFunction Function,
    FieldExpression? Field,
    IReadOnlyList<double> Quantiles,
    IReadOnlyList<FieldExpression> By,
    SpansetFilter? CompareFilter,
    IReadOnlyList<long> CompareArguments,
    MetricsFilter? Filter);

/// <summary><c>| topk(n)</c> or <c>| bottomk(n)</c>, optionally filtered.</summary>
public sealed record MetricsSecondStage(bool Top, long Limit, MetricsFilter? Filter);

/// <summary>A <c>with(name = value)</c> hint.</summary>
public sealed record Hint(string Name, Static Value);

/// <summary>
/// A parsed query: a spanset <see cref="Pipeline"/> (optionally followed by metrics stages), or a filter over scalar
/// pipelines (<see cref="ScalarPipelineFilter"/>, which Tempo parses but does not evaluate).
/// </summary>
public sealed record RootExpression(
    Pipeline? Pipeline,
    ScalarFilter? ScalarPipelineFilter,
    MetricsAggregate? Metrics,
    IReadOnlyList<MetricsSecondStage> SecondStages,
    IReadOnlyList<Hint> Hints)
{
    /// <summary>The value of hint <paramref name="name"/>, the last one given wins; null when absent.</summary>
    public Static? FindHint(string name) => Hints.LastOrDefault(h => h.Name == name)?.Value;
}
