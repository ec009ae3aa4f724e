using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Cli.Load.Workload;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Cli.Tests.Blocks;

/// <summary>Blocks the CLI tests look at, written with the real block writer from the shop workload.</summary>
internal static class BlockFixtures
{
    public static readonly ShopWorkload Workload = new(7, DateTimeOffset.Parse("2026-11-01T10:00:00Z"));

    /// <summary>Writes a block of shop traces [first, first + count) for <paramref name="tenant"/>.</summary>
    public static async Task<BlockMeta> WriteShopBlockAsync(IObjectStore store, string tenant, int first, int count)
    {
        var fragments = new List<TraceFragment>();
        long spans = 0;
        for (var i = first; i < first + count; i++)
        {
            var trace = new Trace();
            trace.ResourceSpans.Add(Workload.GenerateTrace(i).ResourceSpans);
            fragments.Add(new TraceFragment(Workload.TraceId(i), trace));
            spans += Workload.SpanCount(i);
        }
        var lineage = new IngestLineage("tempo-ingest", 0, first, first + count - 1, count, spans);
        var result = await new BlockWriter(store).WriteAsync(tenant, lineage, [], fragments);
        return result.Meta;
    }

    /// <summary>Copies Tempo's own vParquet4 test block into <paramref name="root"/>/single-tenant/.</summary>
    public static void CopyTempoBlock(string root)
    {
        var source = Tempo.Streaming.Blocks.Tests.Infrastructure.RepoPaths.TempoVParquet4Block;
        var target = Path.Combine(root, "single-tenant", Path.GetFileName(source));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }
}
