using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

using Tempo.Streaming.Blocks.VParquet4;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

/// <summary>
/// THE REFERENCE for <see cref="TraceRowWriter"/>: the generic shredding path (through <see cref="RecordWriter"/>, which
/// derives every level itself) that the block writer used before the direct vParquet4 shredder. The byte-identity test
/// writes the same traces through both and compares the files.
/// Writes one <c>tempopb.Trace</c> as one vParquet4 row straight into a <see cref="RecordWriter"/>, without building
/// an intermediate object tree (the block writer's hot path). The mapping is Tempo's <c>traceToParquet</c>
/// (vparquet4/schema.go):
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
internal sealed class RecordWriterTraceRowWriter
{
    // Attribute classes in the scratch array: generic, one of the well-known columns, or dedicated column i.
    private const int Generic = -1;
    private const int DedicatedBase = 100;

    private readonly DedicatedColumnMapping _resourceColumns;
    private readonly DedicatedColumnMapping _spanColumns;
    private readonly NestedSetModel _nestedSet = new();

    private Span[] _spans = new Span[64];
    private int[] _attributeClass = new int[32];
    private readonly ServiceStatsTally _services = new();
    private int _spanIndex;

    public RecordWriterTraceRowWriter(IReadOnlyList<DedicatedColumn> dedicatedColumns)
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

        var spanCount = CollectSpans(trace, out var start, out var end, out var rootSpan, out var rootResource);
        var connected = _nestedSet.Assign(Array.ConvertAll(_spans[..spanCount], static span => new WireTraceLayout.SpanEntry
        {
            IdKey = WireTraceLayout.SpanKey(span.SpanId.Span),
            ParentKey = WireTraceLayout.SpanKey(span.ParentSpanId.Span),
            HasParent = !span.ParentSpanId.IsEmpty,
            Kind = (int)span.Kind,
        }), spanCount);

        writer.BeginRecord();
        WriteTraceLevel(writer, traceId, start, end, rootSpan, rootResource);

        _spanIndex = 0;
        var batches = trace.ResourceSpans;
        if (batches.Count == 0)
        {
            writer.WriteEmptyGroup(TraceFields.ResourceSpans);
        }
        else
        {
            writer.BeginList(TraceFields.ResourceSpans);
            for (var i = 0; i < batches.Count; i++)
            {
                writer.BeginListElement();
                WriteResourceSpans(writer, batches[i]);
                writer.EndListElement();
            }
            writer.EndList();
        }
        writer.EndRecord();

        Array.Clear(_spans, 0, spanCount);
        return new TraceRowSummary(start, end, spanCount, connected, rootSpan is not null);
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
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            var stats = _services.SlotOf(System.Text.Encoding.UTF8.GetBytes(ServiceNameOf(batch)));
            var scopes = batch.ScopeSpans;
            for (var s = 0; s < scopes.Count; s++)
            {
                var spans = scopes[s].Spans;
                for (var i = 0; i < spans.Count; i++)
                {
                    var span = spans[i];
                    if (count == _spans.Length)
                    {
                        Array.Resize(ref _spans, _spans.Length * 2);
                    }
                    _spans[count++] = span;

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

                    _services.Add(stats, (int)(span.Status?.Code ?? 0));
                }
            }
        }
        return count;
    }

    private void WriteTraceLevel(RecordWriter writer, ReadOnlySpan<byte> traceId, ulong start, ulong end, Span? rootSpan,
        ResourceSpans? rootResource)
    {
        Span<byte> id = stackalloc byte[Core.Ids.TraceId.Length];
        Core.Ids.TraceId.PadTo16Bytes(traceId, id);
        writer.WriteBytesField(TraceFields.TraceId, id);

        Span<char> hex = stackalloc char[Core.Ids.TraceId.HexLength];
        writer.WriteStringField(TraceFields.TraceIdText, TraceIdText.Format(id, hex));

        WriteUInt64(writer, TraceFields.StartTimeUnixNano, start);
        WriteUInt64(writer, TraceFields.EndTimeUnixNano, end);
        WriteUInt64(writer, TraceFields.DurationNano, end - start);

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
        WriteString(writer, TraceFields.RootServiceName, rootServiceName);
        WriteString(writer, TraceFields.RootSpanName, rootSpanName);

        if (_services.Count == 0)
        {
            writer.WriteEmptyGroup(TraceFields.ServiceStats);
        }
        else
        {
            // The MAP's repeated key_value group, one entry per service.
            writer.BeginField(TraceFields.ServiceStats);
            writer.BeginGroup();
            writer.BeginField(WrapperFields.Repeated);
            for (var i = 0; i < _services.Count; i++)
            {
                writer.BeginGroup();
                WriteString(writer, WrapperFields.MapKey, System.Text.Encoding.UTF8.GetString(_services.Name(i)));
                writer.BeginField(WrapperFields.MapValue);
                writer.BeginGroup();
                WriteInt32(writer, ServiceStatsFields.SpanCount, _services.SpanCount(i));
                WriteInt32(writer, ServiceStatsFields.ErrorCount, _services.ErrorCount(i));
                writer.EndGroup();
                writer.EndField();
                writer.EndGroup();
            }
            writer.EndField();
            writer.EndGroup();
            writer.EndField();
        }
    }

    private void WriteResourceSpans(RecordWriter writer, ResourceSpans batch)
    {
        writer.BeginGroup();
        writer.BeginField(ResourceSpansFields.Resource);
        WriteResource(writer, batch.Resource);
        writer.EndField();

        var scopes = batch.ScopeSpans;
        if (scopes.Count == 0)
        {
            writer.WriteEmptyGroup(ResourceSpansFields.ScopeSpans);
        }
        else
        {
            writer.BeginList(ResourceSpansFields.ScopeSpans);
            for (var i = 0; i < scopes.Count; i++)
            {
                writer.BeginListElement();
                WriteScopeSpans(writer, scopes[i]);
                writer.EndListElement();
            }
            writer.EndList();
        }
        writer.EndGroup();
    }

    private void WriteResource(RecordWriter writer, OpenTelemetry.Proto.Resource.V1.Resource? resource)
    {
        writer.BeginGroup();
        RepeatedField<KeyValue>? attributes = resource?.Attributes;
        var attributeCount = attributes?.Count ?? 0;
        var classes = ClassScratch(attributeCount);

        // Classify first: the well-known and dedicated columns come after Attrs in the schema, and a key seen twice
        // keeps its last value (Tempo overwrites the column pointer).
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

        var dropped = WriteGenericAttributes(writer, ResourceFields.Attrs, attributes, classes);
        WriteInt32(writer, ResourceFields.DroppedAttributesCount, unchecked((int)(resource?.DroppedAttributesCount ?? 0)) + dropped);
        WriteString(writer, ResourceFields.ServiceName, serviceName >= 0 ? attributes![serviceName].Value.StringValue : "");

        for (var column = 0; column < WellKnownKeys.ResourceOptional.Length; column++)
        {
            var last = TraceRowWriter.LastOfClass(classes, attributeCount, 1 + column);
            if (last >= 0)
            {
                WriteString(writer, ResourceFields.FirstWellKnownOptional + column, attributes![last].Value.StringValue);
            }
        }

        WriteDedicated(writer, ResourceFields.DedicatedAttributes, attributes, classes, attributeCount, _resourceColumns.Count);
        writer.EndGroup();
    }

    private void WriteScopeSpans(RecordWriter writer, ScopeSpans scopeSpans)
    {
        writer.BeginGroup();
        var scope = scopeSpans.Scope;
        writer.BeginField(ScopeSpansFields.Scope);
        writer.BeginGroup();
        WriteString(writer, ScopeFields.Name, scope?.Name ?? "");
        WriteString(writer, ScopeFields.Version, scope?.Version ?? "");
        var dropped = WriteGenericAttributes(writer, ScopeFields.Attrs, scope?.Attributes, classes: null);
        WriteInt32(writer, ScopeFields.DroppedAttributesCount, unchecked((int)(scope?.DroppedAttributesCount ?? 0)) + dropped);
        writer.EndGroup();
        writer.EndField();

        var spans = scopeSpans.Spans;
        if (spans.Count == 0)
        {
            writer.WriteEmptyGroup(ScopeSpansFields.Spans);
        }
        else
        {
            writer.BeginList(ScopeSpansFields.Spans);
            for (var i = 0; i < spans.Count; i++)
            {
                writer.BeginListElement();
                WriteSpan(writer, spans[i], _spanIndex++);
                writer.EndListElement();
            }
            writer.EndList();
        }
        writer.EndGroup();
    }

    private void WriteSpan(RecordWriter writer, Span span, int index)
    {
        writer.BeginGroup();
        WriteBytes(writer, SpanFields.SpanId, span.SpanId);
        WriteBytes(writer, SpanFields.ParentSpanId, span.ParentSpanId);
        WriteInt32(writer, SpanFields.ParentId, _nestedSet.ParentId[index]);
        WriteInt32(writer, SpanFields.NestedSetLeft, _nestedSet.Left[index]);
        WriteInt32(writer, SpanFields.NestedSetRight, _nestedSet.Right[index]);
        WriteString(writer, SpanFields.Name, span.Name);
        WriteInt64(writer, SpanFields.Kind, (long)span.Kind);
        WriteString(writer, SpanFields.TraceState, span.TraceState);
        WriteUInt64(writer, SpanFields.StartTimeUnixNano, span.StartTimeUnixNano);
        WriteUInt64(writer, SpanFields.DurationNano, span.EndTimeUnixNano - span.StartTimeUnixNano);
        var status = span.Status;
        WriteInt64(writer, SpanFields.StatusCode, status is null ? 0 : (long)status.Code);
        WriteString(writer, SpanFields.StatusMessage, status?.Message ?? "");

        var attributes = span.Attributes;
        var attributeCount = attributes.Count;
        var classes = ClassScratch(attributeCount);
        int httpMethod = -1, httpUrl = -1, httpStatus = -1;
        for (var i = 0; i < attributeCount; i++)
        {
            var attribute = attributes[i];
            classes[i] = Generic;
            var valueCase = attribute.Value?.ValueCase ?? AnyValue.ValueOneofCase.None;
            var key = attribute.Key;
            if (valueCase == AnyValue.ValueOneofCase.StringValue && key == WellKnownKeys.HttpMethod)
            {
                classes[i] = 0;
                httpMethod = i;
            }
            else if (valueCase == AnyValue.ValueOneofCase.StringValue && key == WellKnownKeys.HttpUrl)
            {
                classes[i] = 1;
                httpUrl = i;
            }
            else if (valueCase == AnyValue.ValueOneofCase.IntValue && key == WellKnownKeys.HttpStatusCode)
            {
                classes[i] = 2;
                httpStatus = i;
            }
            else if (valueCase == AnyValue.ValueOneofCase.StringValue)
            {
                var dedicated = _spanColumns.IndexOf(key);
                if (dedicated >= 0)
                {
                    classes[i] = DedicatedBase + dedicated;
                }
            }
        }

        var dropped = WriteGenericAttributes(writer, SpanFields.Attrs, attributes, classes);
        WriteInt32(writer, SpanFields.DroppedAttributesCount, unchecked((int)span.DroppedAttributesCount) + dropped);

        var events = span.Events;
        if (events.Count == 0)
        {
            writer.WriteEmptyGroup(SpanFields.Events);
        }
        else
        {
            writer.BeginList(SpanFields.Events);
            for (var i = 0; i < events.Count; i++)
            {
                writer.BeginListElement();
                WriteEvent(writer, events[i], span.StartTimeUnixNano);
                writer.EndListElement();
            }
            writer.EndList();
        }
        WriteInt32(writer, SpanFields.DroppedEventsCount, unchecked((int)span.DroppedEventsCount));

        var links = span.Links;
        if (links.Count == 0)
        {
            writer.WriteEmptyGroup(SpanFields.Links);
        }
        else
        {
            writer.BeginList(SpanFields.Links);
            for (var i = 0; i < links.Count; i++)
            {
                writer.BeginListElement();
                WriteLink(writer, links[i]);
                writer.EndListElement();
            }
            writer.EndList();
        }
        WriteInt32(writer, SpanFields.DroppedLinksCount, unchecked((int)span.DroppedLinksCount));

        if (httpMethod >= 0)
        {
            WriteString(writer, SpanFields.HttpMethod, attributes[httpMethod].Value.StringValue);
        }
        if (httpUrl >= 0)
        {
            WriteString(writer, SpanFields.HttpUrl, attributes[httpUrl].Value.StringValue);
        }
        if (httpStatus >= 0)
        {
            WriteInt64(writer, SpanFields.HttpStatusCode, attributes[httpStatus].Value.IntValue);
        }

        // Events and links above reused the class scratch, so the dedicated columns are found from the keys again.
        writer.BeginField(SpanFields.DedicatedAttributes);
        writer.BeginGroup();
        for (var column = 0; column < _spanColumns.Count; column++)
        {
            var last = LastDedicatedSpanValue(attributes, _spanColumns.Names[column]);
            if (last >= 0)
            {
                WriteString(writer, column, attributes[last].Value.StringValue);
            }
        }
        writer.EndGroup();
        writer.EndField();
        writer.EndGroup();
    }

    /// <summary>The last string attribute named <paramref name="name"/> that no well-known span column took, or -1.</summary>
    private static int LastDedicatedSpanValue(RepeatedField<KeyValue> attributes, string name)
    {
        if (name == WellKnownKeys.HttpMethod || name == WellKnownKeys.HttpUrl)
        {
            return -1;
        }
        for (var i = attributes.Count - 1; i >= 0; i--)
        {
            var attribute = attributes[i];
            if (attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue && attribute.Key == name)
            {
                return i;
            }
        }
        return -1;
    }

    private void WriteEvent(RecordWriter writer, Span.Types.Event spanEvent, ulong spanStart)
    {
        writer.BeginGroup();
        WriteUInt64(writer, EventFields.TimeSinceStartNano, spanEvent.TimeUnixNano - spanStart);
        WriteString(writer, EventFields.Name, spanEvent.Name);
        var attributes = spanEvent.Attributes;
        var dropped = WriteGenericAttributes(writer, EventFields.Attrs, attributes, classes: null);
        WriteInt32(writer, EventFields.DroppedAttributesCount, unchecked((int)spanEvent.DroppedAttributesCount) + dropped);
        writer.EndGroup();
    }

    private void WriteLink(RecordWriter writer, Span.Types.Link link)
    {
        writer.BeginGroup();
        WriteBytes(writer, LinkFields.TraceId, link.TraceId);
        WriteBytes(writer, LinkFields.SpanId, link.SpanId);
        WriteString(writer, LinkFields.TraceState, link.TraceState);
        var attributes = link.Attributes;
        var dropped = WriteGenericAttributes(writer, LinkFields.Attrs, attributes, classes: null);
        WriteInt32(writer, LinkFields.DroppedAttributesCount, unchecked((int)link.DroppedAttributesCount) + dropped);
        writer.EndGroup();
    }

    /// <summary>
    /// Writes the Attrs list with the attributes classified <see cref="Generic"/> (all of them when
    /// <paramref name="classes"/> is null); returns how many were "not supported".
    /// </summary>
    private static int WriteGenericAttributes(RecordWriter writer, int field, RepeatedField<KeyValue>? attributes, int[]? classes)
    {
        var count = attributes?.Count ?? 0;
        var generic = count;
        if (classes is not null)
        {
            generic = 0;
            for (var i = 0; i < count; i++)
            {
                if (classes[i] == Generic)
                {
                    generic++;
                }
            }
        }
        if (generic == 0)
        {
            writer.WriteEmptyGroup(field);
            return 0;
        }

        var unsupported = 0;
        writer.BeginList(field);
        for (var i = 0; i < count; i++)
        {
            if (classes is not null && classes[i] != Generic)
            {
                continue;
            }
            writer.BeginListElement();
            if (!RecordWriterAttributeWriter.Write(writer, attributes![i]))
            {
                unsupported++;
            }
            writer.EndListElement();
        }
        writer.EndList();
        return unsupported;
    }

    /// <summary>The DedicatedAttributes group: String01..String10, each the last value of its attribute, or null.</summary>
    private static void WriteDedicated(RecordWriter writer, int field, RepeatedField<KeyValue>? attributes, int[] classes, int attributeCount,
        int columnCount)
    {
        writer.BeginField(field);
        writer.BeginGroup();
        for (var column = 0; column < columnCount; column++)
        {
            var last = TraceRowWriter.LastOfClass(classes, attributeCount, DedicatedBase + column);
            if (last >= 0)
            {
                WriteString(writer, column, attributes![last].Value.StringValue);
            }
        }
        writer.EndGroup();
        writer.EndField();
    }

    private int[] ClassScratch(int count)
    {
        if (_attributeClass.Length < count)
        {
            _attributeClass = new int[Math.Max(count, _attributeClass.Length * 2)];
        }
        return _attributeClass;
    }

    private static void WriteString(RecordWriter writer, int field, string value) => writer.WriteStringField(field, value);

    private static void WriteBytes(RecordWriter writer, int field, ByteString value) => writer.WriteBytesField(field, value.Span);

    private static void WriteInt32(RecordWriter writer, int field, int value) => writer.WriteInt32Field(field, value);

    private static void WriteInt64(RecordWriter writer, int field, long value) => writer.WriteInt64Field(field, value);

    /// <summary>UINT_64 columns hold the unsigned value's bits in INT64.</summary>
    private static void WriteUInt64(RecordWriter writer, int field, ulong value) => WriteInt64(writer, field, unchecked((long)value));

    /// <summary>The resource's ServiceName column value: the last string <c>service.name</c>, else empty.</summary>
    private static string ServiceNameOf(ResourceSpans batch)
    {
        var attributes = batch.Resource?.Attributes;
        if (attributes is null)
        {
            return "";
        }
        var name = "";
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == "service.name" && attributes[i].Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
            {
                name = attributes[i].Value.StringValue;
            }
        }
        return name;
    }
}
