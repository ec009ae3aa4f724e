namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>How <see cref="ReplayBlockBuilder"/> reads the log.</summary>
public sealed record ReplayReadOptions
{
    /// <summary>Records per log read at most (a throttled replay reads smaller batches to stay smooth).</summary>
    public int BatchRecords { get; init; } = 1000;

    /// <summary>Bytes per log read, about (the log returns at least one record).</summary>
    public int BatchBytes { get; init; } = 4 << 20;

    /// <summary>Awaited after each read with the number of records it returned: the replay's throttle (null = none).</summary>
    public Func<int, CancellationToken, ValueTask>? Throttle { get; init; }

    /// <summary>Called after each read with its records and the offset after the last one: the replay's progress.</summary>
    public Action<int, long>? RecordsRead { get; init; }

    public void Validate()
    {
        if (BatchRecords < 1)
        {
            throw new ArgumentException($"replay: records per read must be positive, got {BatchRecords}");
        }
        if (BatchBytes < 1)
        {
            throw new ArgumentException($"replay: bytes per read must be positive, got {BatchBytes}");
        }
    }
}
