using System.Runtime.CompilerServices;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Catalog;

/// <summary>One block folder found in the backend, with what its metadata says (or why it could not be read).</summary>
/// <param name="Tenant">The tenant folder.</param>
/// <param name="BlockId">The block folder's ID.</param>
/// <param name="Meta">The block's meta (from meta.json, or meta.compacted.json when compacted); null when unreadable.</param>
/// <param name="CompactedTime">When the block was marked compacted; null for a live block.</param>
/// <param name="Problem">Why the block has no usable meta: no meta.json (an unfinished write), or a corrupt one.</param>
public sealed record CatalogEntry(string Tenant, Guid BlockId, BlockMeta? Meta, DateTimeOffset? CompactedTime, string? Problem)
{
    public bool IsCompacted => CompactedTime is not null;
}

/// <summary>
/// Walks a backend the way Tempo's poller does: tenants are the top-level folders, blocks the folders under a tenant
/// whose names are block IDs, and a block exists only once its meta.json (or meta.compacted.json) does
/// (ARCHITECTURE.md §6: meta.json is written last). Folders that are not block IDs (Tempo keeps none besides the
/// tenant index object) are ignored.
/// </summary>
public static class BlockCatalog
{
    /// <summary>The tenants: top-level folders whose names are valid tenant IDs.</summary>
    public static async IAsyncEnumerable<string> ListTenantsAsync(IObjectStore store,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var folder in store.ListFoldersAsync("", cancellationToken).ConfigureAwait(false))
        {
            var name = folder.TrimEnd('/');
            if (Core.Tenants.ValidateTenantId(name) is null)
            {
                yield return name;
            }
        }
    }

    /// <summary><paramref name="onlyTenant"/> (validated) when given, else every tenant of the backend.</summary>
    public static async Task<IReadOnlyList<string>> ResolveTenantsAsync(IObjectStore store, string? onlyTenant, CancellationToken cancellationToken = default)
    {
        if (onlyTenant is not null)
        {
            BlockPaths.ValidateTenant(onlyTenant);
            return [onlyTenant];
        }
        var tenants = new List<string>();
        await foreach (var tenant in ListTenantsAsync(store, cancellationToken).ConfigureAwait(false))
        {
            tenants.Add(tenant);
        }
        return tenants;
    }

    /// <summary>Every block folder of <paramref name="tenant"/>, with its meta or the problem that hides it.</summary>
    public static async IAsyncEnumerable<CatalogEntry> ListBlocksAsync(IObjectStore store, string tenant,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var tenantFolder = BlockPaths.TenantFolder(tenant);
        await foreach (var folder in store.ListFoldersAsync(tenantFolder, cancellationToken).ConfigureAwait(false))
        {
            var name = folder.TrimEnd('/');
            var slash = name.LastIndexOf('/');
            if (!Guid.TryParseExact(slash >= 0 ? name[(slash + 1)..] : name, "D", out var blockId))
            {
                continue;
            }
            yield return await ReadEntryAsync(store, tenant, blockId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One block's entry: meta.json first, then meta.compacted.json.</summary>
    public static async Task<CatalogEntry> ReadEntryAsync(IObjectStore store, string tenant, Guid blockId, CancellationToken cancellationToken = default)
    {
        var metaKey = BlockPaths.Meta(tenant, blockId);
        try
        {
            var meta = BlockMetaJson.Parse(await store.GetAsync(metaKey, cancellationToken).ConfigureAwait(false), metaKey);
            return new CatalogEntry(tenant, blockId, meta, null, null);
        }
        catch (ObjectNotFoundException)
        {
        }
        catch (BlockMetaException e)
        {
            return new CatalogEntry(tenant, blockId, null, null, e.Message);
        }

        var compactedKey = BlockPaths.CompactedMeta(tenant, blockId);
        try
        {
            var compacted = BlockMetaJson.ParseCompacted(await store.GetAsync(compactedKey, cancellationToken).ConfigureAwait(false), compactedKey);
            return new CatalogEntry(tenant, blockId, compacted.Meta, compacted.CompactedTime, null);
        }
        catch (ObjectNotFoundException)
        {
            return new CatalogEntry(tenant, blockId, null, null, $"{BlockPaths.BlockFolder(tenant, blockId)} has no {BlockPaths.MetaName}: the block was not completely written");
        }
        catch (BlockMetaException e)
        {
            return new CatalogEntry(tenant, blockId, null, null, e.Message);
        }
    }
}
