using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Catalog;

/// <summary>
/// Writes a tenant's <c>index.json.gz</c> from a listing of its block folders, as Tempo's tenant-index builder does,
/// so queriers poll one object instead of listing every block. Blocks without a readable meta are left out (they do
/// not exist yet, or are corrupt) and returned so the caller can report them.
/// </summary>
public static class TenantIndexBuilder
{
    public sealed record Result(TenantIndex Index, IReadOnlyList<CatalogEntry> Skipped);

    public static async Task<Result> BuildAsync(IObjectStore store, string tenant, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var live = new List<BlockMeta>();
        var compacted = new List<CompactedBlockMeta>();
        var skipped = new List<CatalogEntry>();
        await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Meta is null)
            {
                skipped.Add(entry);
            }
            else if (entry.CompactedTime is { } compactedTime)
            {
                compacted.Add(new CompactedBlockMeta { Meta = entry.Meta, CompactedTime = compactedTime });
            }
            else
            {
                live.Add(entry.Meta);
            }
        }

        // Sorted by block ID so the same blocks always give the same index bytes (apart from created_at).
        live.Sort((a, b) => a.BlockId.CompareTo(b.BlockId));
        compacted.Sort((a, b) => a.Meta.BlockId.CompareTo(b.Meta.BlockId));
        var index = new TenantIndex { CreatedAt = (time ?? TimeProvider.System).GetUtcNow(), Metas = live, CompactedMetas = compacted };
        await store.PutAsync(BlockPaths.TenantIndex(tenant), index.Serialize(), cancellationToken).ConfigureAwait(false);
        return new Result(index, skipped);
    }

    /// <summary>The tenant's index as last written, or null when there is none.</summary>
    public static async Task<TenantIndex?> ReadAsync(IObjectStore store, string tenant, CancellationToken cancellationToken = default)
    {
        var key = BlockPaths.TenantIndex(tenant);
        try
        {
            return TenantIndex.Parse(await store.GetAsync(key, cancellationToken).ConfigureAwait(false), key);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }
}
