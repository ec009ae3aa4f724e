namespace Tempo.Streaming.Parquet.Compression;

/// <summary>Looks up the codec for a <see cref="CompressionCodec"/> value from a footer or the writer options.</summary>
public static class CompressionCodecs
{
    private static readonly ICompressionCodec Uncompressed = new UncompressedCodec();
    private static readonly ICompressionCodec Snappy = new SnappyCodec();
    private static readonly ICompressionCodec Lz4Raw = new Lz4RawCodec();
    private static readonly ICompressionCodec DefaultGzip = new GzipCodec(null);
    private static readonly ICompressionCodec DefaultZstd = new ZstdCodec(null);
    private static readonly ICompressionCodec DefaultBrotli = new BrotliCodec(null);

    /// <summary>Whether <see cref="Get(CompressionCodec, int?)"/> has an implementation for <paramref name="codec"/>.</summary>
    public static bool IsSupported(CompressionCodec codec) => codec is CompressionCodec.Uncompressed or CompressionCodec.Snappy
        or CompressionCodec.Gzip or CompressionCodec.Zstd or CompressionCodec.Brotli or CompressionCodec.Lz4Raw;

    /// <summary>
    /// The codec for <paramref name="codec"/>. <paramref name="level"/> applies when compressing: zstd -7..22
    /// (default 3), gzip 0..9 (default 6), brotli 0..11 (default 4); others have none. LZO, the deprecated Hadoop-framed
    /// LZ4 and unknown values raise <see cref="ParquetFormatException"/>.
    /// </summary>
    public static ICompressionCodec Get(CompressionCodec codec, int? level = null) => codec switch
    {
        CompressionCodec.Uncompressed => Uncompressed,
        CompressionCodec.Snappy => Snappy,
        CompressionCodec.Lz4Raw => Lz4Raw,
        CompressionCodec.Gzip => level is null ? DefaultGzip : new GzipCodec(level),
        CompressionCodec.Zstd => level is null ? DefaultZstd : new ZstdCodec(level),
        CompressionCodec.Brotli => level is null ? DefaultBrotli : new BrotliCodec(level),
        _ => throw new ParquetFormatException($"compression codec {Name(codec)} is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, BROTLI, LZ4_RAW)"),
    };

    /// <summary>As <see cref="Get(CompressionCodec, int?)"/>, with the column named in the error ("column X uses codec LZO, ...").</summary>
    public static ICompressionCodec Get(CompressionCodec codec, string columnPath, int? level = null)
    {
        if (!IsSupported(codec))
        {
            throw new ParquetFormatException($"column {columnPath} uses codec {Name(codec)}, which this reader does not support");
        }

        return Get(codec, level);
    }

    /// <summary>The parquet.thrift spelling (LZ4_RAW, ...), or the number for values the spec does not define.</summary>
    public static string Name(CompressionCodec codec) => codec switch
    {
        CompressionCodec.Uncompressed => "UNCOMPRESSED",
        CompressionCodec.Snappy => "SNAPPY",
        CompressionCodec.Gzip => "GZIP",
        CompressionCodec.Lzo => "LZO",
        CompressionCodec.Brotli => "BROTLI",
        CompressionCodec.Lz4 => "LZ4",
        CompressionCodec.Zstd => "ZSTD",
        CompressionCodec.Lz4Raw => "LZ4_RAW",
        _ => $"#{(int)codec}",
    };

    internal static void SizeMismatch(CompressionCodec codec, long produced, int expected) =>
        throw new ParquetFormatException(
            $"{Name(codec)} data is corrupt: it decompresses to {produced} bytes, the page header says {expected}");
}
