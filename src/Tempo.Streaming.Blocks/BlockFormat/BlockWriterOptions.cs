using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>How blocks are written. Defaults are Tempo's block config defaults where Tempo has one.</summary>
public sealed record BlockWriterOptions
{
    public static BlockWriterOptions Default { get; } = new();

    /// <summary>
    /// What blocks cut from the ingest log are written with: the live store's cuts, and replay, which must reproduce a
    /// cut byte for byte (so both take this one definition). zstd level 1 on every column instead of the tuned levels:
    /// the cut runs next to consumption on the same cores and must keep up with the ingest rate, and the tuned levels
    /// were ~20% of its CPU (live-store-steady-state cut on the shop workload: 132k → 157–184k spans per CPU-second)
    /// for blocks ~9% smaller (49.9 → 54.6 B/span, see <see cref="VParquet4.VParquet4WriterOptions.ZstdLevelFor"/>).
    /// The compactor rewrites cut blocks with <see cref="Default"/>, so merged blocks get the tuned levels back.
    /// </summary>
    public static BlockWriterOptions Cut { get; } = new() { CompressionLevel = CutZstdLevel };

    /// <summary>The zstd level of <see cref="Cut"/>.</summary>
    public const int CutZstdLevel = 1;

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

    /// <summary>
    /// Fill the spare dedicated columns (String01..String10 per scope) that the caller's dedicated columns leave free with
    /// the block's most frequent string attributes (<see cref="DedicatedColumnSelector"/>); meta.json records the final
    /// list, so Tempo and <see cref="BlockReader"/> read every block with its own mapping, and TraceQL on those attributes
    /// reads one column instead of the generic lists. Off by default because it does not make blocks smaller: on the shop
    /// workload (20,000 traces, 346,551 spans) 10 span + 9 resource columns made the block 52.7 → 53.1 B/span (48.8 →
    /// 49.6 without the page entry limit), one column (server.address) +0.4. An attribute in the generic lists costs
    /// little there because its key, type and value repeat with the span's other attributes, which zstd matches as a
    /// whole, while a column of its own pays again for which spans carry it.
    /// </summary>
    public bool AutoDedicatedColumns { get; init; }

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
