namespace Tempo.Streaming.LiveStore;

/// <summary>
/// Settings of one live store (config section <c>live_store</c>, plus <c>max_bytes_per_trace</c> from the overrides).
/// Defaults are Tempo's where Tempo has the setting.
/// </summary>
public sealed record LiveStoreOptions
{
    /// <summary>Folder of the RocksDB database.</summary>
    public string Path { get; init; } = "./data/live-store";

    /// <summary>Partitions this instance consumes; empty = every partition of the log (single-binary mode).</summary>
    public IReadOnlyList<int> Partitions { get; init; } = [];

    /// <summary>Consumer group whose committed offset a replica with an empty disk starts from (invariant 3).</summary>
    public string ConsumerGroup { get; init; } = "live-store";

    /// <summary>Spans of a trace beyond this many stored bytes are discarded as <c>trace_too_large</c>; 0 = no limit (Tempo: 5 MB).</summary>
    public long MaxBytesPerTrace { get; init; } = 5_000_000;

    /// <summary>
    /// Memory for recent trace data not yet flushed to disk (RocksDB memtables); while it is reached, consumption pauses
    /// until flushes free it. 0 = RocksDB's own limits (Tempo's name and default: 250 MB of live traces in memory).
    /// </summary>
    public long MaxLiveTracesBytes { get; init; } = 250_000_000;

    /// <summary>A trace that received nothing for this long stops counting as live (Tempo's <c>max_trace_idle</c>).</summary>
    public TimeSpan MaxTraceIdle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A trace stops counting as live this long after its first fragment, however busy (Tempo's <c>max_trace_live</c>).</summary>
    public TimeSpan MaxTraceLive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Records fetched per read from a partition.</summary>
    public int FetchMaxRecords { get; init; } = 1000;

    /// <summary>About this many bytes fetched per read from a partition.</summary>
    public int FetchMaxBytes { get; init; } = 16 << 20;

    /// <summary>How long a consumer waits before asking an idle partition again (bounds the freshness delay).</summary>
    public TimeSpan IdlePollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>RocksDB block cache shared by the column families.</summary>
    public long BlockCacheBytes { get; init; } = 128L << 20;

    /// <summary>When blocks are cut (used when the store is opened with a block writer).</summary>
    public Flushing.BlockFlushOptions Flush { get; init; } = new();

    /// <summary>The dedicated columns of a tenant's blocks (Tempo's per-tenant <c>parquet_dedicated_columns</c>).</summary>
    public Func<string, IReadOnlyList<Tempo.Streaming.Blocks.Meta.DedicatedColumn>> DedicatedColumns { get; init; } = static _ => [];
}
