namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>A failure the compactor reported and moved past (the other groups and tenants went on).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="BlockId">The block at fault when known (the corrupt input, the block retention could not delete); else null.</param>
/// <param name="Message">What failed, naming the tenant and blocks.</param>
public sealed record CompactionError(string Tenant, Guid? BlockId, string Message);

/// <summary>What one compactor run did, for the caller's log line.</summary>
/// <param name="Tenants">Tenants visited.</param>
/// <param name="BlocksIn">Input blocks marked compacted by compactions (including those of outputs found already written).</param>
/// <param name="BlocksOut">Compacted blocks written.</param>
/// <param name="Spans">Spans written into compacted blocks.</param>
/// <param name="Bytes">Bytes of data.parquet written into compacted blocks.</param>
/// <param name="TracesCombined">Traces found in several inputs and combined.</param>
/// <param name="BlocksSuperseded">Live blocks marked compacted because a compacted block already holds their ranges.</param>
/// <param name="RetentionMarked">Live blocks past the block retention marked for deletion.</param>
/// <param name="BlocksDeleted">Compacted blocks past the compacted block retention deleted.</param>
/// <param name="Errors">Failures, each naming its tenant and block.</param>
public sealed record CompactionSummary(
    int Tenants,
    int BlocksIn,
    int BlocksOut,
    long Spans,
    long Bytes,
    long TracesCombined,
    int BlocksSuperseded,
    int RetentionMarked,
    int BlocksDeleted,
    IReadOnlyList<CompactionError> Errors)
{
    public static CompactionSummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, []);

    public CompactionSummary Plus(CompactionSummary other) => new(
        Tenants + other.Tenants,
        BlocksIn + other.BlocksIn,
        BlocksOut + other.BlocksOut,
        Spans + other.Spans,
        Bytes + other.Bytes,
        TracesCombined + other.TracesCombined,
        BlocksSuperseded + other.BlocksSuperseded,
        RetentionMarked + other.RetentionMarked,
        BlocksDeleted + other.BlocksDeleted,
        [.. Errors, .. other.Errors]);
}
