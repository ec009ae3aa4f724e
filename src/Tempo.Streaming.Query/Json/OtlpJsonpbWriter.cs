using System.Text.Json;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Tempo.Streaming.Query.Json;

/// <summary>
/// OTLP trace messages in the JSON that Tempo's HTTP API produces: gogo/protobuf's <c>jsonpb.Marshaler{}</c>
/// (EmitDefaults false, OrigName false) over Tempo's generated Go types. That means
/// <list type="bullet">
/// <item>lowerCamel names, fields in proto declaration order (Go struct order — e.g. span <c>flags</c> right after
/// <c>parentSpanId</c>, status <c>message</c> before <c>code</c>);</item>
/// <item>zero scalars, empty strings/bytes and empty lists omitted; message fields printed whenever set, even when empty
/// (Tempo's Go types hold them as pointers: a span whose status was sent empty prints <c>"status":{}</c>, a span
/// without status prints nothing — Google.Protobuf's null/non-null carries exactly that distinction);</item>
/// <item>bytes (IDs included) as standard padded base64 — Tempo does not hex them (grafana/tempo#5437, the hex PR
/// #5466 was closed unmerged);</item>
/// <item>64-bit integers as strings, 32-bit as numbers, doubles as numbers or "NaN"/"Infinity"/"-Infinity";</item>
/// <item>enums by name, unknown enum numbers as bare numbers (jsonpb quotes only names it knows);</item>
/// <item>the set member of an AnyValue oneof always printed, even a zero (<c>{"intValue":"0"}</c>).</item>
/// </list>
/// Property names are pre-encoded, IDs go straight from the message's bytes into the writer and lists are walked by
/// index (RepeatedField's enumerator is a heap object), so writing a span
/// allocates nothing.
/// </summary>
public static class OtlpJsonpbWriter
{
    private static readonly JsonEncodedText Resource = JsonEncodedText.Encode("resource");
    private static readonly JsonEncodedText ScopeSpans = JsonEncodedText.Encode("scopeSpans");
    private static readonly JsonEncodedText SchemaUrl = JsonEncodedText.Encode("schemaUrl");
    private static readonly JsonEncodedText Scope = JsonEncodedText.Encode("scope");
    private static readonly JsonEncodedText Spans = JsonEncodedText.Encode("spans");
    private static readonly JsonEncodedText Attributes = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText DroppedAttributesCount = JsonEncodedText.Encode("droppedAttributesCount");
    private static readonly JsonEncodedText EntityRefs = JsonEncodedText.Encode("entityRefs");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText IdKeys = JsonEncodedText.Encode("idKeys");
    private static readonly JsonEncodedText DescriptionKeys = JsonEncodedText.Encode("descriptionKeys");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText TraceId = JsonEncodedText.Encode("traceId");
    private static readonly JsonEncodedText SpanId = JsonEncodedText.Encode("spanId");
    private static readonly JsonEncodedText TraceState = JsonEncodedText.Encode("traceState");
    private static readonly JsonEncodedText ParentSpanId = JsonEncodedText.Encode("parentSpanId");
    private static readonly JsonEncodedText Flags = JsonEncodedText.Encode("flags");
    private static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText StartTimeUnixNano = JsonEncodedText.Encode("startTimeUnixNano");
    private static readonly JsonEncodedText EndTimeUnixNano = JsonEncodedText.Encode("endTimeUnixNano");
    private static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText DroppedEventsCount = JsonEncodedText.Encode("droppedEventsCount");
    private static readonly JsonEncodedText Links = JsonEncodedText.Encode("links");
    private static readonly JsonEncodedText DroppedLinksCount = JsonEncodedText.Encode("droppedLinksCount");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText TimeUnixNano = JsonEncodedText.Encode("timeUnixNano");
    private static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Values = JsonEncodedText.Encode("values");
    private static readonly JsonEncodedText StringValue = JsonEncodedText.Encode("stringValue");
    private static readonly JsonEncodedText BoolValue = JsonEncodedText.Encode("boolValue");
    private static readonly JsonEncodedText IntValue = JsonEncodedText.Encode("intValue");
    private static readonly JsonEncodedText DoubleValue = JsonEncodedText.Encode("doubleValue");
    private static readonly JsonEncodedText ArrayValue = JsonEncodedText.Encode("arrayValue");
    private static readonly JsonEncodedText KvlistValue = JsonEncodedText.Encode("kvlistValue");
    private static readonly JsonEncodedText BytesValue = JsonEncodedText.Encode("bytesValue");

    // Enum names by number, as registered in Tempo's (and OTLP's) generated code.
    private static readonly JsonEncodedText[] SpanKindNames =
    [
        JsonEncodedText.Encode("SPAN_KIND_UNSPECIFIED"), JsonEncodedText.Encode("SPAN_KIND_INTERNAL"),
        JsonEncodedText.Encode("SPAN_KIND_SERVER"), JsonEncodedText.Encode("SPAN_KIND_CLIENT"),
        JsonEncodedText.Encode("SPAN_KIND_PRODUCER"), JsonEncodedText.Encode("SPAN_KIND_CONSUMER"),
    ];

    private static readonly JsonEncodedText[] StatusCodeNames =
    [
        JsonEncodedText.Encode("STATUS_CODE_UNSET"), JsonEncodedText.Encode("STATUS_CODE_OK"),
        JsonEncodedText.Encode("STATUS_CODE_ERROR"),
    ];

    /// <summary>Span kind name as Go's enum <c>String()</c> gives it; the number for values outside the enum.</summary>
    public static string SpanKindName(Span.Types.SpanKind kind) =>
        (uint)kind < (uint)SpanKindNames.Length ? SpanKindNames[(int)kind].ToString() : ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Status code name as Go's enum <c>String()</c> gives it; the number for values outside the enum.</summary>
    public static string StatusCodeName(Status.Types.StatusCode code) =>
        (uint)code < (uint)StatusCodeNames.Length ? StatusCodeNames[(int)code].ToString() : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A <c>tempopb.Trace</c> object whose ResourceSpans list is named <paramref name="resourceSpansName"/>:
    /// <c>batches</c> for the v1 API, <c>resourceSpans</c> inside the v2 <c>TraceByIDResponse</c>.
    /// </summary>
    public static void WriteTrace(Utf8JsonWriter writer, Tempo.Streaming.Tempopb.Trace trace, JsonEncodedText resourceSpansName)
    {
        writer.WriteStartObject();
        if (trace.ResourceSpans.Count > 0)
        {
            writer.WriteStartArray(resourceSpansName);
            for (var batchIndex = 0; batchIndex < trace.ResourceSpans.Count; batchIndex++)
            {
                var batch = trace.ResourceSpans[batchIndex];
                WriteResourceSpans(writer, batch);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public static void WriteResourceSpans(Utf8JsonWriter writer, ResourceSpans batch)
    {
        writer.WriteStartObject();
        if (batch.Resource is { } resource)
        {
            writer.WritePropertyName(Resource);
            WriteResource(writer, resource);
        }

        if (batch.ScopeSpans.Count > 0)
        {
            writer.WriteStartArray(ScopeSpans);
            for (var scopeSpansIndex = 0; scopeSpansIndex < batch.ScopeSpans.Count; scopeSpansIndex++)
            {
                var scopeSpans = batch.ScopeSpans[scopeSpansIndex];
                WriteScopeSpans(writer, scopeSpans);
            }

            writer.WriteEndArray();
        }

        WriteNonEmpty(writer, SchemaUrl, batch.SchemaUrl);
        writer.WriteEndObject();
    }

    public static void WriteResource(Utf8JsonWriter writer, Resource resource)
    {
        writer.WriteStartObject();
        WriteAttributes(writer, Attributes, resource.Attributes);
        WriteNonZero(writer, DroppedAttributesCount, resource.DroppedAttributesCount);
        if (resource.EntityRefs.Count > 0)
        {
            writer.WriteStartArray(EntityRefs);
            for (var entityIndex = 0; entityIndex < resource.EntityRefs.Count; entityIndex++)
            {
                var entity = resource.EntityRefs[entityIndex];
                writer.WriteStartObject();
                WriteNonEmpty(writer, SchemaUrl, entity.SchemaUrl);
                WriteNonEmpty(writer, Type, entity.Type);
                WriteStrings(writer, IdKeys, entity.IdKeys);
                WriteStrings(writer, DescriptionKeys, entity.DescriptionKeys);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public static void WriteScopeSpans(Utf8JsonWriter writer, ScopeSpans scopeSpans)
    {
        writer.WriteStartObject();
        if (scopeSpans.Scope is { } scope)
        {
            writer.WritePropertyName(Scope);
            writer.WriteStartObject();
            WriteNonEmpty(writer, Name, scope.Name);
            WriteNonEmpty(writer, Version, scope.Version);
            WriteAttributes(writer, Attributes, scope.Attributes);
            WriteNonZero(writer, DroppedAttributesCount, scope.DroppedAttributesCount);
            writer.WriteEndObject();
        }

        if (scopeSpans.Spans.Count > 0)
        {
            writer.WriteStartArray(Spans);
            for (var spanIndex = 0; spanIndex < scopeSpans.Spans.Count; spanIndex++)
            {
                var span = scopeSpans.Spans[spanIndex];
                WriteSpan(writer, span);
            }

            writer.WriteEndArray();
        }

        WriteNonEmpty(writer, SchemaUrl, scopeSpans.SchemaUrl);
        writer.WriteEndObject();
    }

    public static void WriteSpan(Utf8JsonWriter writer, Span span)
    {
        writer.WriteStartObject();
        WriteBytes(writer, TraceId, span.TraceId.Span);
        WriteBytes(writer, SpanId, span.SpanId.Span);
        WriteNonEmpty(writer, TraceState, span.TraceState);
        WriteBytes(writer, ParentSpanId, span.ParentSpanId.Span);
        WriteNonZero(writer, Flags, span.Flags);
        WriteNonEmpty(writer, Name, span.Name);
        WriteEnum(writer, Kind, (int)span.Kind, SpanKindNames);
        if (span.StartTimeUnixNano != 0)
        {
            TempoJson.WriteUInt64String(writer, StartTimeUnixNano, span.StartTimeUnixNano);
        }

        if (span.EndTimeUnixNano != 0)
        {
            TempoJson.WriteUInt64String(writer, EndTimeUnixNano, span.EndTimeUnixNano);
        }

        WriteAttributes(writer, Attributes, span.Attributes);
        WriteNonZero(writer, DroppedAttributesCount, span.DroppedAttributesCount);
        if (span.Events.Count > 0)
        {
            writer.WriteStartArray(Events);
            for (var spanEventIndex = 0; spanEventIndex < span.Events.Count; spanEventIndex++)
            {
                var spanEvent = span.Events[spanEventIndex];
                writer.WriteStartObject();
                if (spanEvent.TimeUnixNano != 0)
                {
                    TempoJson.WriteUInt64String(writer, TimeUnixNano, spanEvent.TimeUnixNano);
                }

                WriteNonEmpty(writer, Name, spanEvent.Name);
                WriteAttributes(writer, Attributes, spanEvent.Attributes);
                WriteNonZero(writer, DroppedAttributesCount, spanEvent.DroppedAttributesCount);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteNonZero(writer, DroppedEventsCount, span.DroppedEventsCount);
        if (span.Links.Count > 0)
        {
            writer.WriteStartArray(Links);
            for (var linkIndex = 0; linkIndex < span.Links.Count; linkIndex++)
            {
                var link = span.Links[linkIndex];
                writer.WriteStartObject();
                WriteBytes(writer, TraceId, link.TraceId.Span);
                WriteBytes(writer, SpanId, link.SpanId.Span);
                WriteNonEmpty(writer, TraceState, link.TraceState);
                WriteAttributes(writer, Attributes, link.Attributes);
                WriteNonZero(writer, DroppedAttributesCount, link.DroppedAttributesCount);
                WriteNonZero(writer, Flags, link.Flags);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteNonZero(writer, DroppedLinksCount, span.DroppedLinksCount);
        if (span.Status is { } status)
        {
            writer.WritePropertyName(Status);
            writer.WriteStartObject();
            WriteNonEmpty(writer, Message, status.Message);
            WriteEnum(writer, Code, (int)status.Code, StatusCodeNames);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static void WriteKeyValue(Utf8JsonWriter writer, KeyValue keyValue)
    {
        writer.WriteStartObject();
        WriteNonEmpty(writer, Key, keyValue.Key);
        if (keyValue.Value is { } value)
        {
            writer.WritePropertyName(Value);
            WriteAnyValue(writer, value);
        }

        writer.WriteEndObject();
    }

    public static void WriteAnyValue(Utf8JsonWriter writer, AnyValue value)
    {
        writer.WriteStartObject();
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.WriteString(StringValue, value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBoolean(BoolValue, value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                TempoJson.WriteInt64String(writer, IntValue, value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                writer.WritePropertyName(DoubleValue);
                GoJsonFloat.WriteValue(writer, value.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WritePropertyName(ArrayValue);
                writer.WriteStartObject();
                if (value.ArrayValue.Values.Count > 0)
                {
                    writer.WriteStartArray(Values);
                    for (var itemIndex = 0; itemIndex < value.ArrayValue.Values.Count; itemIndex++)
                    {
                        var item = value.ArrayValue.Values[itemIndex];
                        WriteAnyValue(writer, item);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                writer.WritePropertyName(KvlistValue);
                writer.WriteStartObject();
                WriteAttributes(writer, Values, value.KvlistValue.Values);
                writer.WriteEndObject();
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                // A set oneof member is printed even when empty: "bytesValue":"".
                writer.WriteBase64String(BytesValue, value.BytesValue.Span);
                break;
            case AnyValue.ValueOneofCase.None:
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter writer, JsonEncodedText name, Google.Protobuf.Collections.RepeatedField<KeyValue> attributes)
    {
        if (attributes.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        for (var attributeIndex = 0; attributeIndex < attributes.Count; attributeIndex++)
        {
            var attribute = attributes[attributeIndex];
            WriteKeyValue(writer, attribute);
        }

        writer.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter writer, JsonEncodedText name, Google.Protobuf.Collections.RepeatedField<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        for (var valueIndex = 0; valueIndex < values.Count; valueIndex++)
        {
            var value = values[valueIndex];
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteBytes(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            writer.WriteBase64String(name, bytes);
        }
    }

    private static void WriteNonEmpty(Utf8JsonWriter writer, JsonEncodedText name, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNonZero(Utf8JsonWriter writer, JsonEncodedText name, uint value)
    {
        if (value != 0)
        {
            writer.WriteNumber(name, value);
        }
    }

    private static void WriteEnum(Utf8JsonWriter writer, JsonEncodedText name, int value, JsonEncodedText[] names)
    {
        if (value == 0)
        {
            return;
        }

        if ((uint)value < (uint)names.Length)
        {
            writer.WriteString(name, names[value]);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }
}
