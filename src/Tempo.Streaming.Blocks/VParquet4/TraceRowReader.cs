using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet;
using Resource = OpenTelemetry.Proto.Resource.V1.Resource;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Turns an assembled vParquet4 row (<see cref="ParquetGroup"/> from <see cref="RecordReader"/>) back into a
/// <c>tempopb.Trace</c>, the way Tempo's <c>parquetTraceToTempopbTrace</c> does: every resource, scope and span gets
/// its Resource/Scope/Status objects; span attributes come back as the generic ones (in stored order), then the
/// dedicated columns (in meta.json order), then <c>http.method</c>, <c>http.url</c>, <c>http.status_code</c>; resource
/// attributes as generic, dedicated, <c>service.name</c> (when not empty), then cluster … k8s.container.name; span
/// trace IDs are the row's 16-byte TraceID. "Not supported" values are restored from their ValueDropped JSON and the
/// owner's dropped count decremented again, so a trace written by <see cref="TraceRowWriter"/> reads back equal up
/// to attribute order.
/// </summary>
public sealed class TraceRowReader
{
    private static readonly JsonParser UnsupportedValueJson = new(JsonParser.Settings.Default);

    private readonly DedicatedColumnMapping _resourceColumns;
    private readonly DedicatedColumnMapping _spanColumns;

    public TraceRowReader(IReadOnlyList<DedicatedColumn> dedicatedColumns)
    {
        ArgumentNullException.ThrowIfNull(dedicatedColumns);
        _resourceColumns = DedicatedColumnMapping.For(dedicatedColumns, DedicatedColumn.ScopeResource);
        _spanColumns = DedicatedColumnMapping.For(dedicatedColumns, DedicatedColumn.ScopeSpan);
    }

    /// <summary>The row's 16-byte TraceID.</summary>
    public static byte[] TraceIdOf(ParquetGroup row) => Required<byte[]>(row, TraceFields.TraceId, "TraceID");

    public Trace Read(ParquetGroup row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var traceId = ByteString.CopyFrom(TraceIdOf(row));
        var trace = new Trace();
        foreach (var item in ListItems(row.Fields[TraceFields.ResourceSpans]))
        {
            trace.ResourceSpans.Add(ReadResourceSpans(Group(item, "rs.list.element"), traceId));
        }
        return trace;
    }

    private ResourceSpans ReadResourceSpans(ParquetGroup group, ByteString traceId)
    {
        var resourceGroup = Group(group.Fields[ResourceSpansFields.Resource], "Resource");
        var resource = new Resource();
        var dropped = Int32(resourceGroup, ResourceFields.DroppedAttributesCount);
        ReadAttributes(resourceGroup.Fields[ResourceFields.Attrs], resource.Attributes, ref dropped);
        resource.DroppedAttributesCount = unchecked((uint)dropped);
        ReadDedicated(resourceGroup.Fields[ResourceFields.DedicatedAttributes], _resourceColumns, resource.Attributes);

        var serviceName = resourceGroup.Fields[ResourceFields.ServiceName] as string ?? "";
        if (serviceName.Length > 0)
        {
            resource.Attributes.Add(StringAttribute(WellKnownKeys.ServiceName, serviceName));
        }
        for (var i = 0; i < WellKnownKeys.ResourceOptional.Length; i++)
        {
            if (resourceGroup.Fields[ResourceFields.FirstWellKnownOptional + i] is string value)
            {
                resource.Attributes.Add(StringAttribute(WellKnownKeys.ResourceOptional[i], value));
            }
        }

        var batch = new ResourceSpans { Resource = resource };
        foreach (var item in ListItems(group.Fields[ResourceSpansFields.ScopeSpans]))
        {
            batch.ScopeSpans.Add(ReadScopeSpans(Group(item, "ss.list.element"), traceId));
        }
        return batch;
    }

    private ScopeSpans ReadScopeSpans(ParquetGroup group, ByteString traceId)
    {
        var scopeGroup = Group(group.Fields[ScopeSpansFields.Scope], "Scope");
        var scope = new InstrumentationScope
        {
            Name = scopeGroup.Fields[ScopeFields.Name] as string ?? "",
            Version = scopeGroup.Fields[ScopeFields.Version] as string ?? "",
        };
        var dropped = Int32(scopeGroup, ScopeFields.DroppedAttributesCount);
        ReadAttributes(scopeGroup.Fields[ScopeFields.Attrs], scope.Attributes, ref dropped);
        scope.DroppedAttributesCount = unchecked((uint)dropped);

        var scopeSpans = new ScopeSpans { Scope = scope };
        foreach (var item in ListItems(group.Fields[ScopeSpansFields.Spans]))
        {
            scopeSpans.Spans.Add(ReadSpan(Group(item, "Spans.list.element"), traceId));
        }
        return scopeSpans;
    }

    private Span ReadSpan(ParquetGroup group, ByteString traceId)
    {
        var start = unchecked((ulong)Int64(group, SpanFields.StartTimeUnixNano));
        var span = new Span
        {
            TraceId = traceId,
            SpanId = Bytes(group, SpanFields.SpanId),
            ParentSpanId = Bytes(group, SpanFields.ParentSpanId),
            Name = group.Fields[SpanFields.Name] as string ?? "",
            Kind = (Span.Types.SpanKind)Int64(group, SpanFields.Kind),
            TraceState = group.Fields[SpanFields.TraceState] as string ?? "",
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + unchecked((ulong)Int64(group, SpanFields.DurationNano)),
            Status = new Status
            {
                Code = (Status.Types.StatusCode)Int64(group, SpanFields.StatusCode),
                Message = group.Fields[SpanFields.StatusMessage] as string ?? "",
            },
            DroppedEventsCount = unchecked((uint)Int32(group, SpanFields.DroppedEventsCount)),
            DroppedLinksCount = unchecked((uint)Int32(group, SpanFields.DroppedLinksCount)),
        };

        var dropped = Int32(group, SpanFields.DroppedAttributesCount);
        ReadAttributes(group.Fields[SpanFields.Attrs], span.Attributes, ref dropped);
        span.DroppedAttributesCount = unchecked((uint)dropped);

        foreach (var item in ListItems(group.Fields[SpanFields.Events]))
        {
            span.Events.Add(ReadEvent(Group(item, "Events.list.element"), start));
        }
        foreach (var item in ListItems(group.Fields[SpanFields.Links]))
        {
            span.Links.Add(ReadLink(Group(item, "Links.list.element")));
        }

        ReadDedicated(group.Fields[SpanFields.DedicatedAttributes], _spanColumns, span.Attributes);
        if (group.Fields[SpanFields.HttpMethod] is string method)
        {
            span.Attributes.Add(StringAttribute(WellKnownKeys.HttpMethod, method));
        }
        if (group.Fields[SpanFields.HttpUrl] is string url)
        {
            span.Attributes.Add(StringAttribute(WellKnownKeys.HttpUrl, url));
        }
        if (group.Fields[SpanFields.HttpStatusCode] is long statusCode)
        {
            span.Attributes.Add(new KeyValue { Key = WellKnownKeys.HttpStatusCode, Value = new AnyValue { IntValue = statusCode } });
        }
        return span;
    }

    private static Span.Types.Event ReadEvent(ParquetGroup group, ulong spanStart)
    {
        var spanEvent = new Span.Types.Event
        {
            TimeUnixNano = unchecked((ulong)Int64(group, EventFields.TimeSinceStartNano) + spanStart),
            Name = group.Fields[EventFields.Name] as string ?? "",
        };
        var dropped = Int32(group, EventFields.DroppedAttributesCount);
        ReadAttributes(group.Fields[EventFields.Attrs], spanEvent.Attributes, ref dropped);
        spanEvent.DroppedAttributesCount = unchecked((uint)dropped);
        return spanEvent;
    }

    private static Span.Types.Link ReadLink(ParquetGroup group)
    {
        var link = new Span.Types.Link
        {
            TraceId = Bytes(group, LinkFields.TraceId),
            SpanId = Bytes(group, LinkFields.SpanId),
            TraceState = group.Fields[LinkFields.TraceState] as string ?? "",
        };
        var dropped = Int32(group, LinkFields.DroppedAttributesCount);
        ReadAttributes(group.Fields[LinkFields.Attrs], link.Attributes, ref dropped);
        link.DroppedAttributesCount = unchecked((uint)dropped);
        return link;
    }

    /// <summary>Appends the generic attributes; restoring a dropped ("not supported") one takes it off <paramref name="dropped"/>.</summary>
    private static void ReadAttributes(object? attrs, RepeatedField<KeyValue> destination, ref int dropped)
    {
        foreach (var item in ListItems(attrs))
        {
            var attribute = Group(item, "Attrs.list.element");
            var key = attribute.Fields[AttributeFields.Key] as string ?? "";
            var type = (AttributeValueType)Int32(attribute, AttributeFields.ValueType);
            AnyValue value;
            switch (type)
            {
                case AttributeValueType.String:
                    value = new AnyValue { StringValue = FirstElement(attribute.Fields[AttributeFields.Value]) as string ?? "" };
                    break;
                case AttributeValueType.Int:
                    value = new AnyValue { IntValue = FirstElement(attribute.Fields[AttributeFields.ValueInt]) as long? ?? 0 };
                    break;
                case AttributeValueType.Double:
                    value = new AnyValue { DoubleValue = FirstElement(attribute.Fields[AttributeFields.ValueDouble]) as double? ?? 0 };
                    break;
                case AttributeValueType.Bool:
                    value = new AnyValue { BoolValue = FirstElement(attribute.Fields[AttributeFields.ValueBool]) as bool? ?? false };
                    break;
                case AttributeValueType.StringArray:
                case AttributeValueType.IntArray:
                case AttributeValueType.DoubleArray:
                case AttributeValueType.BoolArray:
                    value = new AnyValue { ArrayValue = ReadArray(attribute, type) };
                    break;
                case AttributeValueType.NotSupported:
                    // Tempo skips an empty ValueDropped and keeps the count; a JSON it cannot parse becomes an empty value.
                    if (attribute.Fields[AttributeFields.ValueDropped] is not string json || json.Length == 0)
                    {
                        continue;
                    }
                    value = ParseUnsupported(json);
                    dropped--;
                    break;
                default:
                    // A ValueType this version does not know: Tempo skips the attribute.
                    continue;
            }
            destination.Add(new KeyValue { Key = key, Value = value });
        }
    }

    private static ArrayValue ReadArray(ParquetGroup attribute, AttributeValueType type)
    {
        var array = new ArrayValue();
        var field = AttributeFields.Value + (type - AttributeValueType.StringArray);
        foreach (var item in ListItems(attribute.Fields[field]))
        {
            var element = ElementOf(item);
            array.Values.Add(type switch
            {
                AttributeValueType.StringArray => new AnyValue { StringValue = element as string ?? "" },
                AttributeValueType.IntArray => new AnyValue { IntValue = element as long? ?? 0 },
                AttributeValueType.DoubleArray => new AnyValue { DoubleValue = element as double? ?? 0 },
                _ => new AnyValue { BoolValue = element as bool? ?? false },
            });
        }
        return array;
    }

    private static AnyValue ParseUnsupported(string json)
    {
        try
        {
            return UnsupportedValueJson.Parse<AnyValue>(json);
        }
        catch (InvalidProtocolBufferException)
        {
            return new AnyValue();
        }
        catch (InvalidJsonException)
        {
            return new AnyValue();
        }
    }

    private static void ReadDedicated(object? dedicatedGroup, DedicatedColumnMapping mapping, RepeatedField<KeyValue> destination)
    {
        if (mapping.Count == 0 || dedicatedGroup is not ParquetGroup group)
        {
            return;
        }
        for (var i = 0; i < mapping.Count; i++)
        {
            if (group.Fields[i] is string value)
            {
                destination.Add(StringAttribute(mapping.Names[i], value));
            }
        }
    }

    private static KeyValue StringAttribute(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    /// <summary>The items of a LIST-annotated group value (its repeated <c>list</c> field); empty when absent.</summary>
    internal static List<object?> ListItems(object? listGroup)
    {
        if (listGroup is ParquetGroup group && group.Fields[WrapperFields.Repeated] is List<object?> items)
        {
            return items;
        }
        return [];
    }

    /// <summary>The <c>element</c> of one list item.</summary>
    internal static object? ElementOf(object? item) => item is ParquetGroup entry ? entry.Fields[WrapperFields.Element] : null;

    private static object? FirstElement(object? listGroup)
    {
        var items = ListItems(listGroup);
        return items.Count == 0 ? null : ElementOf(items[0]);
    }

    private static ParquetGroup Group(object? item, string what)
    {
        // List items are the repeated "list" groups; their element is the struct.
        var value = item is ParquetGroup { Schema.Name: "list" } entry ? entry.Fields[WrapperFields.Element] : item;
        return value as ParquetGroup ?? throw new ParquetFormatException($"vParquet4 row: {what} is missing or not a group");
    }

    private static T Required<T>(ParquetGroup group, int field, string what) where T : class =>
        group.Fields[field] as T ?? throw new ParquetFormatException($"vParquet4 row: required column {what} is missing");

    private static ByteString Bytes(ParquetGroup group, int field) =>
        group.Fields[field] is byte[] bytes ? ByteString.CopyFrom(bytes) : ByteString.Empty;

    private static int Int32(ParquetGroup group, int field) => group.Fields[field] is int value ? value : 0;

    private static long Int64(ParquetGroup group, int field) => group.Fields[field] is long value ? value : 0;
}
