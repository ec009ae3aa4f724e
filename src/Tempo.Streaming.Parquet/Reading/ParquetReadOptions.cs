namespace Tempo.Streaming.Parquet;

/// <summary>How a <see cref="ParquetFileReader"/> fetches and what it keeps between reads.</summary>
public sealed record ParquetReadOptions
{
    public static ParquetReadOptions Default { get; } = new();

    /// <summary>
    /// Decoded dictionary pages kept per file for row reads (<see cref="RecordReader.OpenRowsAsync"/>), least recently
    /// used dropped first. A row read needs the dictionary of every dictionary-encoded chunk it touches; keeping them
    /// is what makes a repeated lookup cost only the data pages that hold the row.
    /// </summary>
    public long DictionaryCacheBytes { get; init; } = 32L << 20;

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
        if (DictionaryCacheBytes < 0)
            throw new ArgumentException($"parquet reader: dictionary cache size must not be negative, got {DictionaryCacheBytes}");
        if (CoalesceGapBytes < 0)
            throw new ArgumentException($"parquet reader: coalescing gap must not be negative, got {CoalesceGapBytes}");
        if (MaxCoalescedReadBytes < 1)
            throw new ArgumentException($"parquet reader: largest merged read must be positive, got {MaxCoalescedReadBytes}");
    }
}
