using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Query.Blocks;
using static Tempo.Streaming.Query.Tests.Blocks.BlockTestBed;

namespace Tempo.Streaming.Query.Tests.Blocks;

public sealed class TenantBlockListTests : IDisposable
{
    private readonly BlockTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Listing_finds_each_tenants_blocks_and_ignores_unfinished_folders()
    {
        var a1 = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        var a2 = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(2), BaseSeconds, 2));
        var b1 = await _bed.WriteBlockAsync("tenant-b", Trace(TraceId(3), BaseSeconds, 3));
        // A block whose write stopped before meta.json: it does not exist yet.
        var unfinished = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(4), BaseSeconds, 4));
        await _bed.Store.DeleteAsync(BlockPaths.Meta("tenant-a", unfinished.BlockId));
        using var list = _bed.NewList();

        await list.RefreshAsync(CancellationToken.None);

        list.Tenants.Should().BeEquivalentTo("tenant-a", "tenant-b");
        list.Metas("tenant-a").Select(m => m.BlockId).Should().BeEquivalentTo([a1.BlockId, a2.BlockId]);
        list.Metas("tenant-a").Select(m => m.BlockId).Should().BeInAscendingOrder();
        list.Metas("tenant-b").Should().ContainSingle().Which.BlockId.Should().Be(b1.BlockId);
        list.Metas("tenant-c").Should().BeEmpty();
        list.LastPoll.Should().NotBeNull();
    }

    [Fact]
    public async Task Listing_leaves_out_compacted_blocks()
    {
        var live = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        var compacted = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(2), BaseSeconds, 2));
        await MarkCompactedAsync(_bed.Store, compacted);
        using var list = _bed.NewList();

        await list.RefreshAsync(CancellationToken.None);

        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(live.BlockId);
    }

    [Fact]
    public async Task A_fresh_tenant_index_is_used_instead_of_listing()
    {
        var indexed = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await TenantIndexBuilder.BuildAsync(_bed.Store, "tenant-a", clock);
        // Written after the index: a poll that reads the index does not see it; a listing would.
        var notIndexed = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(2), BaseSeconds, 2));
        using var list = _bed.NewList(new TenantBlockListOptions { StaleTenantIndex = TimeSpan.FromMinutes(5) }, time: clock);

        await list.RefreshAsync(CancellationToken.None);
        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(indexed.BlockId);

        // Once the index is older than StaleTenantIndex, the poll falls back to listing.
        clock.Now += TimeSpan.FromMinutes(6);
        await list.RefreshAsync(CancellationToken.None);
        list.Metas("tenant-a").Select(m => m.BlockId).Should().BeEquivalentTo([indexed.BlockId, notIndexed.BlockId]);
    }

    [Fact]
    public async Task With_StaleTenantIndex_zero_an_old_index_is_still_used_and_its_compacted_blocks_are_left_out()
    {
        var live = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        var compacted = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(2), BaseSeconds, 2));
        await MarkCompactedAsync(_bed.Store, compacted);
        await TenantIndexBuilder.BuildAsync(_bed.Store, "tenant-a", new ManualClock(DateTimeOffset.UtcNow - TimeSpan.FromDays(30)));
        await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(3), BaseSeconds, 3));
        using var list = _bed.NewList();

        await list.RefreshAsync(CancellationToken.None);

        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(live.BlockId);
    }

    [Fact]
    public async Task An_unreadable_tenant_index_falls_back_to_listing_and_is_counted()
    {
        var block = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        await _bed.Store.PutAsync(BlockPaths.TenantIndex("tenant-a"), "not gzip"u8.ToArray());
        using var meters = new RecordingMeters();
        using var list = _bed.NewList(meters: meters);

        await list.RefreshAsync(CancellationToken.None);

        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(block.BlockId);
        meters.Total("tempodb_blocklist_tenant_index_errors_total", "tenant=tenant-a").Should().Be(1);
        meters.TotalAll("tempodb_blocklist_poll_errors_total").Should().Be(0);
        meters.Gauge("tempodb_blocklist_length", "tenant=tenant-a").Should().Be(1);
    }

    [Fact]
    public async Task A_tenant_that_disappears_is_dropped()
    {
        await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        await _bed.WriteBlockAsync("tenant-b", Trace(TraceId(2), BaseSeconds, 2));
        using var meters = new RecordingMeters();
        using var list = _bed.NewList(meters: meters);
        await list.RefreshAsync(CancellationToken.None);
        list.Tenants.Should().HaveCount(2);

        Directory.Delete(Path.Combine(_bed.Root, "tenant-b"), recursive: true);
        await list.RefreshAsync(CancellationToken.None);

        list.Tenants.Should().BeEquivalentTo("tenant-a");
        list.Metas("tenant-b").Should().BeEmpty();
        meters.Gauge("tempodb_blocklist_length", "tenant=tenant-b").Should().BeNull();
    }

    [Fact]
    public async Task A_failed_poll_keeps_the_last_good_list_and_counts_the_error()
    {
        var block = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        var store = new SwitchableStore(_bed.Store);
        using var meters = new RecordingMeters();
        using var list = new TenantBlockList(store, TenantBlockListOptions.Default,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TenantBlockList>.Instance, meters);
        await list.RefreshAsync(CancellationToken.None);

        store.Failing = true;
        await list.RefreshAsync(CancellationToken.None);

        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(block.BlockId);
        meters.TotalAll("tempodb_blocklist_poll_errors_total").Should().Be(1);

        // Tenants listed but one tenant's blocks failing: that tenant keeps its blocks, the error names it.
        store.Failing = false;
        store.FailingPrefix = "tenant-a/";
        await list.RefreshAsync(CancellationToken.None);
        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(block.BlockId);
        meters.Total("tempodb_blocklist_poll_errors_total", "tenant=tenant-a").Should().Be(1);
    }

    [Fact]
    public async Task An_added_block_is_visible_at_once_and_survives_polls_that_do_not_show_it_yet()
    {
        var indexed = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        await TenantIndexBuilder.BuildAsync(_bed.Store, "tenant-a");
        using var list = _bed.NewList();
        await list.RefreshAsync(CancellationToken.None);

        // The live store's flush writes a block and hands it over; the tenant index does not list it yet.
        var flushed = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(2), BaseSeconds, 2));
        list.Add(flushed);
        var fresh = await _bed.WriteBlockAsync("tenant-new", Trace(TraceId(3), BaseSeconds, 3));
        list.Add(fresh);

        list.Metas("tenant-a").Select(m => m.BlockId).Should().BeEquivalentTo([indexed.BlockId, flushed.BlockId]);
        list.Metas("tenant-new").Should().ContainSingle();
        await list.RefreshAsync(CancellationToken.None);
        list.Metas("tenant-a").Select(m => m.BlockId).Should().BeEquivalentTo([indexed.BlockId, flushed.BlockId]);
        list.Metas("tenant-new").Should().ContainSingle().Which.BlockId.Should().Be(fresh.BlockId);

        // The compactor replaces it and rebuilds the index: from then on the poll's view wins.
        await MarkCompactedAsync(_bed.Store, flushed);
        await TenantIndexBuilder.BuildAsync(_bed.Store, "tenant-a");
        await list.RefreshAsync(CancellationToken.None);
        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(indexed.BlockId);
    }

    [Fact]
    public async Task An_added_block_no_poll_ever_shows_is_dropped_after_the_retention()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var list = _bed.NewList(new TenantBlockListOptions { AddedBlockRetention = TimeSpan.FromMinutes(10) }, time: clock);
        var block = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        list.Add(block);
        Directory.Delete(_bed.FolderOf(block), recursive: true);

        await list.RefreshAsync(CancellationToken.None);
        list.Metas("tenant-a").Should().ContainSingle();

        clock.Now += TimeSpan.FromMinutes(11);
        await list.RefreshAsync(CancellationToken.None);
        list.Metas("tenant-a").Should().BeEmpty();
    }

    [Fact]
    public async Task The_background_loop_picks_up_new_blocks()
    {
        using var list = _bed.NewList(new TenantBlockListOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var stop = new CancellationTokenSource();
        var loop = list.RunAsync(stop.Token);

        var block = await _bed.WriteBlockAsync("tenant-a", Trace(TraceId(1), BaseSeconds, 1));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (list.Metas("tenant-a").IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        list.Metas("tenant-a").Should().ContainSingle().Which.BlockId.Should().Be(block.BlockId);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public void Options_are_validated_with_the_setting_named()
    {
        var act = () => _bed.NewList(new TenantBlockListOptions { PollInterval = TimeSpan.Zero });
        act.Should().Throw<ArgumentException>().WithMessage("*PollInterval*");
    }

    /// <summary>What the compactor does to an input block: meta.compacted.json written, then meta.json deleted.</summary>
    internal static async Task MarkCompactedAsync(IObjectStore store, BlockMeta meta)
    {
        var compacted = new CompactedBlockMeta { Meta = meta, CompactedTime = DateTimeOffset.UtcNow };
        await store.PutAsync(BlockPaths.CompactedMeta(meta.TenantId, meta.BlockId), BlockMetaJson.SerializeCompacted(compacted));
        await store.DeleteAsync(BlockPaths.Meta(meta.TenantId, meta.BlockId));
    }

    /// <summary>A backend that can be made to fail: entirely, or for listings under one prefix.</summary>
    private sealed class SwitchableStore(IObjectStore inner) : IObjectStore
    {
        public volatile bool Failing;
        public volatile string? FailingPrefix;

        public string Description => inner.Description;

        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
            inner.PutAsync(key, content, cancellationToken);

        public Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
            inner.PutAsync(key, content, cancellationToken);

        public Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            Check(key);
            return inner.GetAsync(key, cancellationToken);
        }

        public Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            Check(key);
            return inner.ReadRangeAsync(key, offset, destination, cancellationToken);
        }

        public Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default)
        {
            Check(key);
            return inner.GetSizeAsync(key, cancellationToken);
        }

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default)
        {
            Check(prefix);
            return inner.ListAsync(prefix, cancellationToken);
        }

        public IAsyncEnumerable<string> ListFoldersAsync(string prefix, CancellationToken cancellationToken = default)
        {
            Check(prefix);
            return inner.ListFoldersAsync(prefix, cancellationToken);
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        private void Check(string key)
        {
            if (Failing || (FailingPrefix is { } prefix && key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                throw new BackendException($"{inner.Description}: simulated outage reading '{key}'");
            }
        }
    }
}
