using System.Globalization;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Cli.Blocks;

/// <summary><c>blocks list</c>: one line per block, grouped by tenant; blocks without a readable meta say why.</summary>
internal static class BlockListing
{
    public static async Task<int> PrintAsync(IObjectStore store, string? onlyTenant, TextWriter output, CancellationToken cancellationToken)
    {
        var tenants = await BlockCatalog.ResolveTenantsAsync(store, onlyTenant, cancellationToken);
        await output.WriteLineAsync($"backend: {store.Description}");
        if (tenants.Count == 0)
        {
            await output.WriteLineAsync("no tenants (the backend holds no blocks)");
            return 0;
        }

        foreach (var tenant in tenants)
        {
            var entries = new List<CatalogEntry>();
            await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant, cancellationToken))
            {
                entries.Add(entry);
            }
            entries.Sort((a, b) => (a.Meta?.StartTime ?? DateTimeOffset.MaxValue).CompareTo(b.Meta?.StartTime ?? DateTimeOffset.MaxValue));
            long traces = 0, bytes = 0;
            await output.WriteLineAsync();
            await output.WriteLineAsync($"tenant {tenant}: {entries.Count} block(s)");
            await output.WriteLineAsync($"  {"block",-36}  {"start",-20}  {"end",-20}  {"traces",9}  {"row groups",10}  {"bytes",12}  {"lineage",-28}  state");
            foreach (var entry in entries)
            {
                if (entry.Meta is not { } meta)
                {
                    await output.WriteLineAsync($"  {entry.BlockId:D}  unreadable: {entry.Problem}");
                    continue;
                }
                traces += meta.TotalObjects;
                bytes += meta.Size;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {meta.BlockId:D}  {Time(meta.StartTime),-20}  {Time(meta.EndTime),-20}  {meta.TotalObjects,9}  {meta.TotalRecords,10}  {meta.Size,12}  {Lineage(meta),-28}  {(entry.IsCompacted ? "compacted " + Time(entry.CompactedTime!.Value) : "live")}"));
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  total: {traces} traces, {bytes} bytes"));
        }
        return 0;
    }

    internal static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The log range a block covers: <c>topic/partition:first-last</c>, or the ranges of a compacted block.</summary>
    internal static string Lineage(BlockMeta meta)
    {
        if (meta.Ingest is { } ingest)
        {
            return Range(ingest);
        }
        return meta.IngestRanges.Count switch
        {
            0 => "-",
            1 => Range(meta.IngestRanges[0]),
            var n => string.Create(CultureInfo.InvariantCulture, $"{n} ranges"),
        };
    }

    private static string Range(IngestLineage lineage) =>
        string.Create(CultureInfo.InvariantCulture, $"{lineage.Topic}/{lineage.Partition}:{lineage.FirstOffset}-{lineage.LastOffset}");
}
