using Google.Protobuf;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Traces;
using static Tempo.Streaming.Query.Tests.Traces.SampleTraces;

namespace Tempo.Streaming.Query.Tests.Traces;

public class TraceByIdQuerierTests
{
    private static readonly Guid BlockStart = Guid.Parse("00000000-0000-0000-0000-000000000000");
    private static readonly Guid BlockEnd = Guid.Parse("7fffffff-ffff-ffff-ffff-ffffffffffff");

    private static TraceLookup Lookup(TraceLookupMode mode) =>
        new("tenant-a", TraceId, new QueryWindow(10, 20), mode, BlockStart, BlockEnd);

    private sealed class FakeSource(string service, ulong spanId, long inspectedBytes) : ITraceFragmentSource
    {
        public List<(string Tenant, byte[] TraceId, QueryWindow Window)> Calls { get; } = [];

        public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
            CancellationToken cancellationToken)
        {
            Calls.Add((tenant, traceId.ToArray(), window));
            var fragment = TraceOf(Batch(service, NewSpan(spanId, spanId * 100))).ToByteArray();
            return ValueTask.FromResult(new TraceFragments([fragment], inspectedBytes));
        }
    }

    private sealed class EmptySource : ITraceFragmentSource
    {
        public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
            CancellationToken cancellationToken) => ValueTask.FromResult(new TraceFragments([], 17));
    }

    private sealed class RangedBlockSource : IBlockTraceFragmentSource
    {
        public (Guid Start, Guid End)? Range { get; private set; }

        public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
            CancellationToken cancellationToken) => throw new InvalidOperationException("the ranged overload must be used");

        public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
            Guid blockStart, Guid blockEnd, CancellationToken cancellationToken)
        {
            Range = (blockStart, blockEnd);
            return ValueTask.FromResult(TraceFragments.None);
        }
    }

    private sealed class FailingSource : ITraceFragmentSource
    {
        public async ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
            CancellationToken cancellationToken)
        {
            await Task.Yield();
            throw new IOException("store unavailable");
        }
    }

    private static IEnumerable<string> Services(TraceLookupResult result) =>
        result.Trace!.ResourceSpans.Select(b => b.Resource.Attributes[0].Value.StringValue);

    [Fact]
    public async Task Mode_ingesters_asks_only_the_live_stores()
    {
        var live = new FakeSource("live", 1, 100);
        var block = new FakeSource("block", 2, 1000);
        var querier = new TraceByIdQuerier([live], [block], 0);

        var result = await querier.FindAsync(Lookup(TraceLookupMode.Ingesters), CancellationToken.None);

        Services(result).Should().Equal("live");
        result.InspectedBytes.Should().Be(100);
        block.Calls.Should().BeEmpty();
        live.Calls.Should().ContainSingle().Which.Should().Match<(string Tenant, byte[] TraceId, QueryWindow Window)>(
            c => c.Tenant == "tenant-a" && c.TraceId.SequenceEqual(TraceId) && c.Window == new QueryWindow(10, 20));
    }

    [Fact]
    public async Task Mode_blocks_asks_only_the_block_stores()
    {
        var live = new FakeSource("live", 1, 100);
        var block = new FakeSource("block", 2, 1000);

        var result = await new TraceByIdQuerier([live], [block], 0).FindAsync(Lookup(TraceLookupMode.Blocks), CancellationToken.None);

        Services(result).Should().Equal("block");
        result.InspectedBytes.Should().Be(1000);
        live.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Mode_all_combines_every_store_and_sums_inspected_bytes()
    {
        var querier = new TraceByIdQuerier(
            [new FakeSource("live-a", 3, 100), new EmptySource()], [new FakeSource("block", 1, 1000)], 0);

        var result = await querier.FindAsync(Lookup(TraceLookupMode.All), CancellationToken.None);

        Services(result).Should().Equal("block", "live-a"); // sorted by first span start
        result.InspectedBytes.Should().Be(1117);
        result.Partial.Should().BeFalse();
    }

    [Fact]
    public async Task A_trace_no_store_holds_is_not_found_but_inspected_bytes_count()
    {
        var result = await new TraceByIdQuerier([new EmptySource()], [], 0).FindAsync(Lookup(TraceLookupMode.All), CancellationToken.None);

        result.Found.Should().BeFalse();
        result.Trace.Should().BeNull();
        result.InspectedBytes.Should().Be(17);
    }

    [Fact]
    public async Task Block_sources_that_can_shard_receive_the_block_id_range()
    {
        var ranged = new RangedBlockSource();

        await new TraceByIdQuerier([], [ranged], 0).FindAsync(Lookup(TraceLookupMode.Blocks), CancellationToken.None);

        ranged.Range.Should().Be((BlockStart, BlockEnd));
    }

    [Fact]
    public async Task A_failing_store_fails_the_lookup()
    {
        var querier = new TraceByIdQuerier([new FailingSource(), new FakeSource("live", 1, 1)], [], 0);

        var act = () => querier.FindAsync(Lookup(TraceLookupMode.All), CancellationToken.None);

        await act.Should().ThrowAsync<IOException>().WithMessage("store unavailable");
    }

    [Fact]
    public async Task A_trace_id_that_is_not_16_bytes_is_rejected()
    {
        var lookup = Lookup(TraceLookupMode.All) with { TraceId = new byte[8] };

        var act = () => new TraceByIdQuerier([], [], 0).FindAsync(lookup, CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*16 bytes*");
    }
}
