using System.Buffers.Text;
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Receivers.Otlp.Json;

/// <summary>
/// The OTLP/JSON → protobuf transcoder: one <see cref="Utf8JsonReader"/> pass over the request bytes, each value
/// written as protobuf wire format as it is read (values by Core's <see cref="ProtoBufferWriter"/>, messages in field
/// order by <see cref="ProtoWireWriter"/>), driven by <see cref="OtlpJsonSchema"/>. No message objects, no strings:
/// the only per-request allocation is the pooled output.
/// Semantics are those of Google.Protobuf's JsonParser with unknown fields ignored (so its output is byte-identical),
/// plus OTLP's hex trace and span IDs. One instance per thread (<see cref="ForCurrentThread"/>).
/// </summary>
internal sealed class JsonToProtobuf
{
    // Each AnyValue nesting level (arrayValue/kvlistValue) takes three JSON levels; this allows ~80 of them.
    public const int MaxDepth = 256;

    private const int MaxRetainedScratchBytes = 64 * 1024;

    [ThreadStatic]
    private static JsonToProtobuf? t_current;

    private readonly ProtoWireWriter _writer;
    private readonly ProtoBufferWriter _output;
    private byte[] _scratch = new byte[256];

    private JsonToProtobuf()
    {
        _writer = new ProtoWireWriter();
        _output = _writer.Output;
    }

    public static JsonToProtobuf ForCurrentThread() => t_current ??= new JsonToProtobuf();

    /// <exception cref="JsonException">the bytes are not JSON.</exception>
    /// <exception cref="OtlpJsonValueException">the JSON is not an OTLP request.</exception>
    public ProtobufPayload Transcode(ReadOnlySpan<byte> json)
    {
        // Protobuf is about half the size of OTLP/JSON (hex IDs halve, keys vanish): a buffer of the JSON size does not grow.
        _writer.Start(json.Length + 64);
        var completed = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw WrongType(ref reader, "an object (ExportTraceServiceRequest)");
            }

            var root = _writer.BeginRoot();
            ReadMessage(ref reader, OtlpJsonSchema.ExportTraceServiceRequest, ref root);
            _writer.EndMessage(ref root);

            // Anything but whitespace after the request object makes the reader throw.
            reader.Read();
            completed = true;
            return _writer.Detach();
        }
        finally
        {
            if (!completed)
            {
                _writer.Abandon();
            }

            // A huge escaped string grew the scratch buffer; do not keep it for the life of the thread.
            if (_scratch.Length > MaxRetainedScratchBytes)
            {
                _scratch = new byte[256];
            }
        }
    }

    /// <summary>Reads the members of the object the reader is on, up to and including its end.</summary>
    private void ReadMessage(ref Utf8JsonReader reader, MessageSchema schema, ref MessageFrame frame)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? FindEscaped(ref reader, schema) : schema.Find(reader.ValueSpan);
            reader.Read();
            if (field is null)
            {
                // OTLP/JSON receivers MUST ignore fields with unknown names (OTLP spec, JSON Protobuf Encoding).
                reader.Skip();
                continue;
            }

            ReadField(ref reader, field, ref frame);
        }
    }

    private void ReadField(ref Utf8JsonReader reader, FieldSpec field, ref MessageFrame frame)
    {
        if (field.InOneof)
        {
            // JsonParser refuses a second member of a oneof, even a null one.
            if (frame.OneofSet)
            {
                throw new OtlpJsonValueException(reader.TokenStartIndex,
                    $": AnyValue holds one value, but \"{field.JsonName}\" is its second (string/bool/int/double/array/kvlist/bytes)");
            }

            frame.OneofSet = true;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            // proto3 JSON: null is the field's default, so it clears what an earlier member set.
            if (!field.InOneof)
            {
                _writer.BeginField(ref frame, field.Number, appends: false);
            }

            return;
        }

        var start = _writer.BeginField(ref frame, field.Number, appends: field.IsRepeated);
        switch (field.Kind)
        {
            case FieldKind.String:
                WriteString(ref reader, field);
                break;
            case FieldKind.HexId:
                WriteHexId(ref reader, field);
                break;
            case FieldKind.Base64:
                WriteBase64(ref reader, field);
                break;
            case FieldKind.UInt32:
                WriteVarint(field, ReadUnsigned(ref reader, uint.MaxValue));
                break;
            case FieldKind.Fixed32:
                var fixed32 = (uint)ReadUnsigned(ref reader, uint.MaxValue);
                if (fixed32 != 0)
                {
                    _output.WriteFixed32Field(field.Tag, fixed32);
                }

                break;
            case FieldKind.Int64:
                WriteVarint(field, (ulong)ReadSigned(ref reader, long.MinValue, long.MaxValue, "a 64-bit integer"));
                break;
            case FieldKind.Fixed64:
                var fixed64 = ReadUnsigned(ref reader, ulong.MaxValue);
                if (fixed64 != 0)
                {
                    _output.WriteFixed64Field(field.Tag, fixed64);
                }

                break;
            case FieldKind.Double:
                // Only AnyValue.double_value is a double: a oneof member, so written even when 0.
                _output.WriteFixed64Field(field.Tag, BitConverter.DoubleToUInt64Bits(ReadDouble(ref reader)));
                break;
            case FieldKind.Bool:
                WriteBool(ref reader, field);
                break;
            case FieldKind.Enum:
                WriteEnum(ref reader, field);
                break;
            case FieldKind.Message:
                ExpectToken(ref reader, JsonTokenType.StartObject, "an object");
                WriteMessage(ref reader, field);
                break;
            case FieldKind.RepeatedMessage:
                ExpectToken(ref reader, JsonTokenType.StartArray, "an array");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ExpectElement(ref reader, JsonTokenType.StartObject, "an object");
                    WriteMessage(ref reader, field);
                }

                break;
            case FieldKind.RepeatedString:
                ExpectToken(ref reader, JsonTokenType.StartArray, "an array");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ExpectElement(ref reader, JsonTokenType.String, "a string");
                    WriteStringValue(ref reader, field.Tag, alwaysWrite: true);
                }

                break;
        }

        _writer.EndField(ref frame, field.Number, start);
    }

    private void WriteMessage(ref Utf8JsonReader reader, FieldSpec field)
    {
        var schema = field.Message!;
        var child = _writer.BeginMessage(field.Tag, schema.LengthReserve);
        ReadMessage(ref reader, schema, ref child);
        _writer.EndMessage(ref child);
    }

    private void WriteString(ref Utf8JsonReader reader, FieldSpec field)
    {
        ExpectToken(ref reader, JsonTokenType.String, "a string");
        WriteStringValue(ref reader, field.Tag, alwaysWrite: field.InOneof);
    }

    private void WriteStringValue(ref Utf8JsonReader reader, uint tag, bool alwaysWrite)
    {
        var value = reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;

        // Utf8JsonReader does not check UTF-8 inside strings, and a protobuf string must be UTF-8.
        if (!Utf8.IsValid(value))
        {
            throw new OtlpJsonValueException(reader.TokenStartIndex, ": the string is not valid UTF-8");
        }

        if (value.Length > 0 || alwaysWrite)
        {
            _output.WriteBytesField(tag, value);
        }
    }

    /// <summary>
    /// OTLP/JSON: "traceId, spanId and parentSpanId (also in links) are hex-encoded strings", case-insensitive; an
    /// empty string is an absent ID. Any even number of hex digits passes: the distributor rejects spans whose IDs
    /// have the wrong length (as partial success), as it does for protobuf requests.
    /// </summary>
    private void WriteHexId(ref Utf8JsonReader reader, FieldSpec field)
    {
        ExpectToken(ref reader, JsonTokenType.String, "a hex string");
        var hex = reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;
        if (hex.IsEmpty)
        {
            return;
        }

        if (hex.Length % 2 != 0)
        {
            throw InvalidHexId(reader.TokenStartIndex, field, hex);
        }

        var destination = _output.ReserveBytesField(field.Tag, hex.Length / 2);
        if (Convert.FromHexString(hex, destination, out _, out var written) != OperationStatus.Done || written != destination.Length)
        {
            throw InvalidHexId(reader.TokenStartIndex, field, hex);
        }
    }

    /// <summary>proto3 JSON bytes: base64, standard or URL-safe alphabet, padding optional.</summary>
    private void WriteBase64(ref Utf8JsonReader reader, FieldSpec field)
    {
        ExpectToken(ref reader, JsonTokenType.String, "a base64 string");
        // Escaped base64 ("\/" for '/') is rare: the copy frees the scratch buffer for the decoded bytes.
        ReadOnlySpan<byte> text = reader.ValueIsEscaped ? Unescape(ref reader).ToArray() : reader.ValueSpan;
        var decoded = Scratch(Base64.GetMaxDecodedFromUtf8Length(text.Length) + 3);
        if (Base64.DecodeFromUtf8(text, decoded, out _, out var written) != OperationStatus.Done &&
            Base64Url.DecodeFromUtf8(text, decoded, out _, out written) != OperationStatus.Done)
        {
            throw new OtlpJsonValueException(reader.TokenStartIndex, $": {Shown(text)} is not base64");
        }

        _output.WriteBytesField(field.Tag, decoded[..written]);
    }

    private void WriteVarint(FieldSpec field, ulong value)
    {
        if (value != 0 || field.InOneof)
        {
            _output.WriteVarintField(field.Tag, value);
        }
    }

    private void WriteBool(ref Utf8JsonReader reader, FieldSpec field)
    {
        bool value;
        if (reader.TokenType == JsonTokenType.True)
        {
            value = true;
        }
        else if (reader.TokenType == JsonTokenType.False)
        {
            value = false;
        }
        else
        {
            throw WrongType(ref reader, "true or false");
        }

        WriteVarint(field, value ? 1UL : 0UL);
    }

    /// <summary>OTLP/JSON enums are integers; the proto3 JSON mapping also allows the value's name.</summary>
    private void WriteEnum(ref Utf8JsonReader reader, FieldSpec field)
    {
        long number;
        if (reader.TokenType == JsonTokenType.String)
        {
            var name = reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;
            if (!field.Enum!.TryGetNumber(name, out var value))
            {
                throw new OtlpJsonValueException(reader.TokenStartIndex,
                    $": {Shown(name)} is not a value of {field.Enum.FullName} (use its integer or its name)");
            }

            number = value;
        }
        else
        {
            number = ReadSigned(ref reader, int.MinValue, int.MaxValue, "an enum integer (32-bit)");
        }

        // An int32 enum is written as a sign-extended varint, so a negative value takes ten bytes.
        WriteVarint(field, (ulong)number);
    }

    private ulong ReadUnsigned(ref Utf8JsonReader reader, ulong max)
    {
        var quoted = ExpectNumberOrString(ref reader);
        var text = quoted && reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;
        if (!JsonNumbers.TryParseUnsigned(text, quoted, max, out var value))
        {
            throw new OtlpJsonValueException(reader.TokenStartIndex,
                $": {Shown(text, quoted)} is not {(max == uint.MaxValue ? "an unsigned 32-bit" : "an unsigned 64-bit")} integer");
        }

        return value;
    }

    private long ReadSigned(ref Utf8JsonReader reader, long min, long max, string expected)
    {
        var quoted = ExpectNumberOrString(ref reader);
        var text = quoted && reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;
        if (!JsonNumbers.TryParseSigned(text, quoted, min, max, out var value))
        {
            throw new OtlpJsonValueException(reader.TokenStartIndex, $": {Shown(text, quoted)} is not {expected}");
        }

        return value;
    }

    private double ReadDouble(ref Utf8JsonReader reader)
    {
        var quoted = ExpectNumberOrString(ref reader);
        var text = quoted && reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;
        if (!JsonNumbers.TryParseDouble(text, quoted, out var value))
        {
            throw new OtlpJsonValueException(reader.TokenStartIndex,
                $": {Shown(text, quoted)} is not a double (a finite number, or \"NaN\", \"Infinity\", \"-Infinity\")");
        }

        return value;
    }

    private static bool ExpectNumberOrString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => false,
        JsonTokenType.String => true,
        _ => throw WrongType(ref reader, "a number or a numeric string"),
    };

    private static void ExpectToken(ref Utf8JsonReader reader, JsonTokenType expected, string description)
    {
        if (reader.TokenType != expected)
        {
            throw WrongType(ref reader, description);
        }
    }

    private static void ExpectElement(ref Utf8JsonReader reader, JsonTokenType expected, string description)
    {
        if (reader.TokenType == expected)
        {
            return;
        }

        throw reader.TokenType == JsonTokenType.Null
            ? new OtlpJsonValueException(reader.TokenStartIndex, ": array elements cannot be null")
            : WrongType(ref reader, description);
    }

    private static OtlpJsonValueException WrongType(ref Utf8JsonReader reader, string expected)
    {
        var found = reader.TokenType switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => reader.TokenType.ToString(),
        };
        return new OtlpJsonValueException(reader.TokenStartIndex, $": expected {expected}, got {found}");
    }

    private static OtlpJsonValueException InvalidHexId(long offset, FieldSpec field, ReadOnlySpan<byte> hex) =>
        new(offset,
            $" {Shown(hex)} is not a hex-encoded ID (OTLP/JSON writes {field.JsonName} as hex digits, 32 for a trace ID, " +
            "16 for a span ID)");

    private FieldSpec? FindEscaped(ref Utf8JsonReader reader, MessageSchema schema) => schema.Find(Unescape(ref reader));

    /// <summary>The unescaped UTF-8 of the current string or key, in the scratch buffer (valid until the next call).</summary>
    private ReadOnlySpan<byte> Unescape(ref Utf8JsonReader reader)
    {
        var destination = Scratch(reader.ValueSpan.Length);
        try
        {
            return destination[..reader.CopyString(destination)];
        }
        catch (InvalidOperationException e)
        {
            // A \uD800-style escape without its other half has no UTF-8 form.
            throw new OtlpJsonValueException(reader.TokenStartIndex, $": the string is not valid Unicode ({e.Message})");
        }
    }

    private Span<byte> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, 2 * _scratch.Length)];
        }

        return _scratch.AsSpan(0, length);
    }

    private static string Shown(ReadOnlySpan<byte> value, bool quoted = true)
    {
        var text = Encoding.UTF8.GetString(value.Length > 80 ? value[..80] : value) + (value.Length > 80 ? "..." : "");
        return quoted ? $"\"{text}\"" : text;
    }
}

/// <summary>
/// A value that is valid JSON but not valid OTLP/JSON. <see cref="Offset"/> is where the bad token starts;
/// <see cref="Detail"/> follows the JSON path of that token in the message users see (": expected a string, ...").
/// </summary>
internal sealed class OtlpJsonValueException(long offset, string detail) : Exception(detail)
{
    public long Offset { get; } = offset;

    public string Detail { get; } = detail;
}
