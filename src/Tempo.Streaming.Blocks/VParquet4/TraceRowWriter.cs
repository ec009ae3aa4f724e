using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.Parquet;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>What the row writer learned about a trace while writing it (block meta and row-group cutting use it).</summary>
/// <param name="Connected">Every non-root span's parent is in the trace (Tempo's data-quality check).</param>
/// <param name="HasRoot">The trace has a span without a parent span ID.</param>
public readonly record struct TraceRowSummary(ulong StartTimeUnixNano, ulong EndTimeUnixNano, int SpanCount, bool Connected, bool HasRoot);

/// <summary>
/// Writes one trace as one vParquet4 row straight into the column writers (the block writer's hot path), reading the
/// encoded <c>tempopb.Trace</c> fragments (<see cref="EncodedTrace"/>, laid out by <see cref="WireTraceLayout"/>)
/// instead of parsed objects: strings go from the protobuf bytes to the columns as the UTF-8 they already are, and
/// nothing is allocated per span. The levels of every column are constants of the schema's nesting
/// (<see cref="VParquet4Columns"/>), so the row is shredded in one pass over the spans without the generic
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

    private static ReadOnlySpan<byte> ServiceNameKey => "service.name"u8;
    private static ReadOnlySpan<byte> HttpMethodKey => "http.method"u8;
    private static ReadOnlySpan<byte> HttpUrlKey => "http.url"u8;
    private static ReadOnlySpan<byte> HttpStatusCodeKey => "http.status_code"u8;

    private readonly DedicatedColumnMapping _resourceColumns;
    private readonly DedicatedColumnMapping _spanColumns;
    private readonly WireTraceLayout _layout = new();
    private readonly NestedSetModel _nestedSet = new();
    private readonly AttributeWriter _attributeWriter = new();
    private readonly WireAttributeList _otherAttributes = new();

    // the column writers of the record writer last written to (they belong to its file writer and outlive row groups)
    private RecordWriter? _writer;
    private ColumnWriter[] _columns = [];

    // Repetition level of each span's first entry, and whether every resource has scopes and every scope spans: then
    // the span-level columns get exactly one entry per span at these levels, and a column with no value in the whole
    // trace (events and links of spans without them, unassigned dedicated columns) is written in bulk (WriteNulls).
    private byte[] _spanRepetition = new byte[64];
    private bool _oneEntryPerSpan;
    private bool _anyEvents;
    private bool _anyLinks;
    private byte[] _resourceRepetition = new byte[8];
    private int[] _resourceService = new int[8]; // ServiceStats slot of each resource group
    private int[] _attributeClass = new int[32];
    private (int Start, int Length)[] _events = new (int, int)[8];
    private (int Start, int Length)[] _links = new (int, int)[8];
    private readonly ServiceStatsTally _services = new();
    private int _spanIndex;

    public TraceRowWriter(IReadOnlyList<DedicatedColumn> dedicatedColumns)
    {
        ArgumentNullException.ThrowIfNull(dedicatedColumns);
        _resourceColumns = DedicatedColumnMapping.For(dedicatedColumns, DedicatedColumn.ScopeResource);
        _spanColumns = DedicatedColumnMapping.For(dedicatedColumns, DedicatedColumn.ScopeSpan);
    }

    /// <summary>Writes <paramref name="trace"/> (all spans of trace <paramref name="traceId"/>) as the next row.</summary>
    public TraceRowSummary Write(RecordWriter writer, ReadOnlySpan<byte> traceId, Trace trace) =>
        Write(writer, traceId, EncodedTrace.Of(trace));

    /// <summary>Writes the combined fragments of <paramref name="trace"/> (trace <paramref name="traceId"/>) as the next row.</summary>
    public TraceRowSummary Write(RecordWriter writer, ReadOnlySpan<byte> traceId, EncodedTrace trace)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trace);
        var columns = ColumnsOf(writer);
        var layout = _layout;
        layout.Load(trace);

        var spanCount = CollectSpans(out var start, out var end, out var rootSpan);
        var connected = _nestedSet.Assign(layout.Spans, spanCount);

        WriteTraceLevel(columns, traceId, start, end, rootSpan);
        WriteBulkNulls(columns, layout.ResourceCount, spanCount);

        _spanIndex = 0;
        if (layout.ResourceCount == 0)
        {
            Nulls(columns, VParquet4Columns.ResourceSpans, VParquet4Columns.ResourceDepth - 1, 0);
        }
        for (var i = 0; i < layout.ResourceCount; i++)
        {
            WriteResourceSpans(columns, i, i == 0 ? 0 : VParquet4Columns.ResourceDepth);
        }
        writer.CountDirectRecord();
        return new TraceRowSummary(start, end, spanCount, connected, rootSpan >= 0);
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

    /// <summary>The spans' repetition levels, the trace-level facts and the service stats (root: the last span without a parent, or -1).</summary>
    private int CollectSpans(out ulong start, out ulong end, out int rootSpan)
    {
        var layout = _layout;
        start = 0;
        end = 0;
        rootSpan = -1;
        _services.Reset();
        var count = layout.SpanCount;
        if (_spanRepetition.Length < count)
        {
            _spanRepetition = new byte[Math.Max(count, _spanRepetition.Length * 2)];
        }
        if (_resourceService.Length < layout.ResourceCount)
        {
            _resourceService = new int[Math.Max(layout.ResourceCount, _resourceService.Length * 2)];
        }
        var oneEntryPerSpan = layout.ResourceCount > 0;
        var anyEvents = false;
        var anyLinks = false;
        for (var b = 0; b < layout.ResourceCount; b++)
        {
            ref readonly var resource = ref layout.Resources[b];
            var slot = _services.SlotOf(ServiceName(resource));
            _resourceService[b] = slot;
            oneEntryPerSpan &= resource.ScopeCount > 0;
            for (var s = 0; s < resource.ScopeCount; s++)
            {
                ref readonly var scope = ref layout.Scopes[resource.FirstScope + s];
                oneEntryPerSpan &= scope.SpanCount > 0;
                for (var i = 0; i < scope.SpanCount; i++)
                {
                    var index = scope.FirstSpan + i;
                    ref readonly var span = ref layout.Spans[index];
                    // the span starts the row, its resource, its scope, or repeats in its scope's list
                    _spanRepetition[index] = (byte)(i > 0 ? VParquet4Columns.SpanDepth
                        : s > 0 ? VParquet4Columns.ScopeDepth
                        : b > 0 ? VParquet4Columns.ResourceDepth : 0);
                    anyEvents |= span.HasEvents;
                    anyLinks |= span.HasLinks;

                    if (start == 0 || span.StartNanos < start)
                    {
                        start = span.StartNanos;
                    }
                    if (span.EndNanos > end)
                    {
                        end = span.EndNanos;
                    }
                    if (!span.HasParent)
                    {
                        rootSpan = index;
                    }
                    _services.Add(slot, span.StatusCode);
                }
            }
        }
        _oneEntryPerSpan = oneEntryPerSpan;
        _anyEvents = anyEvents;
        _anyLinks = anyLinks;
        return count;
    }

    /// <summary>The resource's ServiceName column value: the last string <c>service.name</c>, else empty.</summary>
    private ReadOnlySpan<byte> ServiceName(in WireTraceLayout.ResourceGroup resource)
    {
        var bytes = _layout.Fragment(resource.Fragment);
        var attributes = AttributesOf(resource);
        ReadOnlySpan<byte> name = default;
        for (var i = 0; i < attributes.Length; i++)
        {
            ref readonly var attribute = ref attributes[i];
            if (attribute.Case == 1 && attribute.Key(bytes).SequenceEqual(ServiceNameKey))
            {
                name = attribute.StringValue(bytes);
            }
        }
        return name;
    }

    private ReadOnlySpan<WireAttribute> AttributesOf(in WireTraceLayout.ResourceGroup resource) =>
        _layout.Attributes.AsSpan(resource.FirstAttribute, resource.AttributeCount);

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

    private void WriteTraceLevel(ColumnWriter[] columns, ReadOnlySpan<byte> traceId, ulong start, ulong end, int rootSpan)
    {
        Span<byte> id = stackalloc byte[Core.Ids.TraceId.Length];
        Core.Ids.TraceId.PadTo16Bytes(traceId, id);
        columns[VParquet4Columns.TraceId].WriteBytes(id);

        Span<char> hex = stackalloc char[Core.Ids.TraceId.HexLength];
        columns[VParquet4Columns.TraceIdText].WriteString(TraceIdText.Format(id, hex));

        columns[VParquet4Columns.StartTimeUnixNano].WriteInt64(unchecked((long)start));
        columns[VParquet4Columns.EndTimeUnixNano].WriteInt64(unchecked((long)end));
        columns[VParquet4Columns.DurationNano].WriteInt64(unchecked((long)(end - start)));

        ReadOnlySpan<byte> rootServiceName = default;
        ReadOnlySpan<byte> rootSpanName = default;
        if (rootSpan >= 0 && _layout.Resources[_layout.Spans[rootSpan].Resource].ResourceLength >= 0)
        {
            ref readonly var group = ref _layout.Resources[_layout.Spans[rootSpan].Resource];
            var bytes = _layout.Fragment(group.Fragment);
            ref readonly var span = ref _layout.Spans[rootSpan];
            rootSpanName = bytes.Slice(span.NameStart, span.NameLength);
            // the first service.name attribute decides: its string value, or empty when it holds another type
            var attributes = AttributesOf(group);
            for (var i = 0; i < attributes.Length; i++)
            {
                ref readonly var attribute = ref attributes[i];
                if (attribute.Key(bytes).SequenceEqual(ServiceNameKey))
                {
                    rootServiceName = attribute.Case == 1 ? attribute.StringValue(bytes) : default;
                    break;
                }
            }
        }
        columns[VParquet4Columns.RootServiceName].WriteBytes(rootServiceName);
        columns[VParquet4Columns.RootSpanName].WriteBytes(rootSpanName);

        // The MAP's repeated key_value group, one entry per service: the first starts the row, the others repeat at 1.
        if (_services.Count == 0)
        {
            Nulls(columns, VParquet4Columns.ServiceStats, 0, 0);
        }
        for (var i = 0; i < _services.Count; i++)
        {
            var repetition = i == 0 ? 0 : 1;
            columns[VParquet4Columns.ServiceStatsKey].WriteBytes(_services.Name(i), repetition);
            columns[VParquet4Columns.ServiceStatsSpanCount].WriteInt32(_services.SpanCount(i), repetition);
            columns[VParquet4Columns.ServiceStatsErrorCount].WriteInt32(_services.ErrorCount(i), repetition);
        }
    }

    /// <summary>One rs element; its entries start at <paramref name="repetition"/>.</summary>
    private void WriteResourceSpans(ColumnWriter[] columns, int index, int repetition)
    {
        ref readonly var group = ref _layout.Resources[index];
        var bytes = _layout.Fragment(group.Fragment);
        WriteResource(columns, bytes, group, repetition);

        if (group.ScopeCount == 0)
        {
            Nulls(columns, VParquet4Columns.ScopeSpans, VParquet4Columns.ScopeDepth - 1, repetition);
        }
        for (var i = 0; i < group.ScopeCount; i++)
        {
            WriteScopeSpans(columns, bytes, group.FirstScope + i, i == 0 ? repetition : VParquet4Columns.ScopeDepth);
        }
    }

    private void WriteResource(ColumnWriter[] columns, ReadOnlySpan<byte> bytes, in WireTraceLayout.ResourceGroup group, int repetition)
    {
        const int defined = VParquet4Columns.ResourceDepth;
        var items = AttributesOf(group);
        var attributeCount = items.Length;
        var classes = ClassScratch(attributeCount);

        // Classify first: a key seen twice keeps its last value in its column (Tempo overwrites the column pointer).
        var serviceName = -1;
        for (var i = 0; i < attributeCount; i++)
        {
            classes[i] = Generic;
            if (items[i].Case != 1)
            {
                continue;
            }
            var key = items[i].Key(bytes);
            if (key.SequenceEqual(ServiceNameKey))
            {
                classes[i] = 0;
                serviceName = i;
                continue;
            }
            var wellKnown = WellKnownKeys.ResourceOptionalIndex(key);
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

        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.ResourceAttrs, bytes, items, classes, repetition);
        columns[VParquet4Columns.ResourceDroppedAttributesCount].WriteInt32(unchecked((int)group.DroppedAttributesCount) + dropped, repetition);
        columns[VParquet4Columns.ResourceServiceName].WriteBytes(serviceName >= 0 ? items[serviceName].StringValue(bytes) : default, repetition);

        for (var column = 0; column < WellKnownKeys.ResourceOptional.Length; column++)
        {
            OptionalString(columns[VParquet4Columns.ResourceFirstWellKnownOptional + column], bytes, items,
                LastOfClass(classes, attributeCount, 1 + column), defined, repetition);
        }
        // the unassigned dedicated columns were written in bulk (WriteBulkNulls)
        for (var column = 0; column < _resourceColumns.Count; column++)
        {
            OptionalString(columns[VParquet4Columns.ResourceFirstDedicated + column], bytes, items,
                LastOfClass(classes, attributeCount, DedicatedBase + column), defined, repetition);
        }
    }

    /// <summary>One ss element; its entries start at <paramref name="repetition"/>.</summary>
    private void WriteScopeSpans(ColumnWriter[] columns, ReadOnlySpan<byte> bytes, int index, int repetition)
    {
        ref readonly var group = ref _layout.Scopes[index];
        ReadOnlySpan<byte> name = default, version = default;
        uint droppedCount = 0;
        var attributes = _otherAttributes;
        attributes.Clear();
        if (group.ScopeLength >= 0)
        {
            var reader = new ProtoReader(bytes, group.ScopeStart, group.ScopeStart + group.ScopeLength, "InstrumentationScope");
            while (reader.TryReadTag(out var field, out var wireType))
            {
                switch (field)
                {
                    case 1 when wireType == WireType.LengthDelimited:
                        name = reader.ReadBytes(field, wireType);
                        break;
                    case 2 when wireType == WireType.LengthDelimited:
                        version = reader.ReadBytes(field, wireType);
                        break;
                    case 3 when wireType == WireType.LengthDelimited:
                        var (start, length) = reader.ReadLengthDelimited(field);
                        attributes.Add(bytes, start, start + length);
                        break;
                    case 4 when wireType == WireType.Varint:
                        droppedCount = unchecked((uint)reader.ReadVarint(field));
                        break;
                    default:
                        reader.Skip(field, wireType);
                        break;
                }
            }
        }
        columns[VParquet4Columns.ScopeName].WriteBytes(name, repetition);
        columns[VParquet4Columns.ScopeVersion].WriteBytes(version, repetition);
        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.ScopeAttrs, bytes, attributes.All, classes: null, repetition);
        columns[VParquet4Columns.ScopeDroppedAttributesCount].WriteInt32(unchecked((int)droppedCount) + dropped, repetition);

        if (group.SpanCount == 0)
        {
            Nulls(columns, VParquet4Columns.SpanList, VParquet4Columns.SpanDepth - 1, repetition);
        }
        for (var i = 0; i < group.SpanCount; i++)
        {
            WriteSpan(columns, bytes, group.FirstSpan + i, _spanIndex++, i == 0 ? repetition : VParquet4Columns.SpanDepth);
        }
    }

    private void WriteSpan(ColumnWriter[] columns, ReadOnlySpan<byte> bytes, int spanEntry, int index, int repetition)
    {
        const int defined = VParquet4Columns.SpanDepth;
        ref readonly var entry = ref _layout.Spans[spanEntry];
        ReadOnlySpan<byte> spanId = default, parentSpanId = default, traceState = default, statusMessage = default;
        uint droppedAttributes = 0, droppedEvents = 0, droppedLinks = 0;
        var events = 0;
        var links = 0;
        var reader = new ProtoReader(bytes, entry.Start, entry.Start + entry.Length, "Span");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (!WireTraceLayout.Expected(WireTraceLayout.SpanWireTypes, field, wireType))
            {
                reader.Skip(field, wireType);
                continue;
            }
            switch (field)
            {
                case 2: spanId = reader.ReadBytes(field, wireType); break;
                case 3: traceState = reader.ReadBytes(field, wireType); break;
                case 4: parentSpanId = reader.ReadBytes(field, wireType); break;
                case 10: droppedAttributes = unchecked((uint)reader.ReadVarint(field)); break;
                case 11: Append(ref _events, ref events, reader.ReadLengthDelimited(field)); break;
                case 12: droppedEvents = unchecked((uint)reader.ReadVarint(field)); break;
                case 13: Append(ref _links, ref links, reader.ReadLengthDelimited(field)); break;
                case 14: droppedLinks = unchecked((uint)reader.ReadVarint(field)); break;
                case 15:
                    var (statusStart, statusLength) = reader.ReadLengthDelimited(field);
                    statusMessage = StatusMessage(bytes, statusStart, statusStart + statusLength);
                    break;
                default: reader.Skip(field, wireType); break; // read by the layout: name, kind, times, attributes, status code
            }
        }

        columns[VParquet4Columns.SpanId].WriteBytes(spanId, repetition);
        columns[VParquet4Columns.ParentSpanId].WriteBytes(parentSpanId, repetition);
        columns[VParquet4Columns.ParentId].WriteInt32(_nestedSet.ParentId[index], repetition);
        columns[VParquet4Columns.NestedSetLeft].WriteInt32(_nestedSet.Left[index], repetition);
        columns[VParquet4Columns.NestedSetRight].WriteInt32(_nestedSet.Right[index], repetition);
        columns[VParquet4Columns.SpanName].WriteBytes(bytes.Slice(entry.NameStart, entry.NameLength), repetition);
        columns[VParquet4Columns.Kind].WriteInt64(entry.Kind, repetition);
        columns[VParquet4Columns.TraceState].WriteBytes(traceState, repetition);
        columns[VParquet4Columns.SpanStartTimeUnixNano].WriteInt64(unchecked((long)entry.StartNanos), repetition);
        columns[VParquet4Columns.SpanDurationNano].WriteInt64(unchecked((long)(entry.EndNanos - entry.StartNanos)), repetition);
        columns[VParquet4Columns.StatusCode].WriteInt64(entry.StatusCode, repetition);
        columns[VParquet4Columns.StatusMessage].WriteBytes(statusMessage, repetition);

        var items = _layout.Attributes.AsSpan(entry.FirstAttribute, entry.AttributeCount);
        var attributeCount = items.Length;
        var classes = ClassScratch(attributeCount);
        int httpMethod = -1, httpUrl = -1, httpStatus = -1;
        for (var i = 0; i < attributeCount; i++)
        {
            classes[i] = Generic;
            var valueCase = items[i].Case;
            if (valueCase == 1)
            {
                var key = items[i].Key(bytes);
                if (key.SequenceEqual(HttpMethodKey))
                {
                    classes[i] = 0;
                    httpMethod = i;
                }
                else if (key.SequenceEqual(HttpUrlKey))
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
            else if (valueCase == 3 && items[i].Key(bytes).SequenceEqual(HttpStatusCodeKey))
            {
                classes[i] = 2;
                httpStatus = i;
            }
        }

        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.SpanAttrs, bytes, items, classes, repetition);
        columns[VParquet4Columns.SpanDroppedAttributesCount].WriteInt32(unchecked((int)droppedAttributes) + dropped, repetition);

        if (events == 0 && !BulkEvents)
        {
            Nulls(columns, VParquet4Columns.Events, VParquet4Columns.EventDepth - 1, repetition);
        }
        for (var i = 0; i < events; i++)
        {
            WriteEvent(columns, bytes, _events[i], entry.StartNanos, i == 0 ? repetition : VParquet4Columns.EventDepth);
        }
        columns[VParquet4Columns.DroppedEventsCount].WriteInt32(unchecked((int)droppedEvents), repetition);

        if (links == 0 && !BulkLinks)
        {
            Nulls(columns, VParquet4Columns.Links, VParquet4Columns.EventDepth - 1, repetition);
        }
        for (var i = 0; i < links; i++)
        {
            WriteLink(columns, bytes, _links[i], i == 0 ? repetition : VParquet4Columns.EventDepth);
        }
        columns[VParquet4Columns.DroppedLinksCount].WriteInt32(unchecked((int)droppedLinks), repetition);

        OptionalString(columns[VParquet4Columns.HttpMethod], bytes, items, httpMethod, defined, repetition);
        OptionalString(columns[VParquet4Columns.HttpUrl], bytes, items, httpUrl, defined, repetition);
        if (httpStatus >= 0)
        {
            columns[VParquet4Columns.HttpStatusCode].WriteInt64(items[httpStatus].Int, repetition);
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
            OptionalString(columns[VParquet4Columns.SpanFirstDedicated + column], bytes, items, last, defined, repetition);
        }
    }

    private static ReadOnlySpan<byte> StatusMessage(ReadOnlySpan<byte> bytes, int start, int end)
    {
        ReadOnlySpan<byte> message = default;
        var reader = new ProtoReader(bytes, start, end, "Status");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 2 && wireType == WireType.LengthDelimited)
            {
                message = reader.ReadBytes(field, wireType);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        return message;
    }

    private void WriteEvent(ColumnWriter[] columns, ReadOnlySpan<byte> bytes, (int Start, int Length) spanEvent, ulong spanStart, int repetition)
    {
        ulong time = 0;
        ReadOnlySpan<byte> name = default;
        uint droppedCount = 0;
        var attributes = _otherAttributes;
        attributes.Clear();
        var reader = new ProtoReader(bytes, spanEvent.Start, spanEvent.Start + spanEvent.Length, "Event");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 when wireType == WireType.Fixed64: time = reader.ReadFixed64(field, wireType); break;
                case 2 when wireType == WireType.LengthDelimited: name = reader.ReadBytes(field, wireType); break;
                case 3 when wireType == WireType.LengthDelimited:
                    var (start, length) = reader.ReadLengthDelimited(field);
                    attributes.Add(bytes, start, start + length);
                    break;
                case 4 when wireType == WireType.Varint: droppedCount = unchecked((uint)reader.ReadVarint(field)); break;
                default: reader.Skip(field, wireType); break;
            }
        }
        columns[VParquet4Columns.EventTimeSinceStartNano].WriteInt64(unchecked((long)(time - spanStart)), repetition);
        columns[VParquet4Columns.EventName].WriteBytes(name, repetition);
        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.EventAttrs, bytes, attributes.All, classes: null, repetition);
        columns[VParquet4Columns.EventDroppedAttributesCount].WriteInt32(unchecked((int)droppedCount) + dropped, repetition);
    }

    private void WriteLink(ColumnWriter[] columns, ReadOnlySpan<byte> bytes, (int Start, int Length) link, int repetition)
    {
        ReadOnlySpan<byte> traceId = default, spanId = default, traceState = default;
        uint droppedCount = 0;
        var attributes = _otherAttributes;
        attributes.Clear();
        var reader = new ProtoReader(bytes, link.Start, link.Start + link.Length, "Link");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 when wireType == WireType.LengthDelimited: traceId = reader.ReadBytes(field, wireType); break;
                case 2 when wireType == WireType.LengthDelimited: spanId = reader.ReadBytes(field, wireType); break;
                case 3 when wireType == WireType.LengthDelimited: traceState = reader.ReadBytes(field, wireType); break;
                case 4 when wireType == WireType.LengthDelimited:
                    var (start, length) = reader.ReadLengthDelimited(field);
                    attributes.Add(bytes, start, start + length);
                    break;
                case 5 when wireType == WireType.Varint: droppedCount = unchecked((uint)reader.ReadVarint(field)); break;
                default: reader.Skip(field, wireType); break;
            }
        }
        columns[VParquet4Columns.LinkTraceId].WriteBytes(traceId, repetition);
        columns[VParquet4Columns.LinkSpanId].WriteBytes(spanId, repetition);
        columns[VParquet4Columns.LinkTraceState].WriteBytes(traceState, repetition);
        var dropped = _attributeWriter.WriteList(columns, VParquet4Columns.LinkAttrs, bytes, attributes.All, classes: null, repetition);
        columns[VParquet4Columns.LinkDroppedAttributesCount].WriteInt32(unchecked((int)droppedCount) + dropped, repetition);
    }

    private static void Append(ref (int Start, int Length)[] ranges, ref int count, (int Start, int Length) range)
    {
        if (count == ranges.Length)
        {
            Array.Resize(ref ranges, ranges.Length * 2);
        }
        ranges[count++] = range;
    }

    /// <summary>An optional string leaf of an element defined at <paramref name="defined"/>: attribute
    /// <paramref name="attribute"/>'s string value, or null when it is -1.</summary>
    private static void OptionalString(ColumnWriter column, ReadOnlySpan<byte> bytes, ReadOnlySpan<WireAttribute> attributes, int attribute,
        int defined, int repetition)
    {
        if (attribute >= 0)
        {
            column.WriteBytes(attributes[attribute].StringValue(bytes), repetition);
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
}
