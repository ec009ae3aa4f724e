namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// When the live store cuts blocks (ARCHITECTURE.md §5). A cut takes an offset range of one partition: from the
/// flushed offset either the shortest run of records reaching <see cref="MaxBlockBytes"/> (so a busy partition's cut
/// points depend only on the log), or, once the oldest unflushed record is older than <see cref="MaxBlockDuration"/>,
/// everything consumed.
/// </summary>
public sealed record BlockFlushOptions
{
    /// <summary>Only the flush owner cuts blocks; other replicas of a partition serve queries and never write blocks.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Record bytes (ingest-log values) per block at most before a cut. The cut decodes the range's fragments into memory
    /// (several times their size as objects), so the default is moderate; compaction makes larger blocks later.
    /// </summary>
    public long MaxBlockBytes { get; init; } = 64L << 20;

    /// <summary>Oldest unflushed record age (its log timestamp) that forces a cut (Tempo's <c>max_block_duration</c>).</summary>
    public TimeSpan MaxBlockDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a flushed range stays in the live store, queryable from both copies (Tempo's <c>complete_block_timeout</c>).</summary>
    public TimeSpan CompleteBlockTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How often partitions are checked for a due cut and flushed ranges for deletion.</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Cuts of different partitions under way at once (Tempo's ingester <c>concurrent_flushes</c>); a partition's own cuts
    /// always run one after another, in offset order. A cut encodes on one thread: with one at a time, a store that owns
    /// several partitions flushed slower than it consumed once the cores were shared with consumption and compaction.
    /// </summary>
    public int ConcurrentFlushes { get; init; } = 2;

    public void Validate()
    {
        if (MaxBlockBytes < 1)
        {
            throw new ArgumentException($"live store: max_block_bytes must be positive, got {MaxBlockBytes}");
        }
        if (MaxBlockDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"live store: max_block_duration must be positive, got {MaxBlockDuration}");
        }
        if (CompleteBlockTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"live store: complete_block_timeout must not be negative, got {CompleteBlockTimeout}");
        }
        if (CheckInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"live store: the flush check interval must be positive, got {CheckInterval}");
        }
        if (ConcurrentFlushes < 1)
        {
            throw new ArgumentException($"live store: concurrent_flushes must be at least 1, got {ConcurrentFlushes}");
        }
    }
}
