using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Tests.Infrastructure;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Blocks;
using Tempo.Streaming.Query.Traces;
using static Tempo.Streaming.Query.Tests.Blocks.BlockTestBed;

namespace Tempo.Streaming.Query.Tests.Blocks;

/// <summary>The block list and trace source against a real S3 server (s3rver), through the tenant index and the listing.</summary>
[Collection(S3rverCollection.Name)]
public sealed class BlockTraceSourceS3Tests(S3rverFixture s3)
{
    [Fact]
    public async Task Trace_by_id_from_blocks_on_s3_via_listing_then_tenant_index()
    {
        const string tenant = "tenant-s3";
        using var store = s3.CreateStore();
        var split = TraceId(42);
        await WriteBlockAsync(store, tenant, 0, Trace(split, BaseSeconds, 1, 2), Trace(TraceId(43), BaseSeconds, 9));
        await WriteBlockAsync(store, tenant, 10, Trace(split, BaseSeconds + 1, 2, 3));
        // A stale tenant index: the poll lists the blocks. (It also makes the tenant visible: s3rver reports a folder
        // as a common prefix only when an object sits directly in it; S3 itself has no such rule.)
        await TenantIndexBuilder.BuildAsync(store, tenant, new ManualClock(DateTimeOffset.UtcNow - TimeSpan.FromHours(1)));
        await WriteBlockAsync(store, tenant, 20, Trace(split, BaseSeconds + 2, 4));
        using var list = new TenantBlockList(store, new TenantBlockListOptions { StaleTenantIndex = TimeSpan.FromMinutes(5) },
            NullLogger<TenantBlockList>.Instance);
        await list.RefreshAsync(CancellationToken.None);
        list.Metas(tenant).Should().HaveCount(3);
        using var source = new BlockTraceSource(store, list, BlockTraceSourceOptions.Default, NullLogger<BlockTraceSource>.Instance);
        var querier = new TraceByIdQuerier([], [source], maxTraceBytes: 0);
        var lookup = new TraceLookup(tenant, split, QueryWindow.All, TraceLookupMode.Blocks, Guid.Empty,
            new Guid("ffffffff-ffff-ffff-ffff-ffffffffffff"));

        var result = await querier.FindAsync(lookup, CancellationToken.None);

        SpanIds(result.Trace!).Should().Equal(1, 2, 3, 4);
        result.InspectedBytes.Should().BeGreaterThan(0);

        // The same through the tenant index (one GET per poll instead of a listing).
        await TenantIndexBuilder.BuildAsync(store, tenant);
        await list.RefreshAsync(CancellationToken.None);
        list.Metas(tenant).Should().HaveCount(3);
        SpanIds((await querier.FindAsync(lookup, CancellationToken.None)).Trace!).Should().Equal(1, 2, 3, 4);
    }
}
