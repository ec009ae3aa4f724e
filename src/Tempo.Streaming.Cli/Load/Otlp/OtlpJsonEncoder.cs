using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load.Otlp;

/// <summary>
/// Transcodes an OTLP <c>ExportTraceServiceRequest</c> from protobuf bytes straight to OTLP/JSON, without building
/// message objects. OTLP/JSON (OTLP spec, "JSON Protobuf Encoding"): lowerCamelCase field names, trace and span
/// IDs as hex strings (not base64), 64-bit integers as decimal strings, enums as integers. Repeated fields become
/// arrays even if their occurrences are not adjacent on the wire. Bytes that are not well-formed protobuf throw
/// <see cref="InvalidProtobufException"/> (a <see cref="FormatException"/>). One instance per thread (it reuses its writer).
/// </summary>
public sealed class OtlpJsonEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonEncodedText ResourceSpans = JsonEncodedText.Encode("resourceSpans");
    private static readonly JsonEncodedText Resource = JsonEncodedText.Encode("resource");
    private static readonly JsonEncodedText ScopeSpans = JsonEncodedText.Encode("scopeSpans");
    private static readonly JsonEncodedText SchemaUrl = JsonEncodedText.Encode("schemaUrl");
    private static readonly JsonEncodedText Scope = JsonEncodedText.Encode("scope");
    private static readonly JsonEncodedText Spans = JsonEncodedText.Encode("spans");
    private static readonly JsonEncodedText Attributes = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText DroppedAttributesCount = JsonEncodedText.Encode("droppedAttributesCount");
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
    private static readonly JsonEncodedText TimeUnixNano = JsonEncodedText.Encode("timeUnixNano");
    private static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
    private static readonly JsonEncodedText DroppedEventsCount = JsonEncodedText.Encode("droppedEventsCount");
    private static readonly JsonEncodedText Links = JsonEncodedText.Encode("links");
    private static readonly JsonEncodedText DroppedLinksCount = JsonEncodedText.Encode("droppedLinksCount");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
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

    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private readonly Utf8JsonWriter _json;

    public OtlpJsonEncoder()
    {
        _json = new Utf8JsonWriter(_output, WriterOptions);
    }

    /// <summary>Transcodes one request; the result is valid until the next call.</summary>
    public ReadOnlyMemory<byte> Transcode(ReadOnlySpan<byte> exportTraceServiceRequest)
    {
        _output.ResetWrittenCount();
        _json.Reset(_output);
        _json.WriteStartObject();
        WriteRepeated(exportTraceServiceRequest, "ExportTraceServiceRequest", 1, ResourceSpans, static (t, m) => t.WriteResourceSpans(m));
        _json.WriteEndObject();
        _json.Flush();
        return _output.WrittenMemory;
    }

    private delegate void MessageWriter(OtlpJsonEncoder transcoder, ReadOnlySpan<byte> message);

    private void WriteResourceSpans(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "ResourceSpans");
        var seen = 0u;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    _json.WritePropertyName(Resource);
                    WriteResource(reader.ReadBytes(field, wireType));
                    break;
                case 2:
                    WriteRepeatedOnce(message, "ResourceSpans", 2, ScopeSpans, ref seen, static (t, m) => t.WriteScopeSpans(m));
                    reader.Skip(field, wireType);
                    break;
                case 3:
                    _json.WriteString(SchemaUrl, reader.ReadBytes(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteResource(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "Resource");
        var seen = 0u;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    WriteRepeatedOnce(message, "Resource", 1, Attributes, ref seen, static (t, m) => t.WriteKeyValue(m));
                    reader.Skip(field, wireType);
                    break;
                case 2:
                    _json.WriteNumber(DroppedAttributesCount, (uint)reader.ReadVarint(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteScopeSpans(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "ScopeSpans");
        var seen = 0u;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    _json.WritePropertyName(Scope);
                    WriteScope(reader.ReadBytes(field, wireType));
                    break;
                case 2:
                    WriteRepeatedOnce(message, "ScopeSpans", 2, Spans, ref seen, static (t, m) => t.WriteSpan(m));
                    reader.Skip(field, wireType);
                    break;
                case 3:
                    _json.WriteString(SchemaUrl, reader.ReadBytes(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteScope(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "InstrumentationScope");
        var seen = 0u;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    _json.WriteString(Name, reader.ReadBytes(field, wireType));
                    break;
                case 2:
                    _json.WriteString(Version, reader.ReadBytes(field, wireType));
                    break;
                case 3:
                    WriteRepeatedOnce(message, "InstrumentationScope", 3, Attributes, ref seen, static (t, m) => t.WriteKeyValue(m));
                    reader.Skip(field, wireType);
                    break;
                case 4:
                    _json.WriteNumber(DroppedAttributesCount, (uint)reader.ReadVarint(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteSpan(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "Span");
        var seen = 0u;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    WriteHex(TraceId, reader.ReadBytes(field, wireType));
                    break;
                case 2:
                    WriteHex(SpanId, reader.ReadBytes(field, wireType));
                    break;
                case 3:
                    _json.WriteString(TraceState, reader.ReadBytes(field, wireType));
                    break;
                case 4:
                    WriteHex(ParentSpanId, reader.ReadBytes(field, wireType));
                    break;
                case 5:
                    _json.WriteString(Name, reader.ReadBytes(field, wireType));
                    break;
                case 6:
                    _json.WriteNumber(Kind, (int)reader.ReadVarint(field, wireType));
                    break;
                case 7:
                    WriteUInt64String(StartTimeUnixNano, reader.ReadFixed64(field, wireType));
                    break;
                case 8:
                    WriteUInt64String(EndTimeUnixNano, reader.ReadFixed64(field, wireType));
                    break;
                case 9:
                    WriteRepeatedOnce(message, "Span", 9, Attributes, ref seen, static (t, m) => t.WriteKeyValue(m));
                    reader.Skip(field, wireType);
                    break;
                case 10:
                    _json.WriteNumber(DroppedAttributesCount, (uint)reader.ReadVarint(field, wireType));
                    break;
                case 11:
                    WriteRepeatedOnce(message, "Span", 11, Events, ref seen, static (t, m) => t.WriteEvent(m));
                    reader.Skip(field, wireType);
                    break;
                case 12:
                    _json.WriteNumber(DroppedEventsCount, (uint)reader.ReadVarint(field, wireType));
                    break;
                case 13:
                    WriteRepeatedOnce(message, "Span", 13, Links, ref seen, static (t, m) => t.WriteLink(m));
                    reader.Skip(field, wireType);
                    break;
                case 14:
                    _json.WriteNumber(DroppedLinksCount, (uint)reader.ReadVarint(field, wireType));
                    break;
                case 15:
                    _json.WritePropertyName(Status);
                    WriteStatus(reader.ReadBytes(field, wireType));
                    break;
                case 16:
                    _json.WriteNumber(Flags, reader.ReadFixed32(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteEvent(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "Span.Event");
        var seen = 0u;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    WriteUInt64String(TimeUnixNano, reader.ReadFixed64(field, wireType));
                    break;
                case 2:
                    _json.WriteString(Name, reader.ReadBytes(field, wireType));
                    break;
                case 3:
                    WriteRepeatedOnce(message, "Span.Event", 3, Attributes, ref seen, static (t, m) => t.WriteKeyValue(m));
                    reader.Skip(field, wireType);
                    break;
                case 4:
                    _json.WriteNumber(DroppedAttributesCount, (uint)reader.ReadVarint(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteLink(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "Span.Link");
        var seen = 0u;
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    WriteHex(TraceId, reader.ReadBytes(field, wireType));
                    break;
                case 2:
                    WriteHex(SpanId, reader.ReadBytes(field, wireType));
                    break;
                case 3:
                    _json.WriteString(TraceState, reader.ReadBytes(field, wireType));
                    break;
                case 4:
                    WriteRepeatedOnce(message, "Span.Link", 4, Attributes, ref seen, static (t, m) => t.WriteKeyValue(m));
                    reader.Skip(field, wireType);
                    break;
                case 5:
                    _json.WriteNumber(DroppedAttributesCount, (uint)reader.ReadVarint(field, wireType));
                    break;
                case 6:
                    _json.WriteNumber(Flags, reader.ReadFixed32(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteStatus(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "Status");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 2:
                    _json.WriteString(Message, reader.ReadBytes(field, wireType));
                    break;
                case 3:
                    _json.WriteNumber(Code, (int)reader.ReadVarint(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteKeyValue(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "KeyValue");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    _json.WriteString(Key, reader.ReadBytes(field, wireType));
                    break;
                case 2:
                    _json.WritePropertyName(Value);
                    WriteAnyValue(reader.ReadBytes(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    private void WriteAnyValue(ReadOnlySpan<byte> message)
    {
        _json.WriteStartObject();
        var reader = new ProtoReader(message, "AnyValue");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1:
                    _json.WriteString(StringValue, reader.ReadBytes(field, wireType));
                    break;
                case 2:
                    _json.WriteBoolean(BoolValue, reader.ReadVarint(field, wireType) != 0);
                    break;
                case 3:
                    WriteInt64String(IntValue, (long)reader.ReadVarint(field, wireType));
                    break;
                case 4:
                    _json.WriteNumber(DoubleValue, BitConverter.UInt64BitsToDouble(reader.ReadFixed64(field, wireType)));
                    break;
                case 5:
                    _json.WritePropertyName(ArrayValue);
                    _json.WriteStartObject();
                    WriteRepeated(reader.ReadBytes(field, wireType), "ArrayValue", 1, Values, static (t, m) => t.WriteAnyValue(m));
                    _json.WriteEndObject();
                    break;
                case 6:
                    _json.WritePropertyName(KvlistValue);
                    _json.WriteStartObject();
                    WriteRepeated(reader.ReadBytes(field, wireType), "KeyValueList", 1, Values, static (t, m) => t.WriteKeyValue(m));
                    _json.WriteEndObject();
                    break;
                case 7:
                    _json.WriteBase64String(BytesValue, reader.ReadBytes(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
        _json.WriteEndObject();
    }

    /// <summary>Writes every occurrence of a repeated message field as one JSON array, the first time it is seen.</summary>
    private void WriteRepeatedOnce(ReadOnlySpan<byte> message, string messageName, int field, JsonEncodedText name, ref uint seen,
        MessageWriter write)
    {
        var bit = 1u << field;
        if ((seen & bit) != 0)
        {
            return;
        }
        seen |= bit;
        WriteRepeated(message, messageName, field, name, write);
    }

    private void WriteRepeated(ReadOnlySpan<byte> message, string messageName, int field, JsonEncodedText name, MessageWriter write)
    {
        _json.WriteStartArray(name);
        var reader = new ProtoReader(message, messageName);
        while (reader.TryReadTag(out var number, out var wireType))
        {
            if (number == field)
            {
                write(this, reader.ReadBytes(number, wireType));
            }
            else
            {
                reader.Skip(number, wireType);
            }
        }
        _json.WriteEndArray();
    }

    private void WriteHex(JsonEncodedText name, ReadOnlySpan<byte> id)
    {
        Span<byte> hex = stackalloc byte[64];
        if (id.Length > 32)
        {
            throw new FormatException($"OTLP ID of {id.Length} bytes is longer than any trace or span ID");
        }
        for (var i = 0; i < id.Length; i++)
        {
            hex[2 * i] = (byte)"0123456789abcdef"[id[i] >> 4];
            hex[(2 * i) + 1] = (byte)"0123456789abcdef"[id[i] & 0xF];
        }
        _json.WriteString(name, hex[..(2 * id.Length)]);
    }

    private void WriteUInt64String(JsonEncodedText name, ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _json.WriteString(name, digits[..written]);
    }

    private void WriteInt64String(JsonEncodedText name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        _json.WriteString(name, digits[..written]);
    }
}
