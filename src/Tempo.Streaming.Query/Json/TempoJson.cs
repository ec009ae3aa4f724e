using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tempo.Streaming.Query.Json;

/// <summary>
/// Writer settings and scalar encodings shared by every Tempo-compatible JSON response.
/// </summary>
public static class TempoJson
{
    /// <summary>
    /// Compact output; non-ASCII text is written as UTF-8 rather than \u escapes. Go's encoding/json additionally
    /// escapes &lt; &gt; &amp; as \u003c...; that is a byte-level difference only — both parse to the same JSON value.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>A writer over <paramref name="output"/> with <see cref="WriterOptions"/>; dispose (or flush) it when done.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, WriterOptions);

    /// <summary>
    /// proto3 JSON writes 64-bit integers (int64, uint64, fixed64) as decimal strings, because JavaScript numbers
    /// cannot hold them exactly: <c>"startTimeUnixNano":"1700000000000000000"</c>.
    /// </summary>
    public static void WriteInt64String(Utf8JsonWriter writer, JsonEncodedText name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var length);
        writer.WriteString(name, digits[..length]);
    }

    /// <inheritdoc cref="WriteInt64String(Utf8JsonWriter, JsonEncodedText, long)"/>
    public static void WriteUInt64String(Utf8JsonWriter writer, JsonEncodedText name, ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var length);
        writer.WriteString(name, digits[..length]);
    }

    /// <summary>Lower-case hex of <paramref name="bytes"/> as a JSON string value (search results, LLM output).</summary>
    public static void WriteHexStringValue(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        const int StackLimit = 64;
        Span<char> buffer = bytes.Length <= StackLimit / 2 ? stackalloc char[StackLimit] : new char[bytes.Length * 2];
        var hex = buffer[..(bytes.Length * 2)];
        Convert.TryToHexStringLower(bytes, hex, out _);
        writer.WriteStringValue(hex);
    }
}
