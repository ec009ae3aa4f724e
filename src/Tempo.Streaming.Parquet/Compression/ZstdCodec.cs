using Tempo.Streaming.Parquet.Encodings;

namespace Tempo.Streaming.Parquet.Compression;

/// <summary>
/// ZSTD: one or more zstd frames (Parquet Compression.md; RFC 8878), through libzstd with a compression and a
/// decompression context reused per thread (reusing contexts is what makes small pages cheap: ../shared/deps/native.md §4).
/// </summary>
internal sealed unsafe class ZstdCodec : ICompressionCodec
{
    private const int DefaultLevel = 3;

    [ThreadStatic]
    private static ZstdContexts? t_contexts;

    private readonly int _level;

    public ZstdCodec(int? level)
    {
        // libzstd accepts negative "fast" levels down to ZSTD_minCLevel(); -7 is the smallest that is commonly useful
        if (level is < -7 or > 22)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "zstd levels are -7..22");
        }

        _level = level ?? DefaultLevel;
    }

    public CompressionCodec Codec => CompressionCodec.Zstd;

    public void Compress(ReadOnlySpan<byte> source, ByteBuffer destination)
    {
        var contexts = Contexts();
        var bound = (int)Math.Min(ZstdNative.ZSTD_compressBound((nuint)source.Length), int.MaxValue);
        var span = destination.GetSpan(bound);
        nuint written;
        fixed (byte* src = source)
        fixed (byte* dst = span)
        {
            written = ZstdNative.ZSTD_compressCCtx(contexts.Compression, dst, (nuint)span.Length, src, (nuint)source.Length, _level);
        }

        if (ZstdNative.ZSTD_isError(written) != 0)
        {
            throw new InvalidOperationException($"zstd compression of {source.Length} bytes failed: {ZstdNative.ErrorName(written)}");
        }

        destination.Advance((int)written);
    }

    public void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var contexts = Contexts();
        nuint produced;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            produced = ZstdNative.ZSTD_decompressDCtx(contexts.Decompression, dst, (nuint)destination.Length, src, (nuint)source.Length);
        }

        if (ZstdNative.ZSTD_isError(produced) != 0)
        {
            throw new ParquetFormatException(
                $"ZSTD data is corrupt: {ZstdNative.ErrorName(produced)} (decompressing {source.Length} bytes into {destination.Length})");
        }

        if (produced != (nuint)destination.Length)
        {
            CompressionCodecs.SizeMismatch(Codec, (long)produced, destination.Length);
        }
    }

    private static ZstdContexts Contexts()
    {
        if (t_contexts is { } contexts)
        {
            return contexts;
        }

        try
        {
            return t_contexts = new ZstdContexts();
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException(
                $"ZSTD needs the native library {ZstdNative.Library} (Debian/Ubuntu package libzstd1), which could not be loaded", e);
        }
    }

    /// <summary>A thread's contexts; freed by the finalizer once the thread (and so this object) is gone.</summary>
    private sealed class ZstdContexts
    {
        public ZstdContexts()
        {
            Compression = ZstdNative.ZSTD_createCCtx();
            Decompression = ZstdNative.ZSTD_createDCtx();
            if (Compression == 0 || Decompression == 0)
            {
                throw new OutOfMemoryException("libzstd could not allocate a compression context");
            }
        }

        public nint Compression { get; }

        public nint Decompression { get; }

        ~ZstdContexts()
        {
            ZstdNative.ZSTD_freeCCtx(Compression);
            ZstdNative.ZSTD_freeDCtx(Decompression);
        }
    }
}
