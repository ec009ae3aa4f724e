using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>How blocks are written. Defaults are Tempo's block config defaults where Tempo has one.</summary>
public sealed record BlockWriterOptions
{
    public static BlockWriterOptions Default { get; } = new();

    /// <summary>
    /// A row group is cut once its buffered, encoded size passes this (Tempo <c>row_group_size_bytes</c>, default 100 MB).
    /// Smaller row groups make trace-by-ID read less; larger ones compress better.
    /// </summary>
    public long RowGroupSizeBytes { get; init; } = 100_000_000;

    /// <summary>Bloom filter false-positive rate (Tempo <c>bloom_filter_false_positive</c>, default 0.01).</summary>
    public double BloomFalsePositive { get; init; } = 0.01;

    /// <summary>Bytes per bloom shard (Tempo <c>bloom_filter_shard_size_bytes</c>, default 100 KiB).</summary>
    public int BloomShardSizeBytes { get; init; } = 100 * 1024;

    /// <summary>Page codec for every column (zstd by default; DuckDB, Spark and parquet-go read it).</summary>
    public CompressionCodec Compression { get; init; } = CompressionCodec.Zstd;

    /// <summary>Codec level; null = <see cref="VParquet4WriterOptions.DefaultZstdLevel"/> for zstd, the codec default otherwise.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>Where data.parquet is staged before the upload; null = the system temp folder.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Checks the values; called by <see cref="BlockWriter"/>'s constructor.</summary>
    public void Validate()
    {
        if (RowGroupSizeBytes < 1)
        {
            throw new ArgumentException($"block writer: row group size must be positive, got {RowGroupSizeBytes}");
        }
        if (BloomFalsePositive is <= 0 or >= 1 || double.IsNaN(BloomFalsePositive))
        {
            throw new ArgumentException($"block writer: bloom false-positive rate must be between 0 and 1 (exclusive), got {BloomFalsePositive}");
        }
        if (BloomShardSizeBytes < 1)
        {
            throw new ArgumentException($"block writer: bloom shard size must be positive, got {BloomShardSizeBytes}");
        }
        if (Compression is not (CompressionCodec.Uncompressed or CompressionCodec.Snappy or CompressionCodec.Zstd or CompressionCodec.Gzip))
        {
            throw new ArgumentException($"block writer: codec {Compression} is not written by this project (use Zstd, Snappy, Gzip or Uncompressed)");
        }
    }
}
