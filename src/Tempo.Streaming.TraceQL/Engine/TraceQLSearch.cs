using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>
/// A search query ready to run against any store: the <see cref="Condition"/> a store pushes down to skip traces
/// cheaply, the exact evaluation of a candidate trace (<see cref="Evaluate"/>), and what the results show (the fields
/// the query reads, to list on each matched span). Immutable and thread-safe: one instance serves every block and
/// the live store concurrently.
/// </summary>
public sealed class TraceQLSearch
{
    private readonly FieldEvaluator _fields = new();
    private readonly PipelineEvaluator _pipeline;
    private readonly Pipeline _query;

    private TraceQLSearch(RootExpression root, Pipeline pipeline)
    {
        Root = root;
        _query = pipeline;
        _pipeline = new PipelineEvaluator(_fields);
        Condition = TraceCondition.For(root);
        MostRecent = root.FindHint("most_recent") is { Type: StaticType.Boolean, Bool: true };
        ShownFields = CollectShownFields(pipeline);
    }

    /// <summary>A checked query (<see cref="TraceQLParser.ParseValid"/>) as a search.</summary>
    /// <exception cref="TraceQLUnsupportedException">A metrics query, or a filter over scalar pipelines.</exception>
    public static TraceQLSearch Compile(RootExpression root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.Metrics is not null)
        {
            throw new TraceQLUnsupportedException("metrics queries on the search API");
        }
        if (root.Pipeline is not { } pipeline || root.ScalarPipelineFilter is not null)
        {
            throw new TraceQLUnsupportedException("filters over scalar pipelines");
        }
        return new TraceQLSearch(root, pipeline);
    }

    public RootExpression Root { get; }

    /// <summary>What a trace must contain to be worth evaluating.</summary>
    public TraceCondition Condition { get; }

    /// <summary>The <c>with(most_recent=true)</c> hint.</summary>
    public bool MostRecent { get; }

    /// <summary>The attributes and span intrinsics the query reads (conditions, by, select), shown on matched spans.</summary>
    public IReadOnlyList<FieldExpression> ShownFields { get; }

    /// <summary>The spansets the query yields on <paramref name="trace"/>; empty when it does not match.</summary>
    public IReadOnlyList<Spanset> Evaluate(EvalTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return _pipeline.Evaluate(_query, trace);
    }

    /// <summary>The value of a shown field on a span, or nil.</summary>
    public Static ValueOf(FieldExpression field, EvalSpan span) => _fields.Value(field, span);

    private static List<FieldExpression> CollectShownFields(Pipeline pipeline)
    {
        var fields = new List<FieldExpression>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        WalkPipeline(pipeline);
        return fields;

        void WalkPipeline(Pipeline p)
        {
            foreach (var element in p.Elements)
            {
                switch (element)
                {
                    case SpansetFilter f: WalkField(f.Expression); break;
                    case SpansetOperation o: WalkSpanset(o); break;
                    case Pipeline nested: WalkPipeline(nested); break;
                    case GroupOperation g: WalkField(g.By); break;
                    case SelectOperation s: s.Fields.ToList().ForEach(WalkField); break;
                }
            }
        }

        void WalkSpanset(SpansetExpression e)
        {
            switch (e)
            {
                case SpansetFilter f: WalkField(f.Expression); break;
                case SpansetOperation o: WalkSpanset(o.Left); WalkSpanset(o.Right); break;
                case Pipeline p: WalkPipeline(p); break;
            }
        }

        void WalkField(FieldExpression e)
        {
            switch (e)
            {
                case AttributeField { Parent: false, Scope: not (AttributeScope.Event or AttributeScope.Link) } a:
                    Add(a);
                    break;
                case IntrinsicField { Intrinsic: Intrinsic.Status or Intrinsic.StatusMessage or Intrinsic.Kind
                    or Intrinsic.InstrumentationName or Intrinsic.InstrumentationVersion or Intrinsic.ChildCount } i:
                    Add(i);
                    break;
                case UnaryOperation u:
                    WalkField(u.Operand);
                    break;
                case BinaryOperation b:
                    WalkField(b.Left);
                    WalkField(b.Right);
                    break;
            }
        }

        void Add(FieldExpression e)
        {
            if (seen.Add(QueryText.Field(e)))
            {
                fields.Add(e);
            }
        }
    }
}
