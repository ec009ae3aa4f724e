using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Blocks;
using Tempo.Streaming.Query.Traces;
using static Tempo.Streaming.Query.Tests.Blocks.BlockTestBed;

namespace Tempo.Streaming.Query.Tests.Blocks;

public sealed class BlockTraceSourceTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private static readonly Guid AllOnes = new("ffffffff-ffff-ffff-ffff-ffffffffffff");

    private readonly BlockTestBed _bed = new();
    private readonly RecordingMeters _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _bed.Dispose();
    }

    [Fact]
    public async Task A_trace_split_across_two_blocks_comes_back_as_one_fragment_per_block()
    {
        var split = TraceId(7);
        await _bed.WriteBlockAsync(Tenant, Trace(split, BaseSeconds, 1, 2), Trace(TraceId(8), BaseSeconds, 10));
        await _bed.WriteBlockAsync(Tenant, Trace(split, BaseSeconds + 5, 3, 4), Trace(TraceId(9), BaseSeconds, 11));
        await _bed.WriteBlockAsync(Tenant, Trace(TraceId(10), BaseSeconds, 12));
        var (source, _) = await NewSourceAsync();

        var result = await source.FindTraceAsync(Tenant, split, QueryWindow.All, CancellationToken.None);

        FragmentSpanIds(result).Should().BeEquivalentTo(new[] { new List<ulong> { 1, 2 }, new List<ulong> { 3, 4 } });
        result.InspectedBytes.Should().BeGreaterThan(0);
        // The readers keep the bloom shards, index, footer and trace IDs they fetched, and decoded pages stay in the
        // page cache: the same lookup again reads less from the backend.
        var again = await source.FindTraceAsync(Tenant, split, QueryWindow.All, CancellationToken.None);
        FragmentSpanIds(again).Should().BeEquivalentTo(FragmentSpanIds(result));
        again.InspectedBytes.Should().BeLessThan(result.InspectedBytes);
        (await source.FindTraceAsync(Tenant, TraceId(999), QueryWindow.All, CancellationToken.None)).Fragments.Should().BeEmpty();
        (await source.FindTraceAsync("tenant-unknown", split, QueryWindow.All, CancellationToken.None)).Should().Be(TraceFragments.None);
        _meters.TotalAll("tempo_streaming_query_block_errors_total").Should().Be(0);
    }

    [Fact]
    public async Task Mode_blocks_combines_the_copies_and_removes_duplicate_spans()
    {
        var split = TraceId(7);
        // Span 2 is in both blocks (a record replayed into two ranges, or a compacted block next to its input).
        await _bed.WriteBlockAsync(Tenant, Trace(split, BaseSeconds, 1, 2));
        await _bed.WriteBlockAsync(Tenant, Trace(split, BaseSeconds, 2, 3));
        var (source, _) = await NewSourceAsync();
        var querier = new TraceByIdQuerier([], [source], maxTraceBytes: 0);

        var result = await querier.FindAsync(new TraceLookup(Tenant, split, QueryWindow.All, TraceLookupMode.Blocks, Guid.Empty, AllOnes),
            CancellationToken.None);

        result.Found.Should().BeTrue();
        result.Partial.Should().BeFalse();
        SpanIds(result.Trace!).Should().Equal(1, 2, 3);
        result.InspectedBytes.Should().BeGreaterThan(0);

        // mode=ingesters does not ask the blocks.
        var live = await querier.FindAsync(new TraceLookup(Tenant, split, QueryWindow.All, TraceLookupMode.Ingesters, Guid.Empty, AllOnes),
            CancellationToken.None);
        live.Found.Should().BeFalse();
    }

    [Fact]
    public async Task Blocks_outside_the_query_window_are_not_asked()
    {
        var id = TraceId(7);
        await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 1));
        // A block an hour later holding more of the same trace ID.
        await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds + 3600, 2));
        var (source, _) = await NewSourceAsync();

        var early = await source.FindTraceAsync(Tenant, id, new QueryWindow(BaseSeconds - 60, BaseSeconds + 60), CancellationToken.None);
        var late = await source.FindTraceAsync(Tenant, id, new QueryWindow(BaseSeconds + 3600, BaseSeconds + 7200), CancellationToken.None);
        var both = await source.FindTraceAsync(Tenant, id, new QueryWindow(BaseSeconds, BaseSeconds + 3600), CancellationToken.None);
        var none = await source.FindTraceAsync(Tenant, id, new QueryWindow(BaseSeconds + 10, BaseSeconds + 20), CancellationToken.None);

        FragmentSpanIds(early).Should().BeEquivalentTo(new[] { new List<ulong> { 1 } });
        FragmentSpanIds(late).Should().BeEquivalentTo(new[] { new List<ulong> { 2 } });
        FragmentSpanIds(both).Should().HaveCount(2, "the window bounds are inclusive");
        none.Should().Be(TraceFragments.None);
    }

    [Fact]
    public async Task Only_blocks_inside_the_block_id_range_are_asked()
    {
        var id = TraceId(7);
        var metas = new List<BlockMeta>();
        for (ulong span = 1; span <= 4; span++)
        {
            metas.Add(await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, span)));
        }

        var (source, _) = await NewSourceAsync();
        // Sort as Tempo compares them: the 16 bytes of the UUID.
        var ordered = metas.OrderBy(m => Convert.ToHexString(m.BlockId.ToByteArray(bigEndian: true)), StringComparer.Ordinal).ToList();

        var middle = await source.FindTraceAsync(Tenant, id, QueryWindow.All, ordered[1].BlockId, ordered[2].BlockId, CancellationToken.None);
        var first = await source.FindTraceAsync(Tenant, id, QueryWindow.All, Guid.Empty, ordered[0].BlockId, CancellationToken.None);
        var all = await source.FindTraceAsync(Tenant, id, QueryWindow.All, Guid.Empty, AllOnes, CancellationToken.None);

        FragmentSpanIds(middle).SelectMany(s => s).Should().BeEquivalentTo(SpansOf(ordered[1], ordered[2]));
        FragmentSpanIds(first).SelectMany(s => s).Should().BeEquivalentTo(SpansOf(ordered[0]));
        FragmentSpanIds(all).Should().HaveCount(4);

        static IEnumerable<ulong> SpansOf(params BlockMeta[] blocks) => blocks.Select(b => (ulong)(b.Ingest!.FirstOffset + 1));
    }

    [Theory]
    [InlineData("garbage of the same size")]
    [InlineData("truncated")]
    public async Task A_corrupt_block_is_skipped_and_the_others_still_answer(string damage)
    {
        var id = TraceId(7);
        await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 1));
        var corrupt = await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 2));
        await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 3));
        var data = Path.Combine(_bed.FolderOf(corrupt), BlockPaths.DataName);
        if (damage == "truncated")
        {
            var bytes = await File.ReadAllBytesAsync(data);
            await File.WriteAllBytesAsync(data, bytes[..(bytes.Length / 2)]);
        }
        else
        {
            await File.WriteAllBytesAsync(data, new byte[new FileInfo(data).Length]);
        }

        var (source, _) = await NewSourceAsync();

        var result = await source.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None);
        FragmentSpanIds(result).SelectMany(s => s).Should().BeEquivalentTo(new ulong[] { 1, 3 });
        _meters.Total("tempo_streaming_query_block_errors_total", "reason=corrupt", $"tenant={Tenant}").Should().Be(1);

        // Every later lookup still answers from the good blocks.
        (await source.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None)).Fragments.Should().HaveCount(2);
        _meters.Total("tempo_streaming_query_block_errors_total", "reason=corrupt", $"tenant={Tenant}").Should().Be(2);
    }

    [Fact]
    public async Task A_block_deleted_after_the_poll_is_skipped_without_an_error()
    {
        var id = TraceId(7);
        await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 1));
        var deleted = await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 2));
        var (source, list) = await NewSourceAsync();
        list.Metas(Tenant).Should().HaveCount(2);

        Directory.Delete(_bed.FolderOf(deleted), recursive: true);
        var result = await source.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None);

        FragmentSpanIds(result).Should().BeEquivalentTo(new[] { new List<ulong> { 1 } });
        _meters.TotalAll("tempo_streaming_query_block_errors_total").Should().Be(0);
    }

    [Fact]
    public async Task A_block_whose_data_is_missing_while_its_meta_remains_is_skipped_and_counted()
    {
        var id = TraceId(7);
        await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 1));
        var damaged = await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 2));
        var (source, _) = await NewSourceAsync();

        await _bed.Store.DeleteAsync(BlockPaths.Data(Tenant, damaged.BlockId));
        var result = await source.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None);

        FragmentSpanIds(result).Should().BeEquivalentTo(new[] { new List<ulong> { 1 } });
        _meters.Total("tempo_streaming_query_block_errors_total", "reason=missing_object", $"tenant={Tenant}").Should().Be(1);
    }

    [Fact]
    public async Task A_block_of_a_format_this_querier_does_not_read_is_skipped_without_an_error()
    {
        var id = TraceId(7);
        var ours = await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 1));
        // Tempo's older blocks can share the bucket; the tenant index lists them with their format.
        var old = new BlockMeta
        {
            Format = "vParquet3", BlockId = Guid.NewGuid(), TenantId = Tenant, StartTime = ours.StartTime, EndTime = ours.EndTime,
            Size = 1000, TotalObjects = 1,
        };
        var index = new TenantIndex { CreatedAt = DateTimeOffset.UtcNow, Metas = [ours, old] };
        await _bed.Store.PutAsync(BlockPaths.TenantIndex(Tenant), index.Serialize());
        var (source, list) = await NewSourceAsync();
        list.Metas(Tenant).Should().HaveCount(2);

        var result = await source.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None);

        FragmentSpanIds(result).Should().BeEquivalentTo(new[] { new List<ulong> { 1 } });
        _meters.TotalAll("tempo_streaming_query_block_errors_total").Should().Be(0);
    }

    [Fact]
    public async Task A_block_added_by_this_process_answers_before_any_poll()
    {
        var id = TraceId(7);
        var (source, list) = await NewSourceAsync();
        var flushed = await _bed.WriteBlockAsync(Tenant, Trace(id, BaseSeconds, 1, 2));

        (await source.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None)).Fragments.Should().BeEmpty();
        list.Add(flushed);

        FragmentSpanIds(await source.FindTraceAsync(Tenant, id, QueryWindow.All, CancellationToken.None))
            .Should().BeEquivalentTo(new[] { new List<ulong> { 1, 2 } });
    }

    [Fact]
    public async Task Many_blocks_are_searched_with_a_small_reader_cache_and_concurrency_bound()
    {
        var ids = new List<byte[]>();
        for (var n = 0; n < 24; n++)
        {
            ids.Add(TraceId(100 + n));
            await _bed.WriteBlockAsync(Tenant, Trace(ids[n], BaseSeconds, (ulong)n + 1), Trace(TraceId(500), BaseSeconds, 1000 + (ulong)n));
        }

        var (source, _) = await NewSourceAsync(new BlockTraceSourceOptions { MaxConcurrentBlocks = 3, MaxOpenBlocks = 5 });

        for (var n = 0; n < ids.Count; n++)
        {
            FragmentSpanIds(await source.FindTraceAsync(Tenant, ids[n], QueryWindow.All, CancellationToken.None))
                .Should().BeEquivalentTo(new[] { new List<ulong> { (ulong)n + 1 } });
        }

        var everywhere = await source.FindTraceAsync(Tenant, TraceId(500), QueryWindow.All, CancellationToken.None);
        everywhere.Fragments.Should().HaveCount(24);
        // Fragments come in block-ID order, whatever order the blocks answered in.
        var again = await source.FindTraceAsync(Tenant, TraceId(500), QueryWindow.All, CancellationToken.None);
        FragmentSpanIds(again).Should().Equal(FragmentSpanIds(everywhere), (a, b) => a.SequenceEqual(b));
    }

    private async Task<(BlockTraceSource Source, TenantBlockList List)> NewSourceAsync(BlockTraceSourceOptions? options = null)
    {
        var list = _bed.NewList();
        await list.RefreshAsync(CancellationToken.None);
        var source = new BlockTraceSource(_bed.Store, list, options ?? BlockTraceSourceOptions.Default,
            NullLogger<BlockTraceSource>.Instance, _meters, new Tempo.Streaming.Parquet.PageCache(16 << 20));
        return (source, list);
    }
}
