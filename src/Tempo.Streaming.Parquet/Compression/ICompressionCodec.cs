using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>
/// One page compression codec (Parquet Compression.md). Implementations are thread-safe and stateless from the
/// caller's view (zstd keeps a context per thread), so one instance serves every column.
/// </summary>
public interface ICompressionCodec
{
    CompressionCodec Codec { get; }

    /// <summary>Appends the compressed form of <paramref name="source"/> to <paramref name="destination"/>.</summary>
    void Compress(ReadOnlySpan<byte> source, ByteBuffer destination);

    /// <summary>
    /// Decompresses <paramref name="source"/> into <paramref name="destination"/>, whose length is the exact
    /// uncompressed size from the page header. Corrupt data, or data that does not decompress to exactly that many
    /// bytes, raises <see cref="ParquetFormatException"/>.
    /// </summary>
    void Decompress(ReadOnlySpan<byte> source, Span<byte> destination);
}
