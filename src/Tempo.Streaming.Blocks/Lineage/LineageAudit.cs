using System.Globalization;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Lineage;

/// <summary>
/// The lineage audit (issue 6, ARCHITECTURE.md §1 invariant 2): proves that every offset of the log the live store has
/// flushed is in exactly one live block per tenant that had spans there, or tells where it is not.
/// <para>
/// How blocks relate to offsets. A live-store flush of partition p cuts the offset range [first, last] into one block per
/// tenant with spans in those records (ID = <see cref="BlockId.FromLineage"/>(tenant, topic, p, first, last)); all of
/// them carry the same <see cref="IngestLineage"/>. Records without any span make no block; the live store lists such
/// ranges as empty (<see cref="PartitionOffsets.EmptyRanges"/>). Compaction merges blocks of ONE tenant; the output
/// carries the union of its inputs' ranges (<see cref="BlockMeta.IngestRanges"/>), and the inputs stay, marked compacted,
/// until compacted-block retention deletes them. So over any offset, several tenants' live blocks are normal, a compacted
/// block is normal as long as a live output of its tenant covers it too, and two live blocks of one tenant are not.
/// </para>
/// <para>
/// What is checked, per (topic, partition):
/// <list type="bullet">
/// <item><b>Audited range</b> [start, end). End = the larger of the flushed and committed offsets (both say "everything
/// below is in blocks"; a committed offset past the flushed one is itself a fault the gap then shows); when neither is
/// known, one past the highest offset any block covers (so only holes between blocks count). Start = the lowest offset
/// with evidence: the log-start offset (the live store starts consuming there, and a record still in the log that no
/// block holds can be replayed) or the first offset any block or empty range covers, whichever is lower; 0 when neither
/// exists. Offsets below that left through retention (old blocks deleted, log truncated) and prove nothing.</item>
/// <item><b>Gaps</b>: offsets in the audited range that no LIVE block of ANY tenant covers and no empty range explains.
/// Compacted blocks do not close a gap (they are about to be deleted); they are named in it, because a gap they cover
/// means the compaction output is missing. Offsets at or past the audited end are "not yet flushed", never gaps.</item>
/// <item><b>Overlaps</b>: offsets covered by two or more LIVE blocks of the SAME tenant, reported with every such block
/// (e.g. a compaction output next to an input the crashed compactor had not yet marked, or a block re-cut from a
/// different range). Different tenants over the same range are normal; compacted blocks are never part of an overlap.</item>
/// <item><b>Covered ranges</b>: the partition's offsets split into runs covered by the same set of blocks (live first,
/// then compacted), with empty ranges flagged, so an operator sees which block holds which records.</item>
/// </list>
/// Healthy = no gaps and no overlaps in any partition. A block's own ranges are merged first (a compaction output of
/// [0,9] and [10,19] covers [0,19]); ranges of a block in other partitions are audited in those partitions.
/// </para>
/// <para>
/// Filters. <c>partition</c> keeps only that partition (of any topic). <c>tenant</c> keeps only that tenant's blocks in
/// covered ranges, gaps and overlaps, and its unplaceable blocks, so a tenant's report names no other tenant's block;
/// gaps are still computed over every tenant's blocks (one tenant's blocks leave holes wherever it sent nothing), and
/// covered runs count the other tenants' blocks without naming them.
/// </para>
/// </summary>
public static class LineageAudit
{
    /// <summary>Audits <paramref name="inventory"/> against what the ingest side knows (<paramref name="offsets"/>, any subset of partitions).</summary>
    /// <exception cref="ArgumentException">Two offset entries for one partition, a negative offset, or an invalid empty range.</exception>
    public static LineageReport Run(LineageInventory inventory, IEnumerable<PartitionOffsets> offsets, string? tenant = null, int? partition = null)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(offsets);

        var sweeps = new SortedDictionary<(string Topic, int Partition), PartitionSweep>(PartitionKeyComparer.Instance);
        foreach (var known in offsets)
        {
            Validate(known);
            if (partition is { } only && known.Partition != only)
            {
                continue;
            }
            if (!sweeps.TryAdd((known.Topic, known.Partition), new PartitionSweep(known, tenant)))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"lineage audit: offsets of topic '{known.Topic}' partition {known.Partition} were given twice"), nameof(offsets));
            }
        }

        var withoutLineage = new List<LineageBlockRef>();
        var unreadable = new List<UnreadableBlock>();
        foreach (var problem in inventory.Unreadable)
        {
            if (Visible(problem.Tenant, tenant))
            {
                unreadable.Add(problem);
            }
        }

        foreach (var block in inventory.Blocks)
        {
            if (LineageCatalog.InvalidRange(block) is { } invalid)
            {
                if (Visible(block.Tenant, tenant))
                {
                    unreadable.Add(new UnreadableBlock(block.Tenant, block.BlockId, invalid));
                }
                continue;
            }
            if (block.Ranges.Count == 0)
            {
                if (Visible(block.Tenant, tenant))
                {
                    withoutLineage.Add(block.Ref);
                }
                continue;
            }
            foreach (var (key, ranges) in MergedRangesByPartition(block))
            {
                if (partition is { } only && key.Partition != only)
                {
                    continue;
                }
                if (!sweeps.TryGetValue(key, out var sweep))
                {
                    sweeps[key] = sweep = new PartitionSweep(new PartitionOffsets(key.Topic, key.Partition), tenant);
                }
                foreach (var range in ranges)
                {
                    sweep.Add(range, block);
                }
            }
        }

        var partitions = new List<PartitionLineage>(sweeps.Count);
        foreach (var sweep in sweeps.Values)
        {
            partitions.Add(sweep.Run());
        }
        withoutLineage.Sort(BlockRefOrder);
        unreadable.Sort((a, b) => BlockRefOrder(new LineageBlockRef(a.Tenant, a.BlockId, false), new LineageBlockRef(b.Tenant, b.BlockId, false)));
        return new LineageReport(tenant, partition, partitions, withoutLineage, unreadable);
    }

    internal static bool Visible(string blockTenant, string? filter) => filter is null || string.Equals(blockTenant, filter, StringComparison.Ordinal);

    /// <summary>Live blocks before compacted ones, then by tenant and ID: the order every block list of a report uses.</summary>
    internal static int BlockRefOrder(LineageBlockRef a, LineageBlockRef b)
    {
        var order = a.Compacted.CompareTo(b.Compacted);
        if (order == 0)
        {
            order = string.CompareOrdinal(a.Tenant, b.Tenant);
        }
        return order != 0 ? order : a.BlockId.CompareTo(b.BlockId);
    }

    /// <summary>A block's ranges per partition, sorted, with overlapping and adjacent ranges joined.</summary>
    private static Dictionary<(string Topic, int Partition), List<OffsetRange>> MergedRangesByPartition(LineageBlock block)
    {
        var byPartition = new Dictionary<(string, int), List<OffsetRange>>();
        foreach (var range in block.Ranges)
        {
            var key = (range.Topic, range.Partition);
            if (!byPartition.TryGetValue(key, out var list))
            {
                byPartition[key] = list = [];
            }
            list.Add(new OffsetRange(range.FirstOffset, range.LastOffset));
        }
        foreach (var list in byPartition.Values)
        {
            list.Sort((a, b) => a.FirstOffset.CompareTo(b.FirstOffset));
            var merged = 0;
            for (var i = 1; i < list.Count; i++)
            {
                if (list[i].FirstOffset <= list[merged].LastOffset + 1)
                {
                    list[merged] = list[merged] with { LastOffset = Math.Max(list[merged].LastOffset, list[i].LastOffset) };
                }
                else
                {
                    list[++merged] = list[i];
                }
            }
            list.RemoveRange(merged + 1, list.Count - merged - 1);
        }
        return byPartition;
    }

    private static void Validate(PartitionOffsets offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        string Where() => string.Create(CultureInfo.InvariantCulture, $"lineage audit: topic '{offsets.Topic}' partition {offsets.Partition}");
        if (string.IsNullOrEmpty(offsets.Topic) || offsets.Partition < 0)
        {
            throw new ArgumentException($"{Where()}: a partition needs a topic and a non-negative number");
        }
        if (offsets.LogStartOffset < 0 || offsets.HighWatermark < 0 || offsets.CommittedOffset < 0 || offsets.FlushedOffset < 0)
        {
            throw new ArgumentException($"{Where()}: offsets must not be negative");
        }
        foreach (var empty in offsets.EmptyRanges)
        {
            if (empty.FirstOffset < 0 || empty.LastOffset < empty.FirstOffset || empty.LastOffset == long.MaxValue)
            {
                throw new ArgumentException($"{Where()}: empty range {empty} is not a valid range");
            }
        }
    }

    private sealed class PartitionKeyComparer : IComparer<(string Topic, int Partition)>
    {
        public static readonly PartitionKeyComparer Instance = new();

        public int Compare((string Topic, int Partition) x, (string Topic, int Partition) y)
        {
            var order = string.CompareOrdinal(x.Topic, y.Topic);
            return order != 0 ? order : x.Partition.CompareTo(y.Partition);
        }
    }
}
