using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>The decoder of a value encoding other than PLAIN, dictionary and RLE booleans (which the chunk reader handles itself).</summary>
internal static class ValueDecoders
{
    /// <summary>A decoder positioned on <paramref name="data"/>, or null when the encoding does not apply to the type.</summary>
    public static ValueDecoder? For(Encoding encoding, PhysicalType type, int typeLength, ReadOnlyMemory<byte> data)
    {
        _ = encoding;
        _ = type;
        _ = typeLength;
        _ = data;
        return null;
    }
}
