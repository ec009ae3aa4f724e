using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

internal sealed class UncompressedCodec : ICompressionCodec
{
    public CompressionCodec Codec => CompressionCodec.Uncompressed;

    public void Compress(ReadOnlySpan<byte> source, ByteBuffer destination) => destination.Write(source);

    public void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length != destination.Length)
        {
            CompressionCodecs.SizeMismatch(Codec, source.Length, destination.Length);
        }

        source.CopyTo(destination);
    }
}
