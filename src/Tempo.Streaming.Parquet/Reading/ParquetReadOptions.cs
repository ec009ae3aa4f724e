namespace Tempo.Streaming.Parquet;

/// <summary>How a <see cref="ParquetFileReader"/> fetches and what it keeps between reads.</summary>
public sealed record ParquetReadOptions
{
    public static ParquetReadOptions Default { get; } = new();

    /// <summary>
    /// Where row reads (<see cref="RecordReader.OpenRowsAsync"/>) keep decoded data and dictionary pages. Shared by
    /// every file that names it, so one byte budget covers all open files; the default is the process-wide
    /// <see cref="PageCache.Shared"/>. A cache of capacity 0 keeps nothing (every row read decodes its pages again).
    /// </summary>
    public PageCache PageCache { get; init; } = PageCache.Shared;

    /// <summary>
    /// Names the file's bytes in <see cref="PageCache"/>, so readers opened later on the same file reuse its pages
    /// (a block's data.parquet never changes once written: e.g. store, key and size). Null: the pages are known only
    /// to the reader that decoded them.
    /// </summary>
    public string? FileIdentity { get; init; }

    /// <summary>
    /// Ranges of one request closer than this are fetched as one read: on object storage a request costs far more
    /// than the bytes of a small gap (Arrow's ReadRangeCache merges holes of up to 8 KiB by default and recommends
    /// much larger ones for S3).
    /// </summary>
    public int CoalesceGapBytes { get; init; } = 64 * 1024;

    /// <summary>A merged read never grows past this, so one huge request cannot replace a few parallel ones.</summary>
    public int MaxCoalescedReadBytes { get; init; } = 8 << 20;

    /// <summary>Checks the values; called when a reader opens.</summary>
    public void Validate()
    {
        if (PageCache is null) throw new ArgumentException("parquet reader: a page cache is required (one of capacity 0 keeps nothing)");
        if (CoalesceGapBytes < 0)
            throw new ArgumentException($"parquet reader: coalescing gap must not be negative, got {CoalesceGapBytes}");
        if (MaxCoalescedReadBytes < 1)
            throw new ArgumentException($"parquet reader: largest merged read must be positive, got {MaxCoalescedReadBytes}");
    }
}
