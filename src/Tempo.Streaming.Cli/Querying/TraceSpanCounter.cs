using System.Text.Json;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Querying;

/// <summary>
/// Counts the spans of a trace-by-ID response body without building objects per span: protobuf
/// <c>tempopb.Trace</c> (batches = 1 → ResourceSpans.scope_spans = 2 → ScopeSpans.spans = 2, the OTLP field numbers) or
/// Tempo's v1 JSON (<c>{"batches":[{"scopeSpans":[{"spans":[...]}]}]}</c>). A client that waits for "the whole trace"
/// compares this with the number of spans it sent.
/// </summary>
public static class TraceSpanCounter
{
    /// <exception cref="InvalidProtobufException">the body is not a well-formed <c>tempopb.Trace</c>.</exception>
    public static int CountProtobuf(ReadOnlySpan<byte> trace)
    {
        var spans = 0;
        var reader = new ProtoReader(trace, "tempopb.Trace");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field != 1 || wireType != WireType.LengthDelimited)
            {
                reader.Skip(field, wireType);
                continue;
            }

            var resourceSpans = new ProtoReader(reader.ReadBytes(field, wireType), "ResourceSpans");
            while (resourceSpans.TryReadTag(out var rsField, out var rsWireType))
            {
                if (rsField != 2 || rsWireType != WireType.LengthDelimited)
                {
                    resourceSpans.Skip(rsField, rsWireType);
                    continue;
                }

                var scopeSpans = new ProtoReader(resourceSpans.ReadBytes(rsField, rsWireType), "ScopeSpans");
                while (scopeSpans.TryReadTag(out var ssField, out var ssWireType))
                {
                    if (ssField == 2 && ssWireType == WireType.LengthDelimited)
                    {
                        spans++;
                    }

                    scopeSpans.Skip(ssField, ssWireType);
                }
            }
        }

        return spans;
    }

    /// <exception cref="JsonException">the body is not JSON.</exception>
    public static int CountJson(ReadOnlySpan<byte> json)
    {
        // A span is an object directly inside root.batches[].scopeSpans[].spans[]: six containers deep (root object,
        // batches, batch, scopeSpans, scope spans, spans). Other arrays named "spans" elsewhere do not count.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var spans = 0;
        var path = new Stack<string?>(8);
        string? pendingName = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pendingName = reader.ValueTextEquals("batches"u8) ? "batches"
                        : reader.ValueTextEquals("scopeSpans"u8) ? "scopeSpans"
                        : reader.ValueTextEquals("spans"u8) ? "spans"
                        : null;
                    break;
                case JsonTokenType.StartArray:
                case JsonTokenType.StartObject:
                    if (reader.TokenType == JsonTokenType.StartObject && path.Count == 6 && IsSpansPath(path))
                    {
                        spans++;
                    }

                    path.Push(reader.TokenType == JsonTokenType.StartArray ? pendingName : null);
                    pendingName = null;
                    break;
                case JsonTokenType.EndArray:
                case JsonTokenType.EndObject:
                    path.Pop();
                    break;
                default:
                    pendingName = null;
                    break;
            }
        }

        return spans;
    }

    /// <summary>Stack (top first): spans array, scope-spans object, scopeSpans array, batch object, batches array, root.</summary>
    private static bool IsSpansPath(Stack<string?> path)
    {
        var level = 0;
        foreach (var name in path)
        {
            var expected = level switch { 0 => "spans", 2 => "scopeSpans", 4 => "batches", _ => null };
            if (!string.Equals(name, expected, StringComparison.Ordinal))
            {
                return false;
            }

            level++;
        }

        return true;
    }
}
