using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>
/// Splits a partition's requested offsets into what to rebuild and what to leave (issue 6 point 5).
/// <list type="bullet">
/// <item>Offsets blocks already record — any tenant's, live or compacted, by <c>Ingest</c> or <c>IngestRanges</c> — are
/// replayed only with the boundaries recorded there: the live store cut every tenant's blocks of a range together, so
/// those boundaries give a deleted block of one tenant back with its original ID. Covered by live blocks, such a range
/// is skipped unless <c>force</c>; recorded only by blocks marked compacted (their output is missing) it is replayed.
/// A recorded range reaching outside the requested offsets is taken whole.</item>
/// <item>A covered range is replayed without <c>force</c> when a block folder without meta.json carries the ID one of its
/// tenants' blocks would have (<see cref="BlockId.FromLineage"/>): a write was interrupted there — say a replay killed
/// between two tenants' blocks — and running the replay again finishes it.</item>
/// <item>Offsets no block records are gaps, cut by size from their start (<see cref="ReplayBlockBuilder.BuildCutAsync"/>).</item>
/// <item>A gap at or past the live store's committed offset is not replayed: the live store has not flushed it yet and
/// will cut it from its flushed offset with its own boundaries, and two cuts of one offset are an overlap.</item>
/// </list>
/// Replaying the same plan twice writes nothing the second time: the boundaries, hence the block IDs, are the same, and
/// an existing block is never rewritten. Which tenants get a block is decided at write time (<see cref="ReplayCoverage"/>).
/// </summary>
public static class ReplayPlanner
{
    /// <param name="inventory">Every tenant's blocks (<see cref="LineageCatalog.LoadAsync"/>).</param>
    /// <param name="bounds">The partition's resolved offsets and the log's bounds (<see cref="ReplayBounds.ResolveAsync"/>).</param>
    /// <param name="force">Replay ranges live blocks already cover too.</param>
    /// <param name="committedOffset">The live store group's committed offset, or null to replay gaps up to the requested end.</param>
    public static ReplayPlan Plan(LineageInventory inventory, string topic, PartitionBounds bounds, bool force, long? committedOffset)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(bounds);
        var (from, to) = (bounds.From, bounds.To);

        var recorded = new SortedSet<(long First, long Last)>();
        var live = new List<(long First, long Last)>();
        foreach (var block in inventory.Blocks)
        {
            foreach (var range in block.Ranges)
            {
                if (range.Topic != topic || range.Partition != bounds.Partition || range.LastOffset < range.FirstOffset)
                {
                    continue;
                }
                if (!block.Compacted)
                {
                    live.Add((range.FirstOffset, range.LastOffset));
                }
                if (range.FirstOffset <= to && range.LastOffset >= from)
                {
                    recorded.Add((range.FirstOffset, range.LastOffset));
                }
            }
        }
        var liveUnion = Merge(live);
        var unfinished = new HashSet<Guid>();
        foreach (var block in inventory.Unreadable)
        {
            unfinished.Add(block.BlockId);
        }
        var unfinishedTenants = inventory.Unreadable.Select(static b => b.Tenant).Distinct(StringComparer.Ordinal).ToArray();

        var segments = new List<ReplaySegment>();
        foreach (var (first, last) in recorded)
        {
            var covered = Covers(liveUnion, first, last);
            var interrupted = covered && Array.Exists(unfinishedTenants,
                tenant => unfinished.Contains(BlockId.FromLineage(tenant, topic, bounds.Partition, first, last)));
            var replay = force || !covered || interrupted;
            if (replay && (first < bounds.LogStart || last >= bounds.HighWatermark))
            {
                segments.Add(new ReplaySegment(ReplaySegmentKind.OutsideLog, first, last, Replay: false));
                continue;
            }
            var kind = interrupted ? ReplaySegmentKind.Interrupted : covered ? ReplaySegmentKind.Covered : ReplaySegmentKind.Recorded;
            segments.Add(new ReplaySegment(kind, first, last, replay));
        }

        var cursor = from;
        foreach (var (first, last) in Merge([.. recorded]))
        {
            if (first > cursor)
            {
                AddGap(segments, cursor, first - 1, committedOffset);
            }
            cursor = Math.Max(cursor, last + 1);
        }
        if (cursor <= to)
        {
            AddGap(segments, cursor, to, committedOffset);
        }

        segments.Sort(static (a, b) => a.FirstOffset != b.FirstOffset ? a.FirstOffset.CompareTo(b.FirstOffset) : a.LastOffset.CompareTo(b.LastOffset));
        return new ReplayPlan(topic, bounds.Partition, from, to, segments);
    }

    private static void AddGap(List<ReplaySegment> segments, long first, long last, long? committedOffset)
    {
        if (committedOffset is { } committed && committed <= last)
        {
            if (first < committed)
            {
                segments.Add(new ReplaySegment(ReplaySegmentKind.Gap, first, committed - 1, Replay: true));
            }
            segments.Add(new ReplaySegment(ReplaySegmentKind.NotYetFlushed, Math.Max(first, committed), last, Replay: false));
            return;
        }
        segments.Add(new ReplaySegment(ReplaySegmentKind.Gap, first, last, Replay: true));
    }

    /// <summary>Sorted, disjoint runs covering the same offsets (adjacent ranges join).</summary>
    private static List<(long First, long Last)> Merge(List<(long First, long Last)> ranges)
    {
        ranges.Sort();
        var merged = new List<(long First, long Last)>(ranges.Count);
        foreach (var (first, last) in ranges)
        {
            if (merged.Count > 0 && first <= merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, last));
            }
            else
            {
                merged.Add((first, last));
            }
        }
        return merged;
    }

    private static bool Covers(List<(long First, long Last)> merged, long first, long last)
    {
        foreach (var run in merged)
        {
            if (run.First <= first && run.Last >= last)
            {
                return true;
            }
        }
        return false;
    }
}
