using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary><c>blocks index</c>: rebuilds the tenant index of one or every tenant and says what it holds.</summary>
internal static class TenantIndexing
{
    public static async Task<int> WriteAsync(IObjectStore store, string? onlyTenant, TextWriter output, CancellationToken cancellationToken)
    {
        var tenants = await BlockCatalog.ResolveTenantsAsync(store, onlyTenant, cancellationToken);
        foreach (var tenant in tenants)
        {
            var result = await TenantIndexBuilder.BuildAsync(store, tenant, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"{BlockPaths.TenantIndex(tenant)}: {result.Index.Metas.Count} live, {result.Index.CompactedMetas.Count} compacted block(s)");
            foreach (var skipped in result.Skipped)
            {
                await output.WriteLineAsync($"  left out {skipped.BlockId:D}: {skipped.Problem}");
            }
        }
        return 0;
    }
}
