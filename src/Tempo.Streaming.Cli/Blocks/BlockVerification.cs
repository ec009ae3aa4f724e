using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Cli.Commands;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary>
/// <c>blocks verify</c>: runs <see cref="BlockReader.VerifyAsync"/> on every chosen block and prints one verdict per
/// block; a block folder without a readable meta.json counts as a problem too. Exit 1 when anything is wrong.
/// </summary>
internal static class BlockVerification
{
    public static async Task<int> RunAsync(IObjectStore store, string? tenant, Guid? onlyBlock, TextWriter output, CancellationToken cancellationToken)
    {
        var entries = new List<CatalogEntry>();
        if (tenant is not null && onlyBlock is { } block)
        {
            entries.Add(await BlockCatalog.ReadEntryAsync(store, tenant, block, cancellationToken));
        }
        else
        {
            var tenants = await BlockCatalog.ResolveTenantsAsync(store, tenant, cancellationToken);
            foreach (var name in tenants)
            {
                await foreach (var entry in BlockCatalog.ListBlocksAsync(store, name, cancellationToken))
                {
                    entries.Add(entry);
                }
            }
        }

        int bad = 0;
        foreach (var entry in entries)
        {
            var problems = entry.Meta is null
                ? [entry.Problem ?? "no meta.json"]
                : await BlockReader.Open(store, entry.Meta).VerifyAsync(cancellationToken);
            if (problems.Count == 0)
            {
                await output.WriteLineAsync($"ok       {entry.Tenant}/{entry.BlockId:D}  ({entry.Meta!.TotalObjects} traces)");
                continue;
            }
            bad++;
            await output.WriteLineAsync($"CORRUPT  {entry.Tenant}/{entry.BlockId:D}");
            foreach (var problem in problems)
            {
                await output.WriteLineAsync($"         - {problem}");
            }
        }

        await output.WriteLineAsync($"{entries.Count} block(s) checked, {bad} with problems");
        return bad == 0 ? 0 : BlocksCommand.ExitFailed;
    }
}
