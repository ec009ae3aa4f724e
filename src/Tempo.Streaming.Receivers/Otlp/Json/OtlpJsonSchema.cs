using System.Text;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Receivers.Otlp.Json;

/// <summary>How a field's JSON value is read and which wire type it is written with.</summary>
internal enum FieldKind : byte
{
    /// <summary>proto <c>string</c>: a JSON string.</summary>
    String,

    /// <summary>proto <c>bytes</c> holding a trace or span ID: OTLP/JSON writes it as hex, not base64.</summary>
    HexId,

    /// <summary>proto <c>bytes</c> (AnyValue.bytes_value): base64, as the proto3 JSON mapping says.</summary>
    Base64,

    /// <summary>proto <c>uint32</c>: number or decimal string.</summary>
    UInt32,

    /// <summary>proto <c>fixed32</c>: number or decimal string.</summary>
    Fixed32,

    /// <summary>proto <c>int64</c>: number or decimal string.</summary>
    Int64,

    /// <summary>proto <c>fixed64</c>: number or decimal string.</summary>
    Fixed64,

    /// <summary>proto <c>double</c>: number, numeric string, or "NaN", "Infinity", "-Infinity".</summary>
    Double,

    /// <summary>proto <c>bool</c>: true or false.</summary>
    Bool,

    /// <summary>proto enum: integer, or the value's name.</summary>
    Enum,

    /// <summary>An embedded message: a JSON object.</summary>
    Message,

    /// <summary>A repeated embedded message: a JSON array of objects.</summary>
    RepeatedMessage,

    /// <summary>A repeated string: a JSON array of strings.</summary>
    RepeatedString,
}

internal sealed class FieldSpec
{
    public FieldSpec(int number, string protoName, FieldKind kind, MessageSchema? message = null, EnumSpec? enumSpec = null)
    {
        Number = number;
        ProtoName = protoName;
        JsonName = ToLowerCamel(protoName);
        Kind = kind;
        Message = message;
        Enum = enumSpec;
        Tag = WireTag.Make(number, WireTypeOf(kind));
    }

    public int Number { get; }

    public string ProtoName { get; }

    public string JsonName { get; }

    public FieldKind Kind { get; }

    public MessageSchema? Message { get; }

    public EnumSpec? Enum { get; }

    public uint Tag { get; }

    /// <summary>Part of the message's oneof (only AnyValue has one): a second member is an error, and a member set
    /// to its default value is still written, as proto3 does for oneof fields.</summary>
    public bool InOneof { get; init; }

    public bool IsRepeated => Kind is FieldKind.RepeatedMessage or FieldKind.RepeatedString;

    private static WireType WireTypeOf(FieldKind kind) => kind switch
    {
        FieldKind.UInt32 or FieldKind.Int64 or FieldKind.Bool or FieldKind.Enum => WireType.Varint,
        FieldKind.Fixed64 or FieldKind.Double => WireType.Fixed64,
        FieldKind.Fixed32 => WireType.Fixed32,
        _ => WireType.LengthDelimited,
    };

    // protoc's JSON name: drop each underscore and upper-case the letter after it.
    private static string ToLowerCamel(string protoName)
    {
        var builder = new StringBuilder(protoName.Length);
        var upper = false;
        foreach (var c in protoName)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }
}

internal sealed class EnumSpec(params (string Name, int Number)[] values)
{
    private readonly (byte[] Name, int Number)[] _values = Array.ConvertAll(values, v => (Encoding.UTF8.GetBytes(v.Name), v.Number));

    public string FullName { get; init; } = "";

    public bool TryGetNumber(ReadOnlySpan<byte> name, out int number)
    {
        foreach (var (candidate, value) in _values)
        {
            if (name.SequenceEqual(candidate))
            {
                number = value;
                return true;
            }
        }

        number = 0;
        return false;
    }
}

/// <summary>
/// A message's fields by JSON key. The proto3 JSON mapping accepts the lowerCamelCase name and the original proto
/// name (Google.Protobuf's JsonParser does too); both map to the same field. Keys are bucketed by length, so a
/// lookup compares one or two candidates.
/// </summary>
internal sealed class MessageSchema
{
    private (byte[] Name, FieldSpec Field)[][] _byLength = [];

    public MessageSchema(string name, int lengthReserve)
    {
        Name = name;
        LengthReserve = lengthReserve;
    }

    public string Name { get; }

    /// <summary>Bytes left for this message's length before its body: the varint size of its usual length.</summary>
    public int LengthReserve { get; }

    public void SetFields(params FieldSpec[] fields)
    {
        var keys = new List<(byte[] Name, FieldSpec Field)>();
        foreach (var field in fields)
        {
            keys.Add((Encoding.UTF8.GetBytes(field.JsonName), field));
            if (field.ProtoName != field.JsonName)
            {
                keys.Add((Encoding.UTF8.GetBytes(field.ProtoName), field));
            }
        }

        var maxLength = 0;
        foreach (var (key, _) in keys)
        {
            maxLength = Math.Max(maxLength, key.Length);
        }

        _byLength = new (byte[], FieldSpec)[maxLength + 1][];
        for (var length = 0; length <= maxLength; length++)
        {
            _byLength[length] = keys.FindAll(k => k.Name.Length == length).ToArray();
        }
    }

    public FieldSpec? Find(ReadOnlySpan<byte> key)
    {
        if (key.Length >= _byLength.Length)
        {
            return null;
        }

        foreach (var (name, field) in _byLength[key.Length])
        {
            if (key.SequenceEqual(name))
            {
                return field;
            }
        }

        return null;
    }
}

/// <summary>
/// The OTLP trace messages (opentelemetry/proto/{collector/trace,trace,resource,common}/v1, field numbers as in
/// <c>protos/</c>), as the transcoder reads them.
/// </summary>
internal static class OtlpJsonSchema
{
    public static readonly MessageSchema ExportTraceServiceRequest = new("ExportTraceServiceRequest", 0);

    private static readonly MessageSchema ResourceSpans = new("ResourceSpans", 3);
    private static readonly MessageSchema Resource = new("Resource", 2);
    private static readonly MessageSchema EntityRef = new("EntityRef", 1);
    private static readonly MessageSchema ScopeSpans = new("ScopeSpans", 3);
    private static readonly MessageSchema InstrumentationScope = new("InstrumentationScope", 1);
    private static readonly MessageSchema Span = new("Span", 2);
    private static readonly MessageSchema Event = new("Span.Event", 2);
    private static readonly MessageSchema Link = new("Span.Link", 2);
    private static readonly MessageSchema Status = new("Status", 1);
    private static readonly MessageSchema KeyValue = new("KeyValue", 1);
    private static readonly MessageSchema AnyValue = new("AnyValue", 1);
    private static readonly MessageSchema ArrayValue = new("ArrayValue", 1);
    private static readonly MessageSchema KeyValueList = new("KeyValueList", 1);

    private static readonly EnumSpec SpanKind = new(
        ("SPAN_KIND_UNSPECIFIED", 0), ("SPAN_KIND_INTERNAL", 1), ("SPAN_KIND_SERVER", 2), ("SPAN_KIND_CLIENT", 3),
        ("SPAN_KIND_PRODUCER", 4), ("SPAN_KIND_CONSUMER", 5))
    {
        FullName = "opentelemetry.proto.trace.v1.Span.SpanKind",
    };

    private static readonly EnumSpec StatusCode = new(("STATUS_CODE_UNSET", 0), ("STATUS_CODE_OK", 1), ("STATUS_CODE_ERROR", 2))
    {
        FullName = "opentelemetry.proto.trace.v1.Status.StatusCode",
    };

    static OtlpJsonSchema()
    {
        ExportTraceServiceRequest.SetFields(new FieldSpec(1, "resource_spans", FieldKind.RepeatedMessage, ResourceSpans));
        ResourceSpans.SetFields(
            new FieldSpec(1, "resource", FieldKind.Message, Resource),
            new FieldSpec(2, "scope_spans", FieldKind.RepeatedMessage, ScopeSpans),
            new FieldSpec(3, "schema_url", FieldKind.String));
        Resource.SetFields(
            new FieldSpec(1, "attributes", FieldKind.RepeatedMessage, KeyValue),
            new FieldSpec(2, "dropped_attributes_count", FieldKind.UInt32),
            new FieldSpec(3, "entity_refs", FieldKind.RepeatedMessage, EntityRef));
        EntityRef.SetFields(
            new FieldSpec(1, "schema_url", FieldKind.String),
            new FieldSpec(2, "type", FieldKind.String),
            new FieldSpec(3, "id_keys", FieldKind.RepeatedString),
            new FieldSpec(4, "description_keys", FieldKind.RepeatedString));
        ScopeSpans.SetFields(
            new FieldSpec(1, "scope", FieldKind.Message, InstrumentationScope),
            new FieldSpec(2, "spans", FieldKind.RepeatedMessage, Span),
            new FieldSpec(3, "schema_url", FieldKind.String));
        InstrumentationScope.SetFields(
            new FieldSpec(1, "name", FieldKind.String),
            new FieldSpec(2, "version", FieldKind.String),
            new FieldSpec(3, "attributes", FieldKind.RepeatedMessage, KeyValue),
            new FieldSpec(4, "dropped_attributes_count", FieldKind.UInt32));
        Span.SetFields(
            new FieldSpec(1, "trace_id", FieldKind.HexId),
            new FieldSpec(2, "span_id", FieldKind.HexId),
            new FieldSpec(3, "trace_state", FieldKind.String),
            new FieldSpec(4, "parent_span_id", FieldKind.HexId),
            new FieldSpec(5, "name", FieldKind.String),
            new FieldSpec(6, "kind", FieldKind.Enum, enumSpec: SpanKind),
            new FieldSpec(7, "start_time_unix_nano", FieldKind.Fixed64),
            new FieldSpec(8, "end_time_unix_nano", FieldKind.Fixed64),
            new FieldSpec(9, "attributes", FieldKind.RepeatedMessage, KeyValue),
            new FieldSpec(10, "dropped_attributes_count", FieldKind.UInt32),
            new FieldSpec(11, "events", FieldKind.RepeatedMessage, Event),
            new FieldSpec(12, "dropped_events_count", FieldKind.UInt32),
            new FieldSpec(13, "links", FieldKind.RepeatedMessage, Link),
            new FieldSpec(14, "dropped_links_count", FieldKind.UInt32),
            new FieldSpec(15, "status", FieldKind.Message, Status),
            new FieldSpec(16, "flags", FieldKind.Fixed32));
        Event.SetFields(
            new FieldSpec(1, "time_unix_nano", FieldKind.Fixed64),
            new FieldSpec(2, "name", FieldKind.String),
            new FieldSpec(3, "attributes", FieldKind.RepeatedMessage, KeyValue),
            new FieldSpec(4, "dropped_attributes_count", FieldKind.UInt32));
        Link.SetFields(
            new FieldSpec(1, "trace_id", FieldKind.HexId),
            new FieldSpec(2, "span_id", FieldKind.HexId),
            new FieldSpec(3, "trace_state", FieldKind.String),
            new FieldSpec(4, "attributes", FieldKind.RepeatedMessage, KeyValue),
            new FieldSpec(5, "dropped_attributes_count", FieldKind.UInt32),
            new FieldSpec(6, "flags", FieldKind.Fixed32));
        Status.SetFields(
            new FieldSpec(2, "message", FieldKind.String),
            new FieldSpec(3, "code", FieldKind.Enum, enumSpec: StatusCode));
        KeyValue.SetFields(
            new FieldSpec(1, "key", FieldKind.String),
            new FieldSpec(2, "value", FieldKind.Message, AnyValue));
        AnyValue.SetFields(
            new FieldSpec(1, "string_value", FieldKind.String) { InOneof = true },
            new FieldSpec(2, "bool_value", FieldKind.Bool) { InOneof = true },
            new FieldSpec(3, "int_value", FieldKind.Int64) { InOneof = true },
            new FieldSpec(4, "double_value", FieldKind.Double) { InOneof = true },
            new FieldSpec(5, "array_value", FieldKind.Message, ArrayValue) { InOneof = true },
            new FieldSpec(6, "kvlist_value", FieldKind.Message, KeyValueList) { InOneof = true },
            new FieldSpec(7, "bytes_value", FieldKind.Base64) { InOneof = true });
        ArrayValue.SetFields(new FieldSpec(1, "values", FieldKind.RepeatedMessage, AnyValue));
        KeyValueList.SetFields(new FieldSpec(1, "values", FieldKind.RepeatedMessage, KeyValue));
    }
}
