using System.Runtime.InteropServices;

namespace Tempo.Streaming.IngestLog.Embedded;

/// <summary>LZ4 block compression through Debian's liblz4-1 (also a dependency of librocksdb): no framing, no checksum.</summary>
internal static unsafe partial class Lz4Block
{
    private const string Library = "liblz4.so.1";

    /// <summary>The most bytes compressing <paramref name="length"/> bytes can take.</summary>
    public static int Bound(int length) => LZ4_compressBound(length);

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/> (at least <see cref="Bound"/> bytes); returns the length.</summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            written = LZ4_compress_default(src, dst, source.Length, destination.Length);
        }
        if (written <= 0 && source.Length > 0)
        {
            throw new InvalidOperationException($"LZ4 compression of {source.Length} bytes into {destination.Length} failed");
        }
        return written;
    }

    /// <summary>Decompresses a block that must expand to exactly <paramref name="destination"/>'s length; false when it does not.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            return LZ4_decompress_safe(src, dst, source.Length, destination.Length) == destination.Length;
        }
    }

    [LibraryImport(Library)]
    private static partial int LZ4_compressBound(int inputSize);

    [LibraryImport(Library)]
    private static partial int LZ4_compress_default(byte* src, byte* dst, int srcSize, int dstCapacity);

    [LibraryImport(Library)]
    private static partial int LZ4_decompress_safe(byte* src, byte* dst, int compressedSize, int dstCapacity);
}
