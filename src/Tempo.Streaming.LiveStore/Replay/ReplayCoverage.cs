using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.LiveStore.Flushing;

namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>
/// Which offsets each tenant's LIVE blocks (meta.json: cut blocks and compaction outputs) already hold, so a replay never
/// writes a second copy of a tenant's spans. A range replayed with its recorded boundaries gets the block ID the tenant's
/// original block had; if that block is gone but a compaction output of the tenant holds its offsets (compaction marks
/// its inputs compacted and retention deletes them), writing it back would duplicate every span — so it is not written.
/// Blocks marked compacted do not count: they are on their way out, and when their output is missing (the state the
/// lineage audit reports as a gap) their offsets must come back. Blocks the replay writes are added as it goes.
/// </summary>
public sealed class ReplayCoverage
{
    private readonly Dictionary<(string Tenant, string Topic, int Partition), List<(Guid BlockId, long First, long Last)>> _ranges = [];

    /// <summary>The live blocks of <paramref name="inventory"/> (every tenant: <see cref="LineageCatalog.LoadAsync"/>).</summary>
    public static ReplayCoverage FromInventory(LineageInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var coverage = new ReplayCoverage();
        foreach (var block in inventory.Blocks)
        {
            if (block.Compacted)
            {
                continue;
            }
            foreach (var range in block.Ranges)
            {
                coverage.Add(block.Tenant, block.BlockId, range.Topic, new FlushRange(range.Partition, range.FirstOffset, range.LastOffset));
            }
        }
        return coverage;
    }

    /// <summary>True when a live block of <paramref name="tenant"/> other than <paramref name="blockId"/> holds any offset of <paramref name="range"/>.</summary>
    public bool CoveredByOtherBlock(string tenant, Guid blockId, string topic, FlushRange range)
    {
        if (!_ranges.TryGetValue((tenant, topic, range.Partition), out var ranges))
        {
            return false;
        }
        foreach (var (id, first, last) in ranges)
        {
            if (id != blockId && first <= range.LastOffset && last >= range.FirstOffset)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Records that <paramref name="blockId"/> of <paramref name="tenant"/> holds <paramref name="range"/>.</summary>
    public void Add(string tenant, Guid blockId, string topic, FlushRange range)
    {
        var key = (tenant, topic, range.Partition);
        if (!_ranges.TryGetValue(key, out var ranges))
        {
            _ranges[key] = ranges = [];
        }
        ranges.Add((blockId, range.FirstOffset, range.LastOffset));
    }
}
