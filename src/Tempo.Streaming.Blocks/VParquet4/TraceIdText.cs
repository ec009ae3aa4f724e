namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>The TraceIDText column: lowercase hex of the 16-byte ID without leading zeros (Tempo's <c>util.TraceIDToHexString</c>).</summary>
internal static class TraceIdText
{
    private const string Digits = "0123456789abcdef";

    /// <summary>Formats into <paramref name="destination"/> (32 chars) and returns the used part; all-zero IDs give "".</summary>
    public static ReadOnlySpan<char> Format(ReadOnlySpan<byte> id, Span<char> destination)
    {
        var length = 0;
        for (var i = 0; i < id.Length; i++)
        {
            destination[length++] = Digits[id[i] >> 4];
            destination[length++] = Digits[id[i] & 0xF];
        }
        var start = 0;
        while (start < length && destination[start] == '0')
        {
            start++;
        }
        return destination[start..length];
    }
}
