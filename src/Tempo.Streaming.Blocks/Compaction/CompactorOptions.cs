using Tempo.Streaming.Blocks.BlockFormat;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// How the compactor merges and expires blocks. Defaults are Tempo's compactor defaults (modules/compactor/config.go,
/// tempodb/compaction_block_selector.go) where Tempo has one.
/// </summary>
public sealed record CompactorOptions
{
    public static CompactorOptions Default { get; } = new();

    /// <summary>
    /// Tempo <c>compaction_window</c> (1h): blocks are merged only with blocks whose end time falls in the same window
    /// (window = end time in Unix seconds / window seconds), so a compacted block covers a bounded time range and time
    /// pruning of queries keeps working. Whole seconds.
    /// </summary>
    public TimeSpan CompactionWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Most input blocks merged in one compaction (Tempo's time-window selector uses at most 8). Bounds how many block
    /// readers, and so row groups, are open at once: the merge holds one row group per input in memory.
    /// </summary>
    public int MaxInputBlocks { get; init; } = 8;

    /// <summary>Tempo <c>max_compaction_objects</c> (6,000,000): inputs are chosen so their traces add up to at most this.</summary>
    public long MaxCompactionObjects { get; init; } = 6_000_000;

    /// <summary>Tempo <c>max_block_bytes</c> (100 GiB): inputs are chosen so their data.parquet sizes add up to at most this.</summary>
    public long MaxBlockBytes { get; init; } = 100L * 1024 * 1024 * 1024;

    /// <summary>
    /// Blocks at this compaction level or above are not compacted again (Tempo has no such bound; 255 leaves it
    /// practically open). Lower it to cap how often a span is rewritten.
    /// </summary>
    public int MaxCompactionLevel { get; init; } = 255;

    /// <summary>
    /// Windows ending within this long before now are "active" (Tempo's fixed 24h): there blocks are only merged with
    /// blocks of the same compaction level, so fresh small blocks are not rewritten into one large block again and
    /// again. Older windows merge whatever is left regardless of level.
    /// </summary>
    public TimeSpan ActiveWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Tempo <c>block_retention</c> (336h = 14 days): a live block whose end time is older than this is marked
    /// compacted (as Tempo's retention does), and deleted once <see cref="CompactedBlockRetention"/> has passed too.
    /// </summary>
    public TimeSpan BlockRetention { get; init; } = TimeSpan.FromHours(336);

    /// <summary>
    /// Tempo <c>compacted_block_retention</c> (1h): how long a block marked compacted stays readable. Queriers that
    /// polled the tenant index before the block was marked still open it during this grace period, so it must exceed
    /// the tenant index poll interval plus the longest query.
    /// </summary>
    public TimeSpan CompactedBlockRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Tempo's compaction cycle (30s): how often the host calls <see cref="Compactor.RunOnceAsync"/>. A run that takes
    /// longer simply delays the next one; the compactor itself keeps no timer.
    /// </summary>
    public TimeSpan CompactionCycle { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How compacted blocks are encoded (row group size, bloom filter, codec).</summary>
    public BlockWriterOptions Writer { get; init; } = BlockWriterOptions.Default;

    /// <summary>Checks the values; called by <see cref="Compactor"/>'s constructor.</summary>
    public void Validate()
    {
        if (CompactionWindow < TimeSpan.FromSeconds(1) || CompactionWindow.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"compactor: compaction window must be a positive whole number of seconds, got {CompactionWindow}");
        }
        if (MaxInputBlocks < 2)
        {
            throw new ArgumentException($"compactor: max input blocks must be at least 2 (a compaction merges two or more blocks), got {MaxInputBlocks}");
        }
        if (MaxCompactionObjects < 1)
        {
            throw new ArgumentException($"compactor: max compaction objects must be positive, got {MaxCompactionObjects}");
        }
        if (MaxBlockBytes < 1)
        {
            throw new ArgumentException($"compactor: max block bytes must be positive, got {MaxBlockBytes}");
        }
        if (MaxCompactionLevel < 1)
        {
            throw new ArgumentException($"compactor: max compaction level must be at least 1 (blocks cut from the live store are level 0), got {MaxCompactionLevel}");
        }
        if (CompactionCycle <= TimeSpan.Zero)
        {
            throw new ArgumentException($"compactor: compaction cycle must be positive, got {CompactionCycle}");
        }
        if (ActiveWindow < TimeSpan.Zero)
        {
            throw new ArgumentException($"compactor: active window must not be negative, got {ActiveWindow}");
        }
        if (BlockRetention <= TimeSpan.Zero)
        {
            throw new ArgumentException($"compactor: block retention must be positive, got {BlockRetention}");
        }
        if (CompactedBlockRetention <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"compactor: compacted block retention must be positive (queriers need a grace period to stop reading replaced blocks), got {CompactedBlockRetention}");
        }
        ArgumentNullException.ThrowIfNull(Writer);
        Writer.Validate();
    }
}
