using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// Finds live blocks whose spans are all in another live block of a higher compaction level: every ingest range of
/// the block lies inside a range of the other block's <c>ingestRanges</c> (same topic and partition). Ranges prove
/// containment because a block built from a range holds every span of its tenant in those records
/// (ARCHITECTURE.md §1 invariant 2), and a compacted block holds every span of its inputs.
/// Such a block is an input whose compaction was interrupted after the output's meta.json and before the input was
/// marked, or a range rebuilt (replayed) after it had been compacted. Marking it compacted loses nothing and ends the
/// double copy — whatever the selector would pick on the next run (new blocks may have arrived in the window since).
/// Blocks without lineage (Tempo's own blocks) are never considered superseded.
/// </summary>
internal static class SupersededBlocks
{
    /// <summary>Each superseded block with the block that holds its spans.</summary>
    public static List<(BlockMeta Block, BlockMeta CoveredBy)> Find(IReadOnlyList<BlockMeta> liveBlocks)
    {
        var covering = new List<BlockMeta>();
        foreach (var meta in liveBlocks)
        {
            if (meta.CompactionLevel > 0 && meta.IngestRanges.Count > 0)
            {
                covering.Add(meta);
            }
        }

        var result = new List<(BlockMeta, BlockMeta)>();
        if (covering.Count == 0)
        {
            return result;
        }
        foreach (var meta in liveBlocks)
        {
            var ranges = RangesOf(meta);
            if (ranges.Count == 0)
            {
                continue;
            }
            foreach (var candidate in covering)
            {
                if (candidate.CompactionLevel > meta.CompactionLevel && candidate.BlockId != meta.BlockId && Covers(candidate.IngestRanges, ranges))
                {
                    result.Add((meta, candidate));
                    break;
                }
            }
        }
        return result;
    }

    private static List<IngestLineage> RangesOf(BlockMeta meta)
    {
        var ranges = new List<IngestLineage>(meta.IngestRanges);
        if (meta.Ingest is { } ingest)
        {
            ranges.Add(ingest);
        }
        return ranges;
    }

    private static bool Covers(IReadOnlyList<IngestLineage> outer, List<IngestLineage> inner)
    {
        foreach (var range in inner)
        {
            var inside = false;
            foreach (var candidate in outer)
            {
                if (candidate.Partition == range.Partition && string.Equals(candidate.Topic, range.Topic, StringComparison.Ordinal) &&
                    candidate.FirstOffset <= range.FirstOffset && range.LastOffset <= candidate.LastOffset)
                {
                    inside = true;
                    break;
                }
            }
            if (!inside)
            {
                return false;
            }
        }
        return true;
    }
}
