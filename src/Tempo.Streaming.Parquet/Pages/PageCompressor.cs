using Tempo.Streaming.Parquet.Compression;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet;

/// <summary>One column's page codec: compresses whole pages (v1) or page values (v2) into a reusable buffer.</summary>
internal sealed class PageCompressor
{
    private readonly ICompressionCodec _codec;

    private PageCompressor(ICompressionCodec codec) => _codec = codec;

    /// <summary>Resolves the codec when the writer is created, so an unavailable codec fails there, not at the first page.</summary>
    public static PageCompressor For(CompressionCodec codec, int? level, string column)
    {
        if (!CompressionCodecs.IsSupported(codec))
            throw new ArgumentException($"column '{column}': compression codec {CompressionCodecs.Name(codec)} is not supported for writing");
        return new PageCompressor(CompressionCodecs.Get(codec, level));
    }

    public void Compress(ReadOnlySpan<byte> source, ByteBuffer destination) => _codec.Compress(source, destination);

    /// <summary>Decompresses a page into exactly <paramref name="destination"/>; a size mismatch or an unsupported codec is a format error.</summary>
    public static void Decompress(CompressionCodec codec, ReadOnlySpan<byte> source, Span<byte> destination, string column)
        => CompressionCodecs.Get(codec, column).Decompress(source, destination);
}
