namespace Tempo.Streaming.Core.Diagnostics;

/// <summary>
/// Named points where the process can be made to die on purpose, so crash tests stop a real server exactly between two
/// durable steps (after a block's data.parquet, before its meta.json; after a cut's blocks, before the flushed offset;
/// ...) instead of hoping a SIGKILL lands there. Off unless the environment variable <see cref="Variable"/> names a
/// point: then reaching that point terminates the process at once — no finally blocks, no flushes, no graceful
/// shutdown, like SIGKILL. Reading a static once costs nothing on the normal path.
/// </summary>
public static class CrashPoints
{
    public const string Variable = "TEMPO_STREAMING_CRASH_AT";

    /// <summary>A block's data.parquet is uploaded; its bloom, index and meta.json are not.</summary>
    public const string BlockAfterData = "block-after-data";

    /// <summary>A cut's blocks (meta.json included) are durable; the flushed offset is not stored yet.</summary>
    public const string FlushAfterBlocks = "flush-after-blocks";

    /// <summary>The flushed offset is stored; the consumer group's offset is not committed yet.</summary>
    public const string FlushBeforeCommit = "flush-before-commit";

    /// <summary>A compaction's output block is durable; its inputs are not marked compacted yet.</summary>
    public const string CompactionAfterOutput = "compaction-after-output";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Terminates the process when <paramref name="point"/> is the armed one; otherwise does nothing.</summary>
    public static void Hit(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal))
        {
            // FailFast ends the process without running finalizers, finally blocks or shutdown hooks.
            Environment.FailFast($"crash point {point} reached ({Variable})");
        }
    }
}
