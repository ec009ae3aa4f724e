using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Tests.Infrastructure;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Blocks;
using Tempo.Streaming.Query.Traces;

namespace Tempo.Streaming.Query.Tests.Blocks;

/// <summary>A block written by Tempo itself, found by the poll and answering trace by ID through the block source.</summary>
public sealed class TempoBlockLookupTests : IDisposable
{
    private readonly BlockTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [TempoBlockFact]
    public async Task Every_trace_of_tempos_block_is_found_in_the_window_and_combined_by_the_querier()
    {
        var source = new DirectoryInfo(RepoPaths.TempoVParquet4Block);
        var target = Directory.CreateDirectory(Path.Combine(_bed.Root, source.Parent!.Name, source.Name));
        foreach (var file in source.GetFiles())
        {
            file.CopyTo(Path.Combine(target.FullName, file.Name));
        }

        using var list = _bed.NewList();
        await list.RefreshAsync(CancellationToken.None);
        var meta = list.Metas("single-tenant").Should().ContainSingle().Subject;
        using var blocks = new BlockTraceSource(_bed.Store, list, BlockTraceSourceOptions.Default, NullLogger<BlockTraceSource>.Instance);
        var querier = new TraceByIdQuerier([], [blocks], maxTraceBytes: 0);
        var window = new QueryWindow(meta.StartTime.ToUnixTimeSeconds(), meta.EndTime.ToUnixTimeSeconds());

        var traces = 0;
        await foreach (var trace in BlockReader.Open(_bed.Store, meta).ReadAllTracesAsync())
        {
            var id = trace.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.ToByteArray();
            var lookup = new TraceLookup("single-tenant", id, window, TraceLookupMode.Blocks, Guid.Empty, meta.BlockId);
            var result = await querier.FindAsync(lookup, CancellationToken.None);
            result.Found.Should().BeTrue();
            BlockTestBed.SpanIds(result.Trace!).Should().Equal(BlockTestBed.SpanIds(trace));
            traces++;
        }

        traces.Should().Be(134);
        var before = new QueryWindow(meta.StartTime.ToUnixTimeSeconds() - 100, meta.StartTime.ToUnixTimeSeconds() - 1);
        var firstId = meta.MinId!;
        (await blocks.FindTraceAsync("single-tenant", firstId, before, CancellationToken.None)).Should().Be(TraceFragments.None);
    }
}
