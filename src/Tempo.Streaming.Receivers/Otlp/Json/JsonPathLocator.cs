using System.Text;
using System.Text.Json;

namespace Tempo.Streaming.Receivers.Otlp.Json;

/// <summary>
/// Names the place of an error as a JSON path (<c>resourceSpans[0].scopeSpans[1].spans[3].traceId</c>), using the
/// keys as the document spells them. The transcoder only remembers the byte offset of the bad token; this re-reads
/// the document up to that offset, so the hot path pays nothing for error reporting.
/// </summary>
internal static class JsonPathLocator
{
    /// <summary>The path of the token starting at <paramref name="offset"/>, or of the place where the document stops
    /// being valid JSON if that comes first.</summary>
    public static string PathAt(ReadOnlySpan<byte> json, long offset, int maxDepth)
    {
        var levels = new List<Level>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenStartIndex >= offset && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
                {
                    if (reader.TokenType != JsonTokenType.PropertyName)
                    {
                        CountArrayElement(levels);
                    }
                    else
                    {
                        levels[^1].Property = reader.GetString();
                    }

                    break;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        levels[^1].Property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        CountArrayElement(levels);
                        levels.Add(new Level(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        levels.RemoveAt(levels.Count - 1);
                        break;
                    default:
                        CountArrayElement(levels);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // The document is invalid at or before the offset: the path so far is where it breaks.
        }

        return Format(levels);
    }

    /// <summary>The byte offset that a <see cref="JsonException"/>'s line and byte position point at.</summary>
    public static long OffsetOf(ReadOnlySpan<byte> json, JsonException exception)
    {
        long offset = 0;
        for (var line = 0L; line < exception.LineNumber; line++)
        {
            var newline = json[(int)offset..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return json.Length;
            }

            offset += newline + 1;
        }

        return Math.Min(json.Length, offset + (exception.BytePositionInLine ?? 0));
    }

    private static void CountArrayElement(List<Level> levels)
    {
        if (levels.Count > 0 && levels[^1].IsArray)
        {
            levels[^1].Index++;
        }
    }

    private static string Format(List<Level> levels)
    {
        var path = new StringBuilder();
        foreach (var level in levels)
        {
            if (level.IsArray)
            {
                if (level.Index >= 0)
                {
                    path.Append('[').Append(level.Index).Append(']');
                }
            }
            else if (level.Property is not null)
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                path.Append(level.Property);
            }
        }

        return path.Length == 0 ? "the document" : path.ToString();
    }

    private sealed class Level(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }
    }
}
