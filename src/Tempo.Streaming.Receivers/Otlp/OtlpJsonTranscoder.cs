using System.Text.Json;
using Tempo.Streaming.Receivers.Otlp.Json;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>The body is not a valid OTLP/JSON request; the message says what is wrong and where.</summary>
public sealed class OtlpJsonException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// OTLP/JSON (OTLP spec, "JSON Protobuf Encoding") → the protobuf encoding of <c>ExportTraceServiceRequest</c>, which
/// the distributor scans like a protobuf body. OTLP/JSON is the proto3 JSON mapping (lowerCamelCase or original field
/// names, enums as integers or names, 64-bit integers as strings or numbers, unknown fields ignored) except that trace
/// and span IDs are hex, not base64. The bytes are those Google.Protobuf would write for the same message.
/// </summary>
public static class OtlpJsonTranscoder
{
    /// <summary>Transcodes a whole (decompressed) request body. Dispose the result once the push has completed.</summary>
    /// <exception cref="OtlpJsonException">malformed JSON, a value of the wrong type, or a bad hex ID.</exception>
    public static ProtobufPayload Transcode(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonToProtobuf.ForCurrentThread().Transcode(utf8Json);
        }
        catch (JsonException e)
        {
            var path = JsonPathLocator.PathAt(utf8Json, JsonPathLocator.OffsetOf(utf8Json, e), JsonToProtobuf.MaxDepth);
            throw new OtlpJsonException($"invalid OTLP/JSON request: invalid JSON at {path}: {e.Message}", e);
        }
        catch (OtlpJsonValueException e)
        {
            var path = JsonPathLocator.PathAt(utf8Json, e.Offset, JsonToProtobuf.MaxDepth);
            throw new OtlpJsonException($"invalid OTLP/JSON request: {path}{e.Detail}", e);
        }
    }
}
