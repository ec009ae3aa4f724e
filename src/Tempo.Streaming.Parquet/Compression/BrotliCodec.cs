using System.IO.Compression;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>BROTLI (RFC 7932) through the BCL's span-based encoder and decoder.</summary>
internal sealed class BrotliCodec : ICompressionCodec
{
    private const int Window = 22; // the encoder's default window (4 MiB); decoders accept any

    private readonly int _quality;

    public BrotliCodec(int? level)
    {
        if (level is < 0 or > 11)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "brotli levels are 0..11");
        }

        _quality = level ?? 4;
    }

    public CompressionCodec Codec => CompressionCodec.Brotli;

    public void Compress(ReadOnlySpan<byte> source, ByteBuffer destination)
    {
        var bound = BrotliEncoder.GetMaxCompressedLength(source.Length);
        var span = destination.GetSpan(bound);
        if (!BrotliEncoder.TryCompress(source, span[..bound], out var written, _quality, Window))
        {
            throw new InvalidOperationException($"brotli could not compress {source.Length} bytes into its own bound of {bound}");
        }

        destination.Advance(written);
    }

    public void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            // a zero-length destination cannot show that the stream ends there; give the decoder one spare byte
            Span<byte> spare = stackalloc byte[1];
            var ok = BrotliDecoder.TryDecompress(source, spare, out var extra) && extra == 0;
            if (!ok)
            {
                throw new ParquetFormatException("BROTLI data is corrupt or longer than the empty page the header announces");
            }

            return;
        }

        using var decoder = new BrotliDecoder();
        var status = decoder.Decompress(source, destination, out var consumed, out var written);
        switch (status)
        {
            case System.Buffers.OperationStatus.Done when written == destination.Length && consumed == source.Length:
                return;
            case System.Buffers.OperationStatus.Done:
                CompressionCodecs.SizeMismatch(Codec, written, destination.Length);
                return;
            case System.Buffers.OperationStatus.DestinationTooSmall:
                CompressionCodecs.SizeMismatch(Codec, (long)destination.Length + 1, destination.Length);
                return;
            case System.Buffers.OperationStatus.NeedMoreData:
                throw new ParquetFormatException($"BROTLI data is truncated: {written} of {destination.Length} bytes came out");
            default:
                throw new ParquetFormatException("BROTLI data is corrupt");
        }
    }
}
