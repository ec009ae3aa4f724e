using System.Globalization;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Lineage;

/// <summary>
/// Builds a <see cref="LineageInventory"/> from a backend listing. Every tenant is always listed, also when a report is
/// filtered to one tenant: a gap is an offset range no tenant's block covers, so one tenant's blocks cannot prove it.
/// </summary>
public static class LineageCatalog
{
    /// <summary>Lists every tenant's live and compacted blocks (<see cref="BlockCatalog"/>, meta.json then meta.compacted.json).</summary>
    public static async Task<LineageInventory> LoadAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var entries = new List<CatalogEntry>();
        await foreach (var tenant in BlockCatalog.ListTenantsAsync(store, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant, cancellationToken).ConfigureAwait(false))
            {
                entries.Add(entry);
            }
        }
        return FromEntries(entries);
    }

    /// <summary>
    /// Catalog entries as audit input. An entry without a usable meta, or whose lineage cannot be placed (negative
    /// partition, first offset after last), becomes an <see cref="UnreadableBlock"/>: its offsets are unknown, and if they
    /// mattered the audit shows the hole it leaves as a gap.
    /// </summary>
    public static LineageInventory FromEntries(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var blocks = new List<LineageBlock>();
        var unreadable = new List<UnreadableBlock>();
        foreach (var entry in entries)
        {
            if (entry.Meta is not { } meta)
            {
                unreadable.Add(new UnreadableBlock(entry.Tenant, entry.BlockId, entry.Problem ?? $"{BlockPaths.BlockFolder(entry.Tenant, entry.BlockId)} has no usable meta"));
                continue;
            }
            // The folder is the block's identity in the backend; a meta copied from elsewhere must not move it to another tenant.
            var block = LineageBlock.FromMeta(meta, entry.IsCompacted) with { Tenant = entry.Tenant, BlockId = entry.BlockId };
            if (InvalidRange(block) is { } problem)
            {
                unreadable.Add(new UnreadableBlock(entry.Tenant, entry.BlockId, problem));
                continue;
            }
            blocks.Add(block);
        }
        return new LineageInventory(blocks, unreadable);
    }

    /// <summary>Why a block's lineage cannot be placed on a partition's offset line, or null when every range is sound.</summary>
    public static string? InvalidRange(LineageBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        foreach (var range in block.Ranges)
        {
            if (string.IsNullOrEmpty(range.Topic) || range.Partition < 0 || range.FirstOffset < 0 || range.LastOffset < range.FirstOffset
                || range.LastOffset == long.MaxValue)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{BlockPaths.BlockFolder(block.Tenant, block.BlockId)}: ingest range topic '{range.Topic}' partition {range.Partition} offsets {range.FirstOffset}-{range.LastOffset} is not a valid range");
            }
        }
        return null;
    }
}
