using Tempo.Streaming.LiveStore.Flushing;

namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>What became of one tenant's block of a replayed range.</summary>
public enum ReplayedBlockOutcome
{
    /// <summary>The block was written (it did not exist).</summary>
    Written,

    /// <summary>A block with this ID already existed (its meta.json was there); nothing was written.</summary>
    Existed,

    /// <summary>
    /// Not written: another live block of the tenant already holds some of these offsets (e.g. a compaction output, or a
    /// block cut with other boundaries), so writing this one would duplicate its spans.
    /// </summary>
    CoveredByTenant,
}

/// <summary>One tenant's block of a replayed range.</summary>
public sealed record ReplayedBlock(string Tenant, Guid BlockId, ReplayedBlockOutcome Outcome, long Spans);

/// <summary>What replaying one offset range read and wrote.</summary>
/// <param name="Range">The range, inclusive, as it names the blocks.</param>
/// <param name="Records">Records read in the range (undecodable ones included, as in the block lineage).</param>
/// <param name="RecordBytes">Their value bytes.</param>
/// <param name="SkippedRecords">Records that could not be decoded (the live store skips them too).</param>
/// <param name="Blocks">One entry per tenant with spans in the range, in tenant order.</param>
public sealed record ReplayRangeResult(FlushRange Range, long Records, long RecordBytes, long SkippedRecords, IReadOnlyList<ReplayedBlock> Blocks);
