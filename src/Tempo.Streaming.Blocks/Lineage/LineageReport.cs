namespace Tempo.Streaming.Blocks.Lineage;

/// <summary>A block named in a report.</summary>
public sealed record LineageBlockRef(string Tenant, Guid BlockId, bool Compacted);

/// <summary>
/// A run of offsets covered by the same set of blocks (and/or a flushed empty range). <see cref="Blocks"/> lists live
/// blocks first, then compacted ones; with a tenant filter only that tenant's, and <see cref="OtherTenantBlocks"/> counts
/// the blocks of other tenants over the same run.
/// </summary>
public sealed record CoveredRange(long FirstOffset, long LastOffset, bool Empty, IReadOnlyList<LineageBlockRef> Blocks, int OtherTenantBlocks);

/// <summary>
/// Offsets below the audited end that no live block of any tenant covers and no empty range explains.
/// <see cref="CompactedBlocks"/> lists compacted blocks over the gap: their spans still exist, but the compaction output
/// that should have replaced them does not (retention will delete them).
/// </summary>
public sealed record LineageGap(long FirstOffset, long LastOffset, IReadOnlyList<LineageBlockRef> CompactedBlocks);

/// <summary>Offsets covered by two or more live blocks of one tenant: queries read those spans twice (dedup hides it), compaction would merge them twice.</summary>
public sealed record LineageOverlap(string Tenant, long FirstOffset, long LastOffset, IReadOnlyList<Guid> BlockIds);

/// <summary>The audit of one partition of one topic.</summary>
/// <param name="Offsets">What the ingest side reported for the partition (all null when nothing was known).</param>
/// <param name="Audited">The offsets checked for gaps; null when there was nothing to check.</param>
/// <param name="NotYetFlushed">From the audited end to the high watermark: consumed or still to consume, not yet due in blocks.</param>
public sealed record PartitionLineage(
    string Topic,
    int Partition,
    PartitionOffsets Offsets,
    OffsetRange? Audited,
    IReadOnlyList<CoveredRange> Covered,
    IReadOnlyList<LineageGap> Gaps,
    IReadOnlyList<LineageOverlap> Overlaps,
    OffsetRange? NotYetFlushed)
{
    public bool Healthy => Gaps.Count == 0 && Overlaps.Count == 0;
}

/// <summary>
/// The result of <see cref="LineageAudit.Run"/>: every partition in the filter, plus the blocks that cannot be placed on
/// any partition (Tempo-written blocks without lineage, unreadable folders). Healthy = no partition has a gap or overlap.
/// </summary>
public sealed record LineageReport(
    string? Tenant,
    int? Partition,
    IReadOnlyList<PartitionLineage> Partitions,
    IReadOnlyList<LineageBlockRef> BlocksWithoutLineage,
    IReadOnlyList<UnreadableBlock> UnreadableBlocks)
{
    public bool Healthy
    {
        get
        {
            foreach (var partition in Partitions)
            {
                if (!partition.Healthy)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
