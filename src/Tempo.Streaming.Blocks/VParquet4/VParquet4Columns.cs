using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Column indexes and levels of <see cref="VParquet4Schema"/> for the direct shredder (<see cref="TraceRowWriter"/>).
/// </summary>
/// <remarks>
/// The schema is regular enough that every level is a constant of the nesting: each list (and the ServiceStats map)
/// is a REQUIRED three-level group whose one REPEATED node adds 1 to both the repetition and the definition level;
/// required groups and leaves add nothing; optional leaves add 1 to the definition level. So at list depth d
/// (rs = 1, ss = 2, Spans = 3, Events/Links = 4; an Attrs list one deeper than its owner, its value lists one deeper
/// still) a present element's required leaves are defined at d, an element's optional leaf that is null at d, and an
/// empty list puts one null at d − 1 in every column below it; the first entry of an element repeats at the level its
/// parent started with, every later element at d. The indexes are resolved by path once, so a schema edit that moves
/// a column fails at type initialization (and in the tests), not with shifted data.
/// </remarks>
internal static class VParquet4Columns
{
    private static readonly ParquetSchema Schema = VParquet4Schema.Instance;

    private const string RsPath = "rs.list.element.";
    private const string SsPath = RsPath + "ss.list.element.";
    private const string SpanPath = SsPath + "Spans.list.element.";

    // list depths
    public const int ResourceDepth = 1;
    public const int ScopeDepth = 2;
    public const int SpanDepth = 3;
    public const int EventDepth = 4;

    public static readonly int TraceId = Index("TraceID");
    public static readonly int TraceIdText = Index("TraceIDText");
    public static readonly int StartTimeUnixNano = Index("StartTimeUnixNano");
    public static readonly int EndTimeUnixNano = Index("EndTimeUnixNano");
    public static readonly int DurationNano = Index("DurationNano");
    public static readonly int RootServiceName = Index("RootServiceName");
    public static readonly int RootSpanName = Index("RootSpanName");
    public static readonly int ServiceStatsKey = Index("ServiceStats.key_value.key");
    public static readonly int ServiceStatsSpanCount = Index("ServiceStats.key_value.value.SpanCount");
    public static readonly int ServiceStatsErrorCount = Index("ServiceStats.key_value.value.ErrorCount");
    public static readonly ColumnRange ServiceStats = Range("ServiceStats");

    public static readonly ColumnRange ResourceSpans = Range("rs");
    public static readonly AttributeColumns ResourceAttrs = new(RsPath + "Resource.Attrs", ResourceDepth + 1);
    public static readonly int ResourceDroppedAttributesCount = Index(RsPath + "Resource.DroppedAttributesCount");
    public static readonly int ResourceServiceName = Index(RsPath + "Resource.ServiceName");
    /// <summary>Cluster … K8sContainerName, in <see cref="WellKnownKeys.ResourceOptional"/> order.</summary>
    public static readonly int ResourceFirstWellKnownOptional = Index(RsPath + "Resource.Cluster");
    public static readonly int ResourceFirstDedicated = Index(RsPath + "Resource.DedicatedAttributes.String01");

    public static readonly ColumnRange ScopeSpans = Range(RsPath + "ss");
    public static readonly int ScopeName = Index(SsPath + "Scope.Name");
    public static readonly int ScopeVersion = Index(SsPath + "Scope.Version");
    public static readonly AttributeColumns ScopeAttrs = new(SsPath + "Scope.Attrs", ScopeDepth + 1);
    public static readonly int ScopeDroppedAttributesCount = Index(SsPath + "Scope.DroppedAttributesCount");

    public static readonly ColumnRange SpanList = Range(SsPath + "Spans");
    public static readonly int SpanId = Index(SpanPath + "SpanID");
    public static readonly int ParentSpanId = Index(SpanPath + "ParentSpanID");
    public static readonly int ParentId = Index(SpanPath + "ParentID");
    public static readonly int NestedSetLeft = Index(SpanPath + "NestedSetLeft");
    public static readonly int NestedSetRight = Index(SpanPath + "NestedSetRight");
    public static readonly int SpanName = Index(SpanPath + "Name");
    public static readonly int Kind = Index(SpanPath + "Kind");
    public static readonly int TraceState = Index(SpanPath + "TraceState");
    public static readonly int SpanStartTimeUnixNano = Index(SpanPath + "StartTimeUnixNano");
    public static readonly int SpanDurationNano = Index(SpanPath + "DurationNano");
    public static readonly int StatusCode = Index(SpanPath + "StatusCode");
    public static readonly int StatusMessage = Index(SpanPath + "StatusMessage");
    public static readonly AttributeColumns SpanAttrs = new(SpanPath + "Attrs", SpanDepth + 1);
    public static readonly int SpanDroppedAttributesCount = Index(SpanPath + "DroppedAttributesCount");

    public static readonly ColumnRange Events = Range(SpanPath + "Events");
    public static readonly int EventTimeSinceStartNano = Index(SpanPath + "Events.list.element.TimeSinceStartNano");
    public static readonly int EventName = Index(SpanPath + "Events.list.element.Name");
    public static readonly AttributeColumns EventAttrs = new(SpanPath + "Events.list.element.Attrs", EventDepth + 1);
    public static readonly int EventDroppedAttributesCount = Index(SpanPath + "Events.list.element.DroppedAttributesCount");
    public static readonly int DroppedEventsCount = Index(SpanPath + "DroppedEventsCount");

    public static readonly ColumnRange Links = Range(SpanPath + "Links");
    public static readonly int LinkTraceId = Index(SpanPath + "Links.list.element.TraceID");
    public static readonly int LinkSpanId = Index(SpanPath + "Links.list.element.SpanID");
    public static readonly int LinkTraceState = Index(SpanPath + "Links.list.element.TraceState");
    public static readonly AttributeColumns LinkAttrs = new(SpanPath + "Links.list.element.Attrs", EventDepth + 1);
    public static readonly int LinkDroppedAttributesCount = Index(SpanPath + "Links.list.element.DroppedAttributesCount");
    public static readonly int DroppedLinksCount = Index(SpanPath + "DroppedLinksCount");

    public static readonly int HttpMethod = Index(SpanPath + "HttpMethod");
    public static readonly int HttpUrl = Index(SpanPath + "HttpUrl");
    public static readonly int HttpStatusCode = Index(SpanPath + "HttpStatusCode");
    public static readonly int SpanFirstDedicated = Index(SpanPath + "DedicatedAttributes.String01");

    public static int Count => Schema.Columns.Count;

    private static int Index(string dottedPath) =>
        Schema.TryGetColumn(dottedPath, out var column)
            ? column.Index
            : throw new InvalidOperationException($"vParquet4 schema has no column '{dottedPath}'");

    /// <summary>The columns below group <paramref name="dottedPath"/> (contiguous: columns are numbered depth-first).</summary>
    internal static ColumnRange Range(string dottedPath)
    {
        var prefix = dottedPath + ".";
        int first = -1, count = 0;
        foreach (var column in Schema.Columns)
        {
            if (!column.DottedPath.StartsWith(prefix, StringComparison.Ordinal)) continue;
            if (first < 0) first = column.Index;
            else if (column.Index != first + count) throw new InvalidOperationException($"columns below '{dottedPath}' are not contiguous");
            count++;
        }
        return count > 0 ? new ColumnRange(first, count) : throw new InvalidOperationException($"vParquet4 schema has no group '{dottedPath}'");
    }

    /// <summary>The columns of one generic attribute list and the list depth of its elements.</summary>
    internal sealed class AttributeColumns
    {
        public AttributeColumns(string dottedPath, int depth)
        {
            var element = dottedPath + ".list.element.";
            All = Range(dottedPath);
            Depth = depth;
            Key = Index(element + "Key");
            ValueType = Index(element + "ValueType");
            Value = Index(element + "Value.list.element");
            ValueInt = Index(element + "ValueInt.list.element");
            ValueDouble = Index(element + "ValueDouble.list.element");
            ValueBool = Index(element + "ValueBool.list.element");
            ValueDropped = Index(element + "ValueDropped");
        }

        public ColumnRange All { get; }

        /// <summary>List depth of the attribute elements (their value lists are one deeper).</summary>
        public int Depth { get; }

        public int Key { get; }
        public int ValueType { get; }
        public int Value { get; }
        public int ValueInt { get; }
        public int ValueDouble { get; }
        public int ValueBool { get; }
        public int ValueDropped { get; }
    }
}

/// <summary>Contiguous leaf columns <c>[First, First + Count)</c>.</summary>
internal readonly record struct ColumnRange(int First, int Count);
