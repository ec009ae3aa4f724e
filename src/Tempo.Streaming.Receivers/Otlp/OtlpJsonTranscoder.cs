using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Receivers.Buffers;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>The body is not a valid OTLP/JSON request; the message says what is wrong.</summary>
public sealed class OtlpJsonException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// OTLP/JSON (OTLP spec, "JSON Protobuf Encoding") → marshalled <see cref="ExportTraceServiceRequest"/>.
/// OTLP/JSON is proto3 JSON with one deviation: <c>traceId</c>, <c>spanId</c> and <c>parentSpanId</c> (also inside
/// links) are hex strings, while proto3 JSON, and so Google.Protobuf's <see cref="JsonParser"/>, reads <c>bytes</c> as
/// base64 and would silently turn a 32-hex-digit trace ID into 24 bytes. One streaming pass copies the document and
/// re-encodes those IDs as base64; <see cref="JsonParser"/> then does the rest: lowerCamelCase or original field
/// names, enums as integers or names, 64-bit integers as strings or numbers, and unknown fields ignored, as the spec
/// requires of receivers.
/// </summary>
public static class OtlpJsonTranscoder
{
    // Deep kvlist/array attribute values nest several JSON levels per value level.
    private const int MaxDepth = 256;

    // The longest hex ID accepted; real IDs are 16 or 8 bytes, and wrong lengths are left to the distributor's
    // validation (which rejects those spans as partial success) rather than failing the whole request here.
    private const int MaxIdBytes = 64;

    private static readonly JsonParser Parser = new(
        JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithRecursionLimit(MaxDepth));

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The output is read back by JsonParser only; skip re-validation and keep non-ASCII text as UTF-8.
        SkipValidation = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses OTLP/JSON into a request message.</summary>
    /// <exception cref="OtlpJsonException">malformed JSON, a bad hex ID, or a value of the wrong type.</exception>
    public static ExportTraceServiceRequest Parse(ReadOnlySpan<byte> utf8Json)
    {
        using var rewritten = new PooledByteBuffer(utf8Json.Length + 256);
        RewriteHexIds(utf8Json, rewritten);
        try
        {
            // JsonParser reads text; decoding once here is cheaper than a stream reader's chunked decoding.
            var json = Encoding.UTF8.GetString(rewritten.WrittenSpan);
            return Parser.Parse<ExportTraceServiceRequest>(json);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OtlpJsonException($"invalid OTLP/JSON request: {e.Message}", e);
        }
        catch (InvalidJsonException e)
        {
            throw new OtlpJsonException($"invalid OTLP/JSON request: {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw new OtlpJsonException($"invalid OTLP/JSON request: {e.Message}", e);
        }
    }

    /// <summary>Parses OTLP/JSON and returns the protobuf encoding of the request.</summary>
    public static byte[] ToProtobuf(ReadOnlySpan<byte> utf8Json) => Parse(utf8Json).ToByteArray();

    private static void RewriteHexIds(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Span<byte> idBytes = stackalloc byte[MaxIdBytes];
        string? idField = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName:
                        idField = IdFieldName(ref reader);
                        if (reader.ValueIsEscaped)
                        {
                            writer.WritePropertyName(reader.GetString()!);
                        }
                        else
                        {
                            writer.WritePropertyName(reader.ValueSpan);
                        }

                        continue;
                    case JsonTokenType.String when idField is not null:
                        var length = DecodeHexId(ref reader, idField, idBytes);
                        writer.WriteBase64StringValue(idBytes[..length]);
                        break;
                    case JsonTokenType.String:
                        if (reader.ValueIsEscaped)
                        {
                            writer.WriteStringValue(reader.GetString());
                        }
                        else
                        {
                            writer.WriteStringValue(reader.ValueSpan);
                        }

                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True:
                        writer.WriteBooleanValue(true);
                        break;
                    case JsonTokenType.False:
                        writer.WriteBooleanValue(false);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }

                idField = null;
            }
        }
        catch (JsonException e)
        {
            throw new OtlpJsonException($"invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>The ID field this property names (OTLP/JSON lowerCamelCase, or the proto name JsonParser also accepts),
    /// else null. Only Span and Span.Link have fields of these names, at any depth.</summary>
    private static string? IdFieldName(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return null;
        }

        var name = reader.ValueSpan;
        if (name.SequenceEqual("traceId"u8) || name.SequenceEqual("trace_id"u8))
        {
            return "traceId";
        }

        if (name.SequenceEqual("spanId"u8) || name.SequenceEqual("span_id"u8))
        {
            return "spanId";
        }

        if (name.SequenceEqual("parentSpanId"u8) || name.SequenceEqual("parent_span_id"u8))
        {
            return "parentSpanId";
        }

        return null;
    }

    private static int DecodeHexId(ref Utf8JsonReader reader, string field, scoped Span<byte> destination)
    {
        ReadOnlySpan<byte> hex = reader.ValueSpan;
        byte[]? unescaped = null;
        if (reader.ValueIsEscaped)
        {
            unescaped = Encoding.UTF8.GetBytes(reader.GetString()!);
            hex = unescaped;
        }

        if (hex.Length % 2 != 0 || hex.Length / 2 > destination.Length)
        {
            throw InvalidId(field, hex);
        }

        for (var i = 0; i < hex.Length; i += 2)
        {
            var high = HexValue(hex[i]);
            var low = HexValue(hex[i + 1]);
            if ((high | low) < 0)
            {
                throw InvalidId(field, hex);
            }

            destination[i / 2] = (byte)((high << 4) | low);
        }

        return hex.Length / 2;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static OtlpJsonException InvalidId(string field, ReadOnlySpan<byte> value)
    {
        var shown = Encoding.UTF8.GetString(value.Length > 80 ? value[..80] : value);
        return new OtlpJsonException(
            $"invalid OTLP/JSON request: {field} \"{shown}\" is not a hex-encoded ID (OTLP/JSON encodes trace and span IDs " +
            "as hex strings, e.g. 32 hex digits for a trace ID)");
    }
}
