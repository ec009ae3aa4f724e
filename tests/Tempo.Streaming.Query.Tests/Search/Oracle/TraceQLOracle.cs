using System.Text.RegularExpressions;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>
/// A deliberately simple, brute-force TraceQL evaluator to check the search engine against: every trace is decoded in
/// full, every query stage runs over every span, nothing is pushed down or skipped. It shares no code with the engine;
/// only the parser's syntax tree and its anchored regex compiler are reused.
/// </summary>
/// <remarks>
/// Semantics (Tempo's, per pkg/traceql/ast_execute.go): a query is a pipeline run per trace on one spanset holding all
/// its spans; a filter keeps the spans where its expression is boolean true and drops spansets left empty; spanset
/// &amp;&amp; / || and the structural operators evaluate both sides on the same input spanset; scalar filters aggregate
/// over a spanset; by() splits, coalesce() merges, select() changes nothing. Decisions beyond that:
/// <list type="bullet">
/// <item>Event (link) fields in a filter are bound to one event (link) at a time: a span matches when some event (and
/// some link) makes the whole expression true, so <c>{ event.a = 1 &amp;&amp; event.b = 2 }</c> needs one event with
/// both; a span without events (links) is evaluated once with those fields nil. In by() and aggregates they read the
/// first event (link).</item>
/// <item>Comparisons always yield a boolean (false for nil or mismatched operands); <c>!</c> of a non-boolean is nil
/// (the span does not match); &amp;&amp; / || treat anything but boolean true as false.</item>
/// <item>Arithmetic: two ints give an int (nil on division or modulo by zero, ^ computed correctly), anything else a
/// float; durations are nanoseconds. Aggregates skip non-numeric values like nil; avg of durations truncates.</item>
/// <item>statusMessage and instrumentation name/version are "" (present) when unset; span:parentID is nil on roots;
/// trace:rootName / rootService read the first span without a parent; spans are grouped into traces by trace ID
/// across all input messages; span ID / parent ID relations only (a parent outside the trace ends the ancestry).</item>
/// <item>Not evaluated (NotSupportedException): metrics, scalar pipeline filters, parent. attributes, the parent and
/// nested-set intrinsics, and structural operators over several spansets per trace (Tempo's error).</item>
/// </list>
/// </remarks>
public static class TraceQLOracle
{
    /// <summary>Parses and validates <paramref name="query"/>, then evaluates it over <paramref name="traces"/>.</summary>
    public static OracleResult Search(string query, IEnumerable<Trace> traces) =>
        Search(TraceQLParser.ParseValid(query), OracleDecoder.Decode(traces));

    /// <summary>Parses and validates <paramref name="query"/>, then evaluates it over traces decoded once (<see cref="OracleDecoder.Decode"/>).</summary>
    public static OracleResult Search(string query, IEnumerable<OracleTrace> traces) =>
        Search(TraceQLParser.ParseValid(query), traces);

    /// <summary>Evaluates an already parsed query over decoded traces.</summary>
    public static OracleResult Search(RootExpression query, IEnumerable<OracleTrace> traces)
    {
        var result = new Dictionary<string, IReadOnlyList<OracleSpanset>>(StringComparer.Ordinal);
        foreach (var trace in traces)
        {
            var spansets = Evaluate(query, trace);
            if (spansets.Count > 0)
            {
                result[trace.TraceId] = spansets.Select(OracleSpanset.Of).ToList();
            }
        }
        return new OracleResult(result);
    }

    /// <summary>The spansets <paramref name="query"/> yields for one trace (none when the trace does not match).</summary>
    public static IReadOnlyList<IReadOnlyList<OracleSpan>> Evaluate(RootExpression query, OracleTrace trace)
    {
        if (query.Pipeline is not { } pipeline || query.Metrics is not null || query.ScalarPipelineFilter is not null)
        {
            throw new NotSupportedException("the oracle evaluates spanset pipelines only, not metrics or scalar pipeline filters");
        }
        if (trace.Spans.Count == 0)
        {
            return [];
        }
        var evaluation = new TraceEvaluation(trace);
        return evaluation.Pipeline(pipeline, [trace.Spans]).Where(s => s.Count > 0).ToList();
    }

    /// <summary>One trace's evaluation: the trace's relations and a regex cache.</summary>
    private sealed class TraceEvaluation(OracleTrace trace)
    {
        private readonly Dictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

        // ---------------------------------------------------------------- pipelines and spanset expressions

        public List<IReadOnlyList<OracleSpan>> Pipeline(Pipeline pipeline, List<IReadOnlyList<OracleSpan>> input)
        {
            var current = input;
            foreach (var element in pipeline.Elements)
            {
                current = Element(element, current);
            }
            return current;
        }

        private List<IReadOnlyList<OracleSpan>> Element(PipelineElement element, List<IReadOnlyList<OracleSpan>> input) => element switch
        {
            SpansetFilter filter => Filter(filter, input),
            SpansetOperation operation => Operation(operation, input),
            Pipeline pipeline => Pipeline(pipeline, input),
            ScalarFilter scalar => ScalarFilter(scalar, input),
            GroupOperation group => Group(group, input),
            CoalesceOperation => Coalesce(input),
            SelectOperation => input,
            _ => throw new NotSupportedException($"pipeline element {element.GetType().Name}"),
        };

        private List<IReadOnlyList<OracleSpan>> Filter(SpansetFilter filter, List<IReadOnlyList<OracleSpan>> input)
        {
            var output = new List<IReadOnlyList<OracleSpan>>();
            foreach (var spanset in input)
            {
                var kept = spanset.Where(span => Matches(filter.Expression, span)).ToList();
                if (kept.Count > 0)
                {
                    output.Add(kept);
                }
            }
            return output;
        }

        private List<IReadOnlyList<OracleSpan>> Operation(SpansetOperation operation, List<IReadOnlyList<OracleSpan>> input)
        {
            var output = new List<IReadOnlyList<OracleSpan>>();
            foreach (var spanset in input)
            {
                var lhs = Element(operation.Left, [spanset]);
                var rhs = Element(operation.Right, [spanset]);
                switch (operation.Op)
                {
                    case SpansetOperator.And:
                        if (lhs.Count > 0 && rhs.Count > 0)
                        {
                            Add(output, DistinctUnion(lhs.Concat(rhs).SelectMany(s => s)));
                        }
                        break;
                    case SpansetOperator.Union:
                        if (lhs.Count > 0 || rhs.Count > 0)
                        {
                            Add(output, DistinctUnion(lhs.Concat(rhs).SelectMany(s => s)));
                        }
                        break;
                    default:
                        if (lhs.Count == 0 || rhs.Count == 0)
                        {
                            break;
                        }
                        if (lhs.Count > 1 || rhs.Count > 1)
                        {
                            throw new NotSupportedException(
                                "spanset operators are not supported for multiple spansets per trace. consider using coalesce()");
                        }
                        Add(output, Structural(operation.Op, lhs[0], rhs[0]));
                        break;
                }
            }
            return output;
        }

        private static void Add(List<IReadOnlyList<OracleSpan>> output, IReadOnlyList<OracleSpan> spans)
        {
            if (spans.Count > 0)
            {
                output.Add(spans);
            }
        }

        private static List<OracleSpan> DistinctUnion(IEnumerable<OracleSpan> spans) =>
            spans.Distinct(ReferenceEqualityComparer.Instance).Cast<OracleSpan>().ToList();

        /// <summary>
        /// The structural operators: the B (right) spans for which the relation holds with some A (left) span; with no A
        /// span for the negated forms; plus, for the union forms, the A spans it holds with.
        /// </summary>
        private List<OracleSpan> Structural(SpansetOperator op, IReadOnlyList<OracleSpan> a, IReadOnlyList<OracleSpan> b)
        {
            // holds(bSpan, aSpan): the relation the operator names, read "bSpan is ... of aSpan".
            Func<OracleSpan, OracleSpan, bool> holds = op switch
            {
                SpansetOperator.Child or SpansetOperator.NotChild or SpansetOperator.UnionChild =>
                    (bs, @as) => OracleTrace.IsChildOf(bs, @as),
                SpansetOperator.Parent or SpansetOperator.NotParent or SpansetOperator.UnionParent =>
                    (bs, @as) => OracleTrace.IsChildOf(@as, bs),
                SpansetOperator.Descendant or SpansetOperator.NotDescendant or SpansetOperator.UnionDescendant =>
                    (bs, @as) => trace.IsDescendantOf(bs, @as),
                SpansetOperator.Ancestor or SpansetOperator.NotAncestor or SpansetOperator.UnionAncestor =>
                    (bs, @as) => trace.IsDescendantOf(@as, bs),
                SpansetOperator.Sibling or SpansetOperator.NotSibling or SpansetOperator.UnionSibling =>
                    (bs, @as) => OracleTrace.AreSiblings(bs, @as),
                _ => throw new NotSupportedException($"spanset operator {op}"),
            };
            switch (op)
            {
                case SpansetOperator.Child or SpansetOperator.Parent or SpansetOperator.Descendant
                    or SpansetOperator.Ancestor or SpansetOperator.Sibling:
                    return b.Where(bs => a.Any(@as => holds(bs, @as))).ToList();
                case SpansetOperator.NotChild or SpansetOperator.NotParent or SpansetOperator.NotDescendant
                    or SpansetOperator.NotAncestor or SpansetOperator.NotSibling:
                    return b.Where(bs => !a.Any(@as => holds(bs, @as))).ToList();
                default:
                    var matchedB = b.Where(bs => a.Any(@as => holds(bs, @as))).ToList();
                    var matchedA = a.Where(@as => matchedB.Any(bs => holds(bs, @as)));
                    return DistinctUnion(matchedB.Concat(matchedA));
            }
        }

        private List<IReadOnlyList<OracleSpan>> ScalarFilter(ScalarFilter filter, List<IReadOnlyList<OracleSpan>> input)
        {
            if (filter.Left is not Aggregate aggregate || filter.Right is not ScalarStatic { Value: var literal })
            {
                throw new NotSupportedException("scalar filters other than an aggregate compared with a literal");
            }
            var right = OracleValue.Of(literal);
            var output = new List<IReadOnlyList<OracleSpan>>();
            foreach (var spanset in input)
            {
                if (Aggregate(aggregate, spanset) is { } value && OracleValue.Compare(filter.Op, value, right))
                {
                    output.Add(spanset);
                }
            }
            return output;
        }

        /// <summary>
        /// count() is the number of spans; min/max/sum/avg run over the numeric values of the field (nil and
        /// non-numeric values skipped) and are null when there is none. Ints sum to an int and average to a float;
        /// durations sum to a duration and average to a duration (truncated, as Go divides); a float makes it floats.
        /// </summary>
        private OracleValue? Aggregate(Aggregate aggregate, IReadOnlyList<OracleSpan> spanset)
        {
            if (aggregate.Kind == AggregateKind.Count)
            {
                return OracleValue.Int(spanset.Count);
            }
            var field = aggregate.Field ?? throw new NotSupportedException($"{aggregate.Kind} without a field");
            var values = spanset.Select(span => Value(field, span)).Where(v => v.IsNumeric).ToList();
            if (values.Count == 0)
            {
                return null;
            }
            switch (aggregate.Kind)
            {
                case AggregateKind.Min:
                    return values.Aggregate((min, v) => OracleValue.Compare(Operator.Less, v, min) ? v : min);
                case AggregateKind.Max:
                    return values.Aggregate((max, v) => OracleValue.Compare(Operator.Greater, v, max) ? v : max);
                case AggregateKind.Sum or AggregateKind.Avg:
                    var avg = aggregate.Kind == AggregateKind.Avg;
                    if (values.All(v => v.Type == OracleType.Duration))
                    {
                        var sum = values.Sum(v => v.IntValue);
                        return OracleValue.Duration(avg ? sum / values.Count : sum);
                    }
                    if (values.All(v => v.Type == OracleType.Int))
                    {
                        var sum = values.Sum(v => v.IntValue);
                        return avg ? OracleValue.Float((double)sum / values.Count) : OracleValue.Int(sum);
                    }
                    var total = values.Sum(v => v.AsDouble);
                    return OracleValue.Float(avg ? total / values.Count : total);
                default:
                    throw new NotSupportedException($"aggregate {aggregate.Kind}");
            }
        }

        /// <summary>Each spanset split by the value of the expression, groups in order of first appearance; nil forms no group.</summary>
        private List<IReadOnlyList<OracleSpan>> Group(GroupOperation group, List<IReadOnlyList<OracleSpan>> input)
        {
            var output = new List<IReadOnlyList<OracleSpan>>();
            foreach (var spanset in input)
            {
                var groups = new Dictionary<string, List<OracleSpan>>(StringComparer.Ordinal);
                var order = new List<List<OracleSpan>>();
                foreach (var span in spanset)
                {
                    var value = Value(group.By, span);
                    if (value.IsNil)
                    {
                        continue;
                    }
                    if (!groups.TryGetValue(value.GroupKey, out var members))
                    {
                        groups[value.GroupKey] = members = [];
                        order.Add(members);
                    }
                    members.Add(span);
                }
                output.AddRange(order);
            }
            return output;
        }

        /// <summary>All spansets merged into one (distinct spans); nothing in, nothing out.</summary>
        private static List<IReadOnlyList<OracleSpan>> Coalesce(List<IReadOnlyList<OracleSpan>> input)
        {
            var merged = DistinctUnion(input.SelectMany(s => s));
            return merged.Count > 0 ? [merged] : [];
        }

        // ---------------------------------------------------------------- field expressions

        /// <summary>
        /// A span matches a filter when the expression is boolean true for it. Event and link fields are evaluated one
        /// event (link) at a time: the span matches when some event (and some link) makes the whole expression true;
        /// a span without events (links) is evaluated once with those fields nil.
        /// </summary>
        private bool Matches(FieldExpression expression, OracleSpan span)
        {
            IReadOnlyList<OracleEvent?> events = Uses(expression, AttributeScope.Event) && span.Events.Count > 0
                ? span.Events.Cast<OracleEvent?>().ToList()
                : [null];
            IReadOnlyList<OracleLink?> links = Uses(expression, AttributeScope.Link) && span.Links.Count > 0
                ? span.Links.Cast<OracleLink?>().ToList()
                : [null];
            foreach (var e in events)
            {
                foreach (var l in links)
                {
                    if (Evaluate(expression, new Binding(span, e, l)).IsTrue)
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        /// <summary>The value for a span outside filters (by(), aggregates): event and link fields read the first one.</summary>
        private OracleValue Value(FieldExpression expression, OracleSpan span) =>
            Evaluate(expression, new Binding(span, span.Events.FirstOrDefault(), span.Links.FirstOrDefault()));

        private static bool Uses(FieldExpression expression, AttributeScope scope) => expression switch
        {
            AttributeField attribute => attribute.Scope == scope,
            IntrinsicField { Intrinsic: Intrinsic.EventName or Intrinsic.EventTimeSinceStart } => scope == AttributeScope.Event,
            IntrinsicField { Intrinsic: Intrinsic.LinkTraceId or Intrinsic.LinkSpanId } => scope == AttributeScope.Link,
            UnaryOperation unary => Uses(unary.Operand, scope),
            BinaryOperation binary => Uses(binary.Left, scope) || Uses(binary.Right, scope),
            _ => false,
        };

        private sealed record Binding(OracleSpan Span, OracleEvent? Event, OracleLink? Link);

        private OracleValue Evaluate(FieldExpression expression, Binding binding) => expression switch
        {
            Static literal => OracleValue.Of(literal),
            AttributeField attribute => AttributeValue(attribute, binding),
            IntrinsicField intrinsic => IntrinsicValue(intrinsic.Intrinsic, binding),
            UnaryOperation unary => Unary(unary, binding),
            BinaryOperation binary => Binary(binary, binding),
            _ => throw new NotSupportedException($"field expression {expression.GetType().Name}"),
        };

        private static OracleValue AttributeValue(AttributeField attribute, Binding binding)
        {
            if (attribute.Parent)
            {
                throw new NotSupportedException("parent attributes");
            }
            var span = binding.Span;
            var attributes = attribute.Scope switch
            {
                AttributeScope.None => span.Attributes.ContainsKey(attribute.Name) ? span.Attributes : span.ResourceAttributes,
                AttributeScope.Span => span.Attributes,
                AttributeScope.Resource => span.ResourceAttributes,
                AttributeScope.Event => binding.Event?.Attributes,
                AttributeScope.Link => binding.Link?.Attributes,
                AttributeScope.Instrumentation => span.ScopeAttributes,
                _ => throw new NotSupportedException($"attribute scope {attribute.Scope}"),
            };
            return attributes is not null && attributes.TryGetValue(attribute.Name, out var value) ? value : OracleValue.Nil;
        }

        private OracleValue IntrinsicValue(Intrinsic intrinsic, Binding binding)
        {
            var span = binding.Span;
            return intrinsic switch
            {
                Intrinsic.Duration => OracleValue.Duration(span.DurationNanos),
                Intrinsic.ChildCount => OracleValue.Int(trace.ChildCountOf(span)),
                Intrinsic.Name => OracleValue.String(span.Name),
                Intrinsic.Status => OracleValue.Status(span.Status),
                Intrinsic.StatusMessage => OracleValue.String(span.StatusMessage),
                Intrinsic.Kind => OracleValue.Kind(span.Kind),
                Intrinsic.TraceRootName => trace.Root is { } root ? OracleValue.String(root.Name) : OracleValue.Nil,
                Intrinsic.TraceRootService =>
                    trace.Root?.ResourceAttributes.GetValueOrDefault("service.name") is { Type: OracleType.String } service
                        ? service
                        : OracleValue.Nil,
                Intrinsic.TraceDuration => OracleValue.Duration(trace.DurationNanos),
                Intrinsic.TraceId => OracleValue.String(trace.TraceId),
                Intrinsic.SpanId => OracleValue.String(span.SpanId),
                Intrinsic.ParentId => span.ParentSpanId is { } parent ? OracleValue.String(parent) : OracleValue.Nil,
                Intrinsic.EventName => binding.Event is { } e ? OracleValue.String(e.Name) : OracleValue.Nil,
                Intrinsic.EventTimeSinceStart => binding.Event is { } e
                    ? OracleValue.Duration((long)e.TimeUnixNano - (long)span.StartUnixNano)
                    : OracleValue.Nil,
                Intrinsic.LinkTraceId => binding.Link is { } l ? OracleValue.String(l.TraceId) : OracleValue.Nil,
                Intrinsic.LinkSpanId => binding.Link is { } l ? OracleValue.String(l.SpanId) : OracleValue.Nil,
                Intrinsic.InstrumentationName => OracleValue.String(span.ScopeName),
                Intrinsic.InstrumentationVersion => OracleValue.String(span.ScopeVersion),
                _ => throw new NotSupportedException($"intrinsic {intrinsic}"),
            };
        }

        private OracleValue Unary(UnaryOperation unary, Binding binding)
        {
            var operand = Evaluate(unary.Operand, binding);
            return unary.Op switch
            {
                Operator.Not => operand.Type == OracleType.Bool ? OracleValue.Bool(!operand.BoolValue) : OracleValue.Nil,
                Operator.Negate => operand.Type switch
                {
                    OracleType.Int => OracleValue.Int(-operand.IntValue),
                    OracleType.Duration => OracleValue.Duration(-operand.IntValue),
                    OracleType.Float => OracleValue.Float(-operand.FloatValue),
                    _ => OracleValue.Nil,
                },
                _ => throw new NotSupportedException($"unary operator {unary.Op}"),
            };
        }

        private OracleValue Binary(BinaryOperation binary, Binding binding)
        {
            var op = binary.Op;
            // "x = nil" asks whether x is absent, "x != nil" whether it is present.
            if (op is Operator.Equal or Operator.NotEqual
                && (binary.Left is Static { Type: StaticType.Nil } || binary.Right is Static { Type: StaticType.Nil }))
            {
                var other = binary.Left is Static { Type: StaticType.Nil } ? binary.Right : binary.Left;
                var absent = Evaluate(other, binding).IsNil;
                return OracleValue.Bool(op == Operator.Equal ? absent : !absent);
            }

            var left = Evaluate(binary.Left, binding);
            var right = Evaluate(binary.Right, binding);
            switch (op)
            {
                case Operator.And:
                    return OracleValue.Bool(left.IsTrue && right.IsTrue);
                case Operator.Or:
                    return OracleValue.Bool(left.IsTrue || right.IsTrue);
                case Operator.Equal or Operator.NotEqual or Operator.Less or Operator.LessEqual
                    or Operator.Greater or Operator.GreaterEqual:
                    return OracleValue.Bool(OracleValue.Compare(op, left, right));
                case Operator.Regex or Operator.NotRegex:
                    if (left.Type != OracleType.String || right.Type != OracleType.String)
                    {
                        return OracleValue.False;
                    }
                    var matched = RegexFor(right.StringValue).IsMatch(left.StringValue);
                    return OracleValue.Bool(op == Operator.Regex ? matched : !matched);
                default:
                    return Arithmetic(op, left, right);
            }
        }

        private Regex RegexFor(string pattern)
        {
            if (!_regexes.TryGetValue(pattern, out var regex))
            {
                _regexes[pattern] = regex = TraceQLRegex.Compile(pattern);
            }
            return regex;
        }

        /// <summary>Arithmetic on numbers: two ints give an int (nil on division by zero), anything else a float.</summary>
        private static OracleValue Arithmetic(Operator op, OracleValue left, OracleValue right)
        {
            if (!left.IsNumeric || !right.IsNumeric)
            {
                return OracleValue.Nil;
            }
            if (left.Type == OracleType.Int && right.Type == OracleType.Int)
            {
                var (l, r) = (left.IntValue, right.IntValue);
                return op switch
                {
                    Operator.Add => OracleValue.Int(l + r),
                    Operator.Sub => OracleValue.Int(l - r),
                    Operator.Mul => OracleValue.Int(l * r),
                    Operator.Div => r == 0 ? OracleValue.Nil : OracleValue.Int(l / r),
                    Operator.Mod => r == 0 ? OracleValue.Nil : OracleValue.Int(l % r),
                    Operator.Pow => r >= 0 ? OracleValue.Int(IntPow(l, r)) : OracleValue.Float(Math.Pow(l, r)),
                    _ => throw new NotSupportedException($"operator {op}"),
                };
            }
            var (x, y) = (left.AsDouble, right.AsDouble);
            return op switch
            {
                Operator.Add => OracleValue.Float(x + y),
                Operator.Sub => OracleValue.Float(x - y),
                Operator.Mul => OracleValue.Float(x * y),
                Operator.Div => OracleValue.Float(x / y),
                Operator.Mod => OracleValue.Float(x % y),
                Operator.Pow => OracleValue.Float(Math.Pow(x, y)),
                _ => throw new NotSupportedException($"operator {op}"),
            };
        }

        private static long IntPow(long value, long exponent)
        {
            long result = 1;
            for (var i = 0L; i < exponent; i++)
            {
                result *= value;
            }
            return result;
        }
    }
}
