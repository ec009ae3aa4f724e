namespace Tempo.Streaming.Query.Blocks;

/// <summary>How <see cref="BlockTraceSource"/> searches blocks.</summary>
public sealed record BlockTraceSourceOptions
{
    public static BlockTraceSourceOptions Default { get; } = new();

    /// <summary>
    /// Blocks one lookup asks at the same time. Each block costs a bloom read and, on a hit, a few ranged reads; on S3
    /// these are latency-bound, so overlap matters, but an unbounded fan-out over hundreds of blocks would flood the
    /// backend and the thread pool.
    /// </summary>
    public int MaxConcurrentBlocks { get; init; } = 16;

    /// <summary>
    /// Block readers kept open across lookups (least recently used evicted). Each holds what it fetched of its block —
    /// bloom shards, index, footer, row-group trace IDs (16 bytes per trace) — so this bounds that memory.
    /// </summary>
    public int MaxOpenBlocks { get; init; } = 256;

    /// <summary>Throws with a message naming the setting when a value cannot work.</summary>
    public void Validate()
    {
        if (MaxConcurrentBlocks < 1)
        {
            throw new ArgumentException($"block lookups MaxConcurrentBlocks must be at least 1, got {MaxConcurrentBlocks}");
        }

        if (MaxOpenBlocks < 1)
        {
            throw new ArgumentException($"block lookups MaxOpenBlocks must be at least 1, got {MaxOpenBlocks}");
        }
    }
}
