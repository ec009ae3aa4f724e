using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>
/// Runs a spanset pipeline over one trace (Tempo's <c>evaluate</c>): the input is one spanset of every span; filters
/// keep matching spans and drop emptied spansets; <c>&amp;&amp;</c>/<c>||</c> between spansets join both sides'
/// spans when both / either matched; structural operators relate the sides through the span tree and return the
/// right-hand side's spans (the union forms both sides'); an operation whose side matched nothing yields nothing,
/// negated forms included; scalar filters aggregate each spanset; <c>by()</c> splits, <c>coalesce()</c> merges.
/// </summary>
internal sealed class PipelineEvaluator(FieldEvaluator fields)
{
    public List<Spanset> Evaluate(Pipeline pipeline, EvalTrace trace)
    {
        if (trace.Spans.Count == 0)
        {
            return [];
        }
        return Pipeline(pipeline, [Spanset.Of(trace.Spans)]);
    }

    private List<Spanset> Pipeline(Pipeline pipeline, List<Spanset> input)
    {
        var current = input;
        foreach (var element in pipeline.Elements)
        {
            if (current.Count == 0)
            {
                break;
            }
            current = Element(element, current);
        }
        return current;
    }

    private List<Spanset> Element(PipelineElement element, List<Spanset> input) => element switch
    {
        SpansetFilter filter => Filter(filter, input),
        SpansetOperation operation => Operation(operation, input),
        Pipeline pipeline => Pipeline(pipeline, input),
        ScalarFilter scalar => ScalarFilter(scalar, input),
        GroupOperation group => Group(group, input),
        CoalesceOperation => Coalesce(input),
        SelectOperation => input,
        _ => throw new TraceQLUnsupportedException($"pipeline stage {element.GetType().Name}"),
    };

    private List<Spanset> Filter(SpansetFilter filter, List<Spanset> input)
    {
        var use = FieldUse.Of(filter.Expression);
        var output = new List<Spanset>(input.Count);
        foreach (var spanset in input)
        {
            List<EvalSpan>? kept = null;
            foreach (var span in spanset.Spans)
            {
                if (fields.Matches(filter.Expression, span, use))
                {
                    (kept ??= []).Add(span);
                }
            }
            if (kept is not null)
            {
                output.Add(spanset.With(kept));
            }
        }
        return output;
    }

    private List<Spanset> Operation(SpansetOperation operation, List<Spanset> input)
    {
        var output = new List<Spanset>();
        foreach (var spanset in input)
        {
            var left = Element(operation.Left, [spanset]);
            var right = Element(operation.Right, [spanset]);
            List<EvalSpan> matched;
            switch (operation.Op)
            {
                case SpansetOperator.And when left.Count > 0 && right.Count > 0:
                case SpansetOperator.Union when left.Count > 0 || right.Count > 0:
                    matched = Distinct(left, right);
                    break;
                case SpansetOperator.And or SpansetOperator.Union:
                    continue;
                default:
                    if (left.Count == 0 || right.Count == 0)
                    {
                        continue;
                    }
                    matched = Structural.Relate(operation.Op, Distinct(left, []), Distinct(right, []));
                    break;
            }
            if (matched.Count > 0)
            {
                output.Add(spanset.With(matched));
            }
        }
        return output;
    }

    /// <summary>Every span of the spansets once, in trace order.</summary>
    private static List<EvalSpan> Distinct(List<Spanset> a, List<Spanset> b)
    {
        var seen = new HashSet<int>();
        var spans = new List<EvalSpan>();
        foreach (var spanset in a.Concat(b))
        {
            foreach (var span in spanset.Spans)
            {
                if (seen.Add(span.Index))
                {
                    spans.Add(span);
                }
            }
        }
        spans.Sort(static (x, y) => x.Index.CompareTo(y.Index));
        return spans;
    }

    private List<Spanset> ScalarFilter(ScalarFilter filter, List<Spanset> input)
    {
        if (filter.Left is not Aggregate aggregate || filter.Right is not ScalarStatic threshold)
        {
            throw new TraceQLUnsupportedException("scalar filters other than aggregate op number are not yet supported");
        }

        var name = QueryText.Aggregate(aggregate);
        var output = new List<Spanset>();
        foreach (var spanset in input)
        {
            var value = Aggregate(aggregate, spanset);
            if (value.Type == StaticType.Nil)
            {
                continue; // every value nil: Tempo drops the spanset
            }
            if (FieldEvaluator.Compare(filter.Op, value, threshold.Value))
            {
                var copy = spanset.With(spanset.Spans);
                copy.Scalar = value;
                copy.Attributes.Add(new KeyValuePair<string, Static>(name, value));
                output.Add(copy);
            }
        }
        return output;
    }

    private Static Aggregate(Aggregate aggregate, Spanset spanset)
    {
        if (aggregate.Kind == AggregateKind.Count)
        {
            return Static.OfInt(spanset.Spans.Count);
        }

        Static? best = null;
        double sum = 0;
        var count = 0;
        var allInts = true;
        foreach (var span in spanset.Spans)
        {
            var value = fields.Value(aggregate.Field!, span);
            if (!FieldEvaluator.IsNumber(value.Type))
            {
                continue;
            }
            count++;
            sum += value.AsNumber();
            allInts &= value.Type != StaticType.Float;
            if (best is null
                || (aggregate.Kind == AggregateKind.Max && FieldEvaluator.Compare(Operator.Greater, value, best))
                || (aggregate.Kind == AggregateKind.Min && FieldEvaluator.Compare(Operator.Less, value, best)))
            {
                best = value;
            }
        }

        if (count == 0)
        {
            return Static.Nil;
        }
        return aggregate.Kind switch
        {
            AggregateKind.Max or AggregateKind.Min => best!,
            AggregateKind.Sum when allInts && best!.Type == StaticType.Duration => Static.OfDuration((long)sum),
            AggregateKind.Sum when allInts => Static.OfInt((long)sum),
            AggregateKind.Sum => Static.OfFloat(sum),
            _ when best!.Type == StaticType.Duration && allInts => Static.OfDuration((long)(sum / count)),
            _ => Static.OfFloat(sum / count),
        };
    }

    private List<Spanset> Group(GroupOperation group, List<Spanset> input)
    {
        var name = "by(" + QueryText.Field(group.By) + ")";
        var output = new List<Spanset>();
        foreach (var spanset in input)
        {
            var groups = new Dictionary<Static, List<EvalSpan>>();
            var order = new List<Static>();
            foreach (var span in spanset.Spans)
            {
                var value = fields.Value(group.By, span);
                if (value.Type == StaticType.Nil)
                {
                    continue;
                }
                if (!groups.TryGetValue(value, out var spans))
                {
                    groups.Add(value, spans = []);
                    order.Add(value);
                }
                spans.Add(span);
            }
            foreach (var value in order)
            {
                var copy = spanset.With(groups[value]);
                copy.Attributes.Add(new KeyValuePair<string, Static>(name, value));
                output.Add(copy);
            }
        }
        return output;
    }

    private static List<Spanset> Coalesce(List<Spanset> input) => [Spanset.Of(Distinct(input, []))];
}
