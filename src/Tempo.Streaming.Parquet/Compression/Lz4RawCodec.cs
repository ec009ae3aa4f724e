using System.Runtime.InteropServices;
using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>
/// LZ4_RAW: one LZ4 block with no framing (Parquet Compression.md; the older LZ4 codec value used Hadoop framing and
/// is not supported). Through Debian's liblz4-1 (brought in by librocksdb).
/// </summary>
internal sealed unsafe partial class Lz4RawCodec : ICompressionCodec
{
    private const string Library = "liblz4.so.1";

    public CompressionCodec Codec => CompressionCodec.Lz4Raw;

    public void Compress(ReadOnlySpan<byte> source, ByteBuffer destination)
    {
        int written;
        try
        {
            var bound = LZ4_compressBound(source.Length);
            if (bound <= 0)
            {
                throw new ArgumentException($"LZ4 cannot compress {source.Length} bytes in one block", nameof(source));
            }

            var span = destination.GetSpan(bound);
            fixed (byte* src = source)
            fixed (byte* dst = span)
            {
                written = LZ4_compress_default(src, dst, source.Length, span.Length);
            }
        }
        catch (DllNotFoundException e)
        {
            throw Missing(e);
        }

        if (written <= 0 && source.Length > 0)
        {
            throw new InvalidOperationException($"LZ4 compression of {source.Length} bytes failed");
        }

        destination.Advance(written);
    }

    public void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int produced;
        try
        {
            fixed (byte* src = source)
            fixed (byte* dst = destination)
            {
                produced = LZ4_decompress_safe(src, dst, source.Length, destination.Length);
            }
        }
        catch (DllNotFoundException e)
        {
            throw Missing(e);
        }

        if (produced < 0)
        {
            throw new ParquetFormatException($"LZ4_RAW data is corrupt (decompressing {source.Length} bytes into {destination.Length})");
        }

        if (produced != destination.Length)
        {
            CompressionCodecs.SizeMismatch(Codec, produced, destination.Length);
        }
    }

    private static InvalidOperationException Missing(DllNotFoundException e) =>
        new($"LZ4_RAW needs the native library {Library} (Debian/Ubuntu package liblz4-1), which could not be loaded", e);

    [LibraryImport(Library)]
    private static partial int LZ4_compressBound(int inputSize);

    [LibraryImport(Library)]
    private static partial int LZ4_compress_default(byte* src, byte* dst, int srcSize, int dstCapacity);

    [LibraryImport(Library)]
    private static partial int LZ4_decompress_safe(byte* src, byte* dst, int compressedSize, int dstCapacity);
}
