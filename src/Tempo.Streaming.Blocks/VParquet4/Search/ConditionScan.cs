using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet;
using Tempo.Streaming.Parquet.Scanning;
using Tempo.Streaming.TraceQL.Ast;
using Tempo.Streaming.TraceQL.Engine;

namespace Tempo.Streaming.Blocks.VParquet4.Search;

/// <summary>
/// Turns a <see cref="TraceCondition"/> into a scan of a vParquet4 file that yields the rows (traces) that may match:
/// each leaf reads only the columns its field can be stored in — the generic attribute lists (key and typed value
/// joined on the attribute element), the well-known columns (<c>service.name</c>, <c>http.status_code</c>, ...), the
/// block's dedicated columns, the intrinsic columns — with its comparison pushed down to row-group statistics, the
/// page index and dictionaries (<see cref="ColumnIterator"/>); AND joins the leaves on the row, OR unites them.
/// Conservative by construction: a leaf the file layout cannot answer becomes "every row", never "no row"; the
/// evaluator decides exactly on what is left.
/// </summary>
internal static class ConditionScan
{
    /// <summary>The candidate rows as positions at depth 0; null when every row is a candidate.</summary>
    public static IScanIterator? Build(ParquetFileReader file, TraceCondition condition, IReadOnlyList<DedicatedColumn> dedicated, ScanStatistics statistics)
    {
        var context = new Context(file, dedicated, statistics);
        return Rows(context, condition) switch
        {
            { IsAll: true } => null,
            var scan => scan.Iterator ?? new UnionIterator(0, [new EmptyScan()]),
        };
    }

    private static Scan Rows(Context context, TraceCondition condition)
    {
        switch (condition)
        {
            case AllConditions all:
                var required = new List<IScanIterator>();
                foreach (var part in all.Parts)
                {
                    var scan = Rows(context, part);
                    if (scan.IsNone)
                    {
                        return Scan.None;
                    }
                    if (!scan.IsAll)
                    {
                        required.Add(scan.Iterator!);
                    }
                }
                return required.Count == 0 ? Scan.All : Scan.Of(required.Count == 1 ? required[0] : new JoinIterator(0, required));
            case AnyConditions any:
                var children = new List<IScanIterator>();
                foreach (var part in any.Parts)
                {
                    var scan = Rows(context, part);
                    if (scan.IsAll)
                    {
                        return Scan.All;
                    }
                    if (!scan.IsNone)
                    {
                        children.Add(scan.Iterator!);
                    }
                }
                return children.Count == 0 ? Scan.None : Scan.Of(new UnionIterator(0, children));
            case FieldCondition field:
                return Field(context, field);
            default:
                return Scan.All;
        }
    }

    /// <summary>Every place the field can be stored; the rows where any of them holds the condition.</summary>
    private static Scan Field(Context context, FieldCondition condition)
    {
        var places = new List<IScanIterator>();
        switch (condition.Field)
        {
            case AttributeField attribute:
                if (!Attribute(context, attribute, condition, places))
                {
                    return Scan.All;
                }
                break;
            case IntrinsicField intrinsic:
                if (!Intrinsic(context, intrinsic.Intrinsic, condition, places))
                {
                    return Scan.All;
                }
                break;
            default:
                return Scan.All;
        }
        return places.Count == 0 ? Scan.None : Scan.Of(new UnionIterator(0, places));
    }

    private static bool Attribute(Context context, AttributeField field, FieldCondition condition, List<IScanIterator> places)
    {
        var name = field.Name;
        if (field.Scope is AttributeScope.Span or AttributeScope.None)
        {
            if (name == WellKnownKeys.HttpMethod) context.Fixed(VParquet4Columns.HttpMethod, ValueKind.String, condition, places);
            if (name == WellKnownKeys.HttpUrl) context.Fixed(VParquet4Columns.HttpUrl, ValueKind.String, condition, places);
            if (name == WellKnownKeys.HttpStatusCode) context.Fixed(VParquet4Columns.HttpStatusCode, ValueKind.Integer, condition, places);
            context.Dedicated(DedicatedColumn.ScopeSpan, VParquet4Columns.SpanFirstDedicated, name, condition, places);
            context.Generic(VParquet4Columns.SpanAttrs, name, condition, places);
        }
        if (field.Scope is AttributeScope.Resource or AttributeScope.None)
        {
            if (name == WellKnownKeys.ServiceName) context.Fixed(VParquet4Columns.ResourceServiceName, ValueKind.String, condition, places);
            var optional = Array.IndexOf(WellKnownKeys.ResourceOptional, name);
            if (optional >= 0) context.Fixed(VParquet4Columns.ResourceFirstWellKnownOptional + optional, ValueKind.String, condition, places);
            context.Dedicated(DedicatedColumn.ScopeResource, VParquet4Columns.ResourceFirstDedicated, name, condition, places);
            context.Generic(VParquet4Columns.ResourceAttrs, name, condition, places);
        }
        switch (field.Scope)
        {
            case AttributeScope.Instrumentation:
                context.Generic(VParquet4Columns.ScopeAttrs, name, condition, places);
                break;
            case AttributeScope.Event:
                context.Generic(VParquet4Columns.EventAttrs, name, condition, places);
                break;
            case AttributeScope.Link:
                context.Generic(VParquet4Columns.LinkAttrs, name, condition, places);
                break;
        }
        return true;
    }

    /// <summary>False when the intrinsic has no column to push down to (the condition then restricts nothing).</summary>
    private static bool Intrinsic(Context context, Intrinsic intrinsic, FieldCondition condition, List<IScanIterator> places)
    {
        switch (intrinsic)
        {
            case TraceQL.Ast.Intrinsic.Name: context.Fixed(VParquet4Columns.SpanName, ValueKind.String, condition, places); return true;
            case TraceQL.Ast.Intrinsic.StatusMessage: context.Fixed(VParquet4Columns.StatusMessage, ValueKind.String, condition, places); return true;
            case TraceQL.Ast.Intrinsic.Duration: context.Fixed(VParquet4Columns.SpanDurationNano, ValueKind.Integer, condition, places); return true;
            case TraceQL.Ast.Intrinsic.TraceDuration: context.Fixed(VParquet4Columns.DurationNano, ValueKind.Integer, condition, places); return true;
            case TraceQL.Ast.Intrinsic.TraceRootService: context.Fixed(VParquet4Columns.RootServiceName, ValueKind.String, condition, places); return true;
            case TraceQL.Ast.Intrinsic.TraceRootName: context.Fixed(VParquet4Columns.RootSpanName, ValueKind.String, condition, places); return true;
            case TraceQL.Ast.Intrinsic.EventName: context.Fixed(VParquet4Columns.EventName, ValueKind.String, condition, places); return true;
            case TraceQL.Ast.Intrinsic.InstrumentationName: context.Fixed(VParquet4Columns.ScopeName, ValueKind.String, condition, places); return true;
            case TraceQL.Ast.Intrinsic.InstrumentationVersion: context.Fixed(VParquet4Columns.ScopeVersion, ValueKind.String, condition, places); return true;
            case TraceQL.Ast.Intrinsic.Status when condition.Value.Type == StaticType.Status:
                context.Fixed(VParquet4Columns.StatusCode, ValueKind.Integer, condition with { Value = Static.OfInt(OtlpStatus((SpanStatus)condition.Value.Int)) }, places);
                return true;
            case TraceQL.Ast.Intrinsic.Kind when condition.Value.Type == StaticType.Kind:
                context.Fixed(VParquet4Columns.Kind, ValueKind.Integer, condition with { Value = Static.OfInt(OtlpKind((SpanKindValue)condition.Value.Int)) }, places);
                return true;
            default:
                return false;
        }
    }

    private static int OtlpStatus(SpanStatus status) => status switch
    {
        SpanStatus.Ok => 1,
        SpanStatus.Error => 2,
        _ => 0,
    };

    private static int OtlpKind(SpanKindValue kind) => kind switch
    {
        SpanKindValue.Internal => 1,
        SpanKindValue.Server => 2,
        SpanKindValue.Client => 3,
        SpanKindValue.Producer => 4,
        SpanKindValue.Consumer => 5,
        _ => 0,
    };

    private sealed class Context(ParquetFileReader file, IReadOnlyList<DedicatedColumn> dedicated, ScanStatistics statistics)
    {
        /// <summary>A column holding the field's value directly (null where the field is absent).</summary>
        public void Fixed(int column, ValueKind kind, FieldCondition condition, List<IScanIterator> places)
        {
            var predicate = condition.IsExistence ? ColumnPredicates.IsNotNull() : ValuePredicates.For(kind, condition.Op, condition.Value);
            if (predicate is not null)
            {
                places.Add(Column(column, predicate));
            }
        }

        public void Dedicated(string scope, int firstColumn, string name, FieldCondition condition, List<IScanIterator> places)
        {
            var names = DedicatedColumnMapping.For(dedicated, scope).Names;
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i] == name)
                {
                    Fixed(firstColumn + i, ValueKind.String, condition, places);
                }
            }
        }

        /// <summary>The generic key/value list: the key, joined on the attribute element with each typed value column that can hold a match.</summary>
        public void Generic(VParquet4Columns.AttributeColumns attrs, string name, FieldCondition condition, List<IScanIterator> places)
        {
            if (condition.IsExistence)
            {
                places.Add(Column(attrs.Key, ColumnPredicates.Equal(name)));
                return;
            }

            foreach (var (column, kind) in (ReadOnlySpan<(int, ValueKind)>)[(attrs.Value, ValueKind.String), (attrs.ValueInt, ValueKind.Integer),
                         (attrs.ValueDouble, ValueKind.Double), (attrs.ValueBool, ValueKind.Boolean)])
            {
                if (ValuePredicates.For(kind, condition.Op, condition.Value) is { } predicate)
                {
                    places.Add(new JoinIterator(attrs.Depth, [Column(attrs.Key, ColumnPredicates.Equal(name)), Column(column, predicate)]));
                }
            }
        }

        private ColumnIterator Column(int column, ColumnPredicate predicate) =>
            new(file, file.Schema.Columns[column], new ColumnIteratorOptions { Predicate = predicate, Statistics = statistics });
    }

    /// <summary>All rows, no row, or the rows of an iterator.</summary>
    private readonly record struct Scan(IScanIterator? Iterator, bool IsAll, bool IsNone)
    {
        public static Scan All => new(null, true, false);
        public static Scan None => new(null, false, true);
        public static Scan Of(IScanIterator iterator) => new(iterator, false, false);
    }

    /// <summary>The scan of a condition no row can meet.</summary>
    private sealed class EmptyScan : IScanIterator
    {
        public ScanResult Current { get; } = new();
        public ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
        public ValueTask<bool> SeekToAsync(RowNumber target, int depth, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
    }
}
