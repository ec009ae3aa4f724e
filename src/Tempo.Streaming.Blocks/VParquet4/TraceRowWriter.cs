using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>What the row writer learned about a trace while writing it (block meta and row-group cutting use it).</summary>
/// <param name="Connected">Every non-root span's parent is in the trace (Tempo's data-quality check).</param>
/// <param name="HasRoot">The trace has a span without a parent span ID.</param>
public readonly record struct TraceRowSummary(ulong StartTimeUnixNano, ulong EndTimeUnixNano, int SpanCount, bool Connected, bool HasRoot);

/// <summary>
/// Writes one <c>tempopb.Trace</c> as one vParquet4 row straight into the column writers (the block writer's hot
/// path): the levels of every column are constants of the schema's nesting (<see cref="VParquet4Columns"/>), so the
/// row is shredded in one pass over the spans without an intermediate object tree and without the generic
/// <see cref="RecordWriter"/>'s field tracking and missing-field walks. The output is byte for byte what shredding
/// the same row through <see cref="RecordWriter"/> gives (a test compares whole files). The mapping is Tempo's
/// <c>traceToParquet</c> (vparquet4/schema.go):
/// <list type="bullet">
/// <item>trace level: TraceID padded to 16 bytes, TraceIDText = lowercase hex without leading zeros, start = earliest
/// span start (a 0 start is "unset"), end = latest span end, duration = end − start; the root span is the LAST span
/// without a parent span ID, RootSpanName its name and RootServiceName the string value of <c>service.name</c> on its
/// resource; ServiceStats = spans and error spans (status ERROR) per resource <c>service.name</c>;</item>
/// <item>resource: string values of <c>service.name</c>, <c>cluster</c>, <c>namespace</c>, <c>pod</c>,
/// <c>container</c>, <c>k8s.*.name</c> go to their columns; then dedicated columns; the rest is generic;</item>
/// <item>span: string <c>http.method</c> / <c>http.url</c> and int <c>http.status_code</c> go to their columns, then
/// dedicated columns, the rest is generic; DurationNano = end − start; events store time since span start;
/// nested-set columns per <see cref="NestedSetModel"/>;</item>
/// <item>generic attributes carry a <see cref="AttributeValueType"/>; arrays must be homogeneous (an empty array is a
/// string array); anything else (kvlist, bytes, mixed arrays, no value) is "not supported": its protobuf JSON goes
/// to ValueDropped and the owner's DroppedAttributesCount is incremented, as Tempo does.</item>
/// </list>
/// Not thread-safe; one per writing thread (it reuses its scratch buffers).
/// </summary>
public sealed class TraceRowWriter
{
    // Attribute classes in the scratch array: generic, one of the well-known columns, or dedicated column i.
    private const int Generic = -1;
    private const int DedicatedBase = 100;

    private static readonly JsonFormatter UnsupportedValueJson = new(JsonFormatter.Settings.Default);

    private readonly DedicatedColumnMapping _resourceColumns;
    private readonly DedicatedColumnMapping _spanColumns;
    private readonly NestedSetModel _nestedSet = new();
    private readonly AttributeWriter _attributeWriter = new();

    // the column writers of the record writer last written to (they belong to its file writer and outlive row groups)
    private RecordWriter? _writer;
    private ColumnWriter[] _columns = [];

    private Span[] _spans = new Span[64];

    // Repetition level of each span's first entry, and whether every resource has scopes and every scope spans: then
    // the span-level columns get exactly one entry per span at these levels, and a column with no value in the whole
    // trace (events and links of spans without them, unassigned dedicated columns) is written in bulk (WriteNulls).
    private byte[] _spanRepetition = new byte[64];
    private bool _oneEntryPerSpan;
    private bool _anyEvents;
    private bool _anyLinks;
    private byte[] _resourceRepetition = new byte[8];
    private int[] _attributeClass = new int[32];
    private readonly ServiceStatsTally _services = new();
    private int _spanIndex;

    public TraceRowWriter(IReadOnlyList<DedicatedColumn> dedicatedColumns)
    {
        ArgumentNullException.ThrowIfNull(dedicatedColumns);
        _resourceColumns = DedicatedColumnMapping.For(dedicatedColumns, DedicatedColumn.ScopeResource);
        _spanColumns = DedicatedColumnMapping.For(dedicatedColumns, DedicatedColumn.ScopeSpan);
    }

    /// <summary>Writes <paramref name="trace"/> (all spans of trace <paramref name="traceId"/>) as the next row.</summary>
    public TraceRowSummary Write(RecordWriter writer, ReadOnlySpan<byte> traceId, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trace);
        var columns = ColumnsOf(writer);

        var spanCount = CollectSpans(trace, out var start, out var end, out var rootSpan, out var rootResource);
        var connected = _nestedSet.Assign(_spans, spanCount);

        WriteTraceLevel(columns, traceId, start, end, rootSpan, rootResource);
        WriteBulkNulls(columns, trace.ResourceSpans.Count, spanCount);

        _spanIndex = 0;
        var batches = trace.ResourceSpans;
        if (batches.Count == 0)
        {
            Nulls(columns, VParquet4Columns.ResourceSpans, VParquet4Columns.ResourceDepth - 1, 0);
        }
        for (var i = 0; i < batches.Count; i++)
        {
            WriteResourceSpans(columns, batches[i], i == 0 ? 0 : VParquet4Columns.ResourceDepth);
        }
        writer.CountDirectRecord();

        Array.Clear(_spans, 0, spanCount);
        return new TraceRowSummary(start, end, spanCount, connected, rootSpan is not null);
    }

    private ColumnWriter[] ColumnsOf(RecordWriter writer)
    {
        if (!ReferenceEquals(writer, _writer))
        {
            var columns = new ColumnWriter[VParquet4Columns.Count];
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i] = writer.Column(i);
            }
            _columns = columns;
            _writer = writer;
        }
        return _columns;
    }

    /// <summary>Flattens the spans into row order and computes the trace-level facts and service stats.</summary>
    private int CollectSpans(Trace trace, out ulong start, out ulong end, out Span? rootSpan, out ResourceSpans? rootResource)
    {
        start = 0;
        end = 0;
        rootSpan = null;
        rootResource = null;
        _services.Reset();
        var count = 0;
        var batches = trace.ResourceSpans;
        var oneEntryPerSpan = batches.Count > 0;
        var anyEvents = false;
        var anyLinks = false;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            var stats = _services.SlotOf(batch);
            var scopes = batch.ScopeSpans;
            oneEntryPerSpan &= scopes.Count > 0;
            for (var s = 0; s < scopes.Count; s++)
            {
                var spans = scopes[s].Spans;
                oneEntryPerSpan &= spans.Count > 0;
                for (var i = 0; i < spans.Count; i++)
                {
                    var span = spans[i];
                    if (count == _spans.Length)
                    {
                        Array.Resize(ref _spans, _spans.Length * 2);
                        Array.Resize(ref _spanRepetition, _spans.Length);
                    }
                    // the span starts the row, its resource, its scope, or repeats in its scope's list
                    _spanRepetition[count] = (byte)(i > 0 ? VParquet4Columns.SpanDepth
                        : s > 0 ? VParquet4Columns.ScopeDepth
                        : b > 0 ? VParquet4Columns.ResourceDepth : 0);
                    _spans[count++] = span;
                    anyEvents |= span.Events.Count > 0;
                    anyLinks |= span.Links.Count > 0;

                    if (start == 0 || span.StartTimeUnixNano < start)
                    {
                        start = span.StartTimeUnixNano;
                    }
                    if (span.EndTimeUnixNano > end)
                    {
                        end = span.EndTimeUnixNano;
                    }
                    if (span.ParentSpanId.IsEmpty)
                    {
                        rootSpan = span;
                        rootResource = batch;
                    }

                    _services.Add(stats, span);
                }
            }
        }
        _oneEntryPerSpan = oneEntryPerSpan;
        _anyEvents = anyEvents;
        _anyLinks = anyLinks;
        return count;
    }

    /// <summary>
    /// The columns that hold no value anywhere in the trace, in bulk: the unassigned dedicated columns (one null per
    /// resource / per span) and, when no span has any, the events' and links' columns (an empty list per span). The
    /// per-element writers skip exactly these (<see cref="BulkEvents"/>, <see cref="BulkLinks"/>).
    /// </summary>
    private void WriteBulkNulls(ColumnWriter[] columns, int batchCount, int spanCount)
    {
        if (batchCount > 0)
        {
            if (_resourceRepetition.Length < batchCount)
            {
                _resourceRepetition = new byte[Math.Max(batchCount, _resourceRepetition.Length * 2)];
            }
            // the first resource starts the row, the others repeat in the rs list
            var resources = _resourceRepetition.AsSpan(0, batchCount);
            resources.Fill(VParquet4Columns.ResourceDepth);
            resources[0] = 0;
            for (var column = _resourceColumns.Count; column < DedicatedColumnMapping.SpareStringColumns; column++)
            {
                columns[VParquet4Columns.ResourceFirstDedicated + column].WriteNulls(VParquet4Columns.ResourceDepth, resources);
            }
        }
        if (!_oneEntryPerSpan)
        {
            return;
        }
        var spans = _spanRepetition.AsSpan(0, spanCount);
        for (var column = _spanColumns.Count; column < DedicatedColumnMapping.SpareStringColumns; column++)
        {
            columns[VParquet4Columns.SpanFirstDedicated + column].WriteNulls(VParquet4Columns.SpanDepth, spans);
        }
        if (BulkEvents)
        {
            BulkNulls(columns, VParquet4Columns.Events, VParquet4Columns.EventDepth - 1, spans);
        }
        if (BulkLinks)
        {
            BulkNulls(columns, VParquet4Columns.Links, VParquet4Columns.EventDepth - 1, spans);
        }
    }

    private bool BulkEvents => _oneEntryPerSpan && !_anyEvents;

    private bool BulkLinks => _oneEntryPerSpan && !_anyLinks;

    private static void BulkNulls(ColumnWriter[] columns, ColumnRange range, int definitionLevel, ReadOnlySpan<byte> repetitionLevels)
    {
        var end = range.First + range.Count;
        for (var c = range.First; c < end; c++)
        {
            columns[c].WriteNulls(definitionLevel, repetitionLevels);
        }
    }

    private void WriteTraceLevel(ColumnWriter[] columns, ReadOnlySpan<byte> traceId, ulong start, ulong end, Span? rootSpan,
        ResourceSpans? rootResource)
    {
        Span<byte> id = stackalloc byte[Core.Ids.TraceId.Length];
        Core.Ids.TraceId.PadTo16Bytes(traceId, id);
        columns[VParquet4Columns.TraceId].WriteBytes(id);

        Span<char> hex = stackalloc char[Core.Ids.TraceId.HexLength];
        columns[VParquet4Columns.TraceIdText].WriteString(TraceIdText.Format(id, hex));

        columns[VParquet4Columns.StartTimeUnixNano].WriteInt64(unchecked((long)start));
        columns[VParquet4Columns.EndTimeUnixNano].WriteInt64(unchecked((long)end));
        columns[VParquet4Columns.DurationNano].WriteInt64(unchecked((long)(end - start)));

        var rootServiceName = "";
        var rootSpanName = "";
        if (rootSpan is not null && rootResource?.Resource is { } resource)
        {
            rootSpanName = rootSpan.Name;
            var attributes = resource.Attributes;
            for (var i = 0; i < attributes.Count; i++)
            {
                if (attributes[i].Key == WellKnownKeys.ServiceName)
                {
                    rootServiceName = attributes[i].Value?.ValueCase == AnyValue.ValueOneofCase.StringValue ? attributes[i].Value.StringValue : "";
                    break;
                }
            }
        }
        columns[VParquet4Columns.RootServiceName].WriteString(rootServiceName);
        columns[VParquet4Columns.RootSpanName].WriteString(rootSpanName);

        // The MAP's repeated key_value group, one entry per service: the first starts the row, the others repeat at 1.
        if (_services.Count == 0)
        {
            Nulls(columns, VParquet4Columns.ServiceStats, 0, 0);
        }
        for (var i = 0; i < _services.Count; i++)
        {
            var repetition = i == 0 ? 0 : 1;
            columns[VParquet4Columns.ServiceStatsKey].WriteString(_services.Name(i), repetition);
            columns[VParquet4Columns.ServiceStatsSpanCount].WriteInt32(_services.SpanCount(i), repetition);
            columns[VParquet4Columns.ServiceStatsErrorCount].WriteInt32(_services.ErrorCount(i), repetition);
        }
    }

    /// <summary>One rs element; its entries start at <paramref name="repetition"/>.</summary>
    private void WriteResourceSpans(ColumnWriter[] columns, ResourceSpans batch, int repetition)
    {
        WriteResource(columns, batch.Resource, repetition);

        var scopes = batch.ScopeSpans;
        if (scopes.Count == 0)
        {
            Nulls(columns, VParquet4Columns.ScopeSpans, VParquet4Columns.ScopeDepth - 1, repetition);
        }
        for (var i = 0; i < scopes.Count; i++)
        {
            WriteScopeSpans(columns, scopes[i], i == 0 ? repetition : VParquet4Columns.ScopeDepth);
        }
    }

    private void WriteResource(ColumnWriter[] columns, OpenTelemetry.Proto.Resource.V1.Resource? resource, int repetition)
    {
        const int defined = VParquet4Columns.ResourceDepth;
        RepeatedField<KeyValue>? attributes = resource?.Attributes;
        var attributeCount = attributes?.Count ?? 0;
        var classes = ClassScratch(attributeCount);

        // Classify first: a key seen twice keeps its last value in its column (Tempo overwrites the column pointer).
        var serviceName = -1;
        for (var i = 0; i < attributeCount; i++)
        {
            var attribute = attributes![i];
            classes[i] = Generic;
            if (attribute.Value?.ValueCase != AnyValue.ValueOneofCase.StringValue)
            {
                continue;
            }
            var key = attribute.Key;
            if (key == WellKnownKeys.ServiceName)
            {
                classes[i] = 0;
                serviceName = i;
                continue;
            }
            var wellKnown = Array.IndexOf(WellKnownKeys.ResourceOptional, key);
            if (wellKnown >= 0)
            {
                classes[i] = 1 + wellKnown;
                continue;
            }
            var dedicated = _resourceColumns.IndexOf(key);
            if (dedicated >= 0)
            {
                classes[i] = DedicatedBase + dedicated;
            }
        }

        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.ResourceAttrs, attributes, classes, repetition);
        columns[VParquet4Columns.ResourceDroppedAttributesCount].WriteInt32(unchecked((int)(resource?.DroppedAttributesCount ?? 0)) + dropped, repetition);
        columns[VParquet4Columns.ResourceServiceName].WriteString(serviceName >= 0 ? attributes![serviceName].Value.StringValue : "", repetition);

        for (var column = 0; column < WellKnownKeys.ResourceOptional.Length; column++)
        {
            OptionalString(columns[VParquet4Columns.ResourceFirstWellKnownOptional + column], attributes, LastOfClass(classes, attributeCount, 1 + column),
                defined, repetition);
        }
        // the unassigned dedicated columns were written in bulk (WriteBulkNulls)
        for (var column = 0; column < _resourceColumns.Count; column++)
        {
            OptionalString(columns[VParquet4Columns.ResourceFirstDedicated + column], attributes,
                LastOfClass(classes, attributeCount, DedicatedBase + column), defined, repetition);
        }
    }

    /// <summary>One ss element; its entries start at <paramref name="repetition"/>.</summary>
    private void WriteScopeSpans(ColumnWriter[] columns, ScopeSpans scopeSpans, int repetition)
    {
        var scope = scopeSpans.Scope;
        columns[VParquet4Columns.ScopeName].WriteString(scope?.Name ?? "", repetition);
        columns[VParquet4Columns.ScopeVersion].WriteString(scope?.Version ?? "", repetition);
        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.ScopeAttrs, scope?.Attributes, classes: null, repetition);
        columns[VParquet4Columns.ScopeDroppedAttributesCount].WriteInt32(unchecked((int)(scope?.DroppedAttributesCount ?? 0)) + dropped, repetition);

        var spans = scopeSpans.Spans;
        if (spans.Count == 0)
        {
            Nulls(columns, VParquet4Columns.SpanList, VParquet4Columns.SpanDepth - 1, repetition);
        }
        for (var i = 0; i < spans.Count; i++)
        {
            WriteSpan(columns, spans[i], _spanIndex++, i == 0 ? repetition : VParquet4Columns.SpanDepth);
        }
    }

    private void WriteSpan(ColumnWriter[] columns, Span span, int index, int repetition)
    {
        const int defined = VParquet4Columns.SpanDepth;
        columns[VParquet4Columns.SpanId].WriteBytes(span.SpanId.Span, repetition);
        columns[VParquet4Columns.ParentSpanId].WriteBytes(span.ParentSpanId.Span, repetition);
        columns[VParquet4Columns.ParentId].WriteInt32(_nestedSet.ParentId[index], repetition);
        columns[VParquet4Columns.NestedSetLeft].WriteInt32(_nestedSet.Left[index], repetition);
        columns[VParquet4Columns.NestedSetRight].WriteInt32(_nestedSet.Right[index], repetition);
        columns[VParquet4Columns.SpanName].WriteString(span.Name, repetition);
        columns[VParquet4Columns.Kind].WriteInt64((long)span.Kind, repetition);
        columns[VParquet4Columns.TraceState].WriteString(span.TraceState, repetition);
        columns[VParquet4Columns.SpanStartTimeUnixNano].WriteInt64(unchecked((long)span.StartTimeUnixNano), repetition);
        columns[VParquet4Columns.SpanDurationNano].WriteInt64(unchecked((long)(span.EndTimeUnixNano - span.StartTimeUnixNano)), repetition);
        var status = span.Status;
        columns[VParquet4Columns.StatusCode].WriteInt64(status is null ? 0 : (long)status.Code, repetition);
        columns[VParquet4Columns.StatusMessage].WriteString(status?.Message ?? "", repetition);

        var attributes = span.Attributes;
        var attributeCount = attributes.Count;
        var classes = ClassScratch(attributeCount);
        int httpMethod = -1, httpUrl = -1, httpStatus = -1;
        for (var i = 0; i < attributeCount; i++)
        {
            var attribute = attributes[i];
            classes[i] = Generic;
            var valueCase = attribute.Value?.ValueCase ?? AnyValue.ValueOneofCase.None;
            if (valueCase == AnyValue.ValueOneofCase.StringValue)
            {
                var key = attribute.Key;
                if (key == WellKnownKeys.HttpMethod)
                {
                    classes[i] = 0;
                    httpMethod = i;
                }
                else if (key == WellKnownKeys.HttpUrl)
                {
                    classes[i] = 1;
                    httpUrl = i;
                }
                else
                {
                    var dedicated = _spanColumns.IndexOf(key);
                    if (dedicated >= 0)
                    {
                        classes[i] = DedicatedBase + dedicated;
                    }
                }
            }
            else if (valueCase == AnyValue.ValueOneofCase.IntValue && attribute.Key == WellKnownKeys.HttpStatusCode)
            {
                classes[i] = 2;
                httpStatus = i;
            }
        }

        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.SpanAttrs, attributes, classes, repetition);
        columns[VParquet4Columns.SpanDroppedAttributesCount].WriteInt32(unchecked((int)span.DroppedAttributesCount) + dropped, repetition);

        var events = span.Events;
        if (events.Count == 0 && !BulkEvents)
        {
            Nulls(columns, VParquet4Columns.Events, VParquet4Columns.EventDepth - 1, repetition);
        }
        for (var i = 0; i < events.Count; i++)
        {
            WriteEvent(columns, events[i], span.StartTimeUnixNano, i == 0 ? repetition : VParquet4Columns.EventDepth);
        }
        columns[VParquet4Columns.DroppedEventsCount].WriteInt32(unchecked((int)span.DroppedEventsCount), repetition);

        var links = span.Links;
        if (links.Count == 0 && !BulkLinks)
        {
            Nulls(columns, VParquet4Columns.Links, VParquet4Columns.EventDepth - 1, repetition);
        }
        for (var i = 0; i < links.Count; i++)
        {
            WriteLink(columns, links[i], i == 0 ? repetition : VParquet4Columns.EventDepth);
        }
        columns[VParquet4Columns.DroppedLinksCount].WriteInt32(unchecked((int)span.DroppedLinksCount), repetition);

        OptionalString(columns[VParquet4Columns.HttpMethod], attributes, httpMethod, defined, repetition);
        OptionalString(columns[VParquet4Columns.HttpUrl], attributes, httpUrl, defined, repetition);
        if (httpStatus >= 0)
        {
            columns[VParquet4Columns.HttpStatusCode].WriteInt64(attributes[httpStatus].Value.IntValue, repetition);
        }
        else
        {
            columns[VParquet4Columns.HttpStatusCode].WriteNull(defined, repetition);
        }

        // the unassigned dedicated columns were written in bulk when the trace has one entry per span
        var dedicatedColumns = _oneEntryPerSpan ? _spanColumns.Count : DedicatedColumnMapping.SpareStringColumns;
        for (var column = 0; column < dedicatedColumns; column++)
        {
            var last = column < _spanColumns.Count ? LastOfClass(classes, attributeCount, DedicatedBase + column) : -1;
            OptionalString(columns[VParquet4Columns.SpanFirstDedicated + column], attributes, last, defined, repetition);
        }
    }

    private void WriteEvent(ColumnWriter[] columns, Span.Types.Event spanEvent, ulong spanStart, int repetition)
    {
        columns[VParquet4Columns.EventTimeSinceStartNano].WriteInt64(unchecked((long)(spanEvent.TimeUnixNano - spanStart)), repetition);
        columns[VParquet4Columns.EventName].WriteString(spanEvent.Name, repetition);
        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.EventAttrs, spanEvent.Attributes, classes: null, repetition);
        columns[VParquet4Columns.EventDroppedAttributesCount].WriteInt32(unchecked((int)spanEvent.DroppedAttributesCount) + dropped, repetition);
    }

    private void WriteLink(ColumnWriter[] columns, Span.Types.Link link, int repetition)
    {
        columns[VParquet4Columns.LinkTraceId].WriteBytes(link.TraceId.Span, repetition);
        columns[VParquet4Columns.LinkSpanId].WriteBytes(link.SpanId.Span, repetition);
        columns[VParquet4Columns.LinkTraceState].WriteString(link.TraceState, repetition);
        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.LinkAttrs, link.Attributes, classes: null, repetition);
        columns[VParquet4Columns.LinkDroppedAttributesCount].WriteInt32(unchecked((int)link.DroppedAttributesCount) + dropped, repetition);
    }

    /// <summary>An optional string leaf of an element defined at <paramref name="defined"/>: attribute
    /// <paramref name="attribute"/>'s string value, or null when it is -1.</summary>
    private static void OptionalString(ColumnWriter column, RepeatedField<KeyValue>? attributes, int attribute, int defined, int repetition)
    {
        if (attribute >= 0)
        {
            column.WriteString(attributes![attribute].Value.StringValue, repetition);
        }
        else
        {
            column.WriteNull(defined, repetition);
        }
    }

    /// <summary>One null in every column of <paramref name="range"/>: an empty list (defined at its parent's level).</summary>
    internal static void Nulls(ColumnWriter[] columns, ColumnRange range, int definitionLevel, int repetitionLevel)
    {
        var end = range.First + range.Count;
        for (var c = range.First; c < end; c++)
        {
            columns[c].WriteNull(definitionLevel, repetitionLevel);
        }
    }

    internal static bool IsGeneric(int[]? classes, int index) => classes is null || classes[index] == Generic;

    /// <summary>The index of the last attribute classified <paramref name="wanted"/>, or -1 (Tempo keeps the last value).</summary>
    internal static int LastOfClass(int[] classes, int count, int wanted)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            if (classes[i] == wanted)
            {
                return i;
            }
        }
        return -1;
    }

    private int[] ClassScratch(int count)
    {
        if (_attributeClass.Length < count)
        {
            _attributeClass = new int[Math.Max(count, _attributeClass.Length * 2)];
        }
        return _attributeClass;
    }

    internal static string UnsupportedJson(AnyValue? value) => UnsupportedValueJson.Format(value ?? new AnyValue());
}
