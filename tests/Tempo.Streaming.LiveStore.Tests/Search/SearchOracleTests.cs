using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Blocks;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.Query.Tests.Search.Oracle;
using Tempo.Streaming.TraceQL;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.LiveStore.Tests.Search;

/// <summary>
/// The search engine against the brute-force oracle on the generated dataset: over a live store (RocksDB), over blocks
/// flushed by a live store (vParquet4 with push-down), and over both at once with some traces held by both (a flushed
/// range not yet deleted). For every query of <see cref="OracleQueries.All"/> the trace IDs, each spanset's span IDs and
/// its <c>matched</c> count must equal the oracle's.
/// </summary>
public sealed class SearchOracleTests(SearchOracleTests.Stores stores) : IClassFixture<SearchOracleTests.Stores>
{
    private const int Everything = 100_000;

    public static TheoryData<string> Queries() => [.. OracleQueries.All];

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Live_store_answers_as_the_oracle(string query) =>
        await AssertSameAsync(query, stores.LiveTraces, new SearchQuerier([new LiveSearchSource(stores.Live!)]));

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Blocks_answer_as_the_oracle(string query) =>
        await AssertSameAsync(query, stores.BlockTraces, new SearchQuerier([stores.Blocks!]));

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Live_store_and_blocks_together_answer_as_the_oracle(string query) =>
        await AssertSameAsync(query, stores.AllTraces, new SearchQuerier([new LiveSearchSource(stores.Live!), stores.Blocks!]));

    [Fact]
    public async Task Blocks_skip_what_the_condition_excludes()
    {
        // A selective condition decodes fewer traces than the blocks hold: the push-down works, not just the evaluator.
        var querier = new SearchQuerier([stores.Blocks!]);
        var response = await querier.SearchAsync(Tenant, TraceQLParser.ParseValid("{ span.http.response.status_code = 500 }"),
            new SearchOptions(QueryWindow.All, Everything, Everything, MostRecent: true), CancellationToken.None);
        response.Traces.Should().NotBeEmpty();
        response.Metrics.InspectedTraces.Should().BeLessThan((uint)stores.BlockTraces.Count);
        response.Metrics.TotalBlocks.Should().BeGreaterThan(0);
        response.Metrics.CompletedJobs.Should().Be(response.Metrics.TotalJobs);
    }

    private static async Task AssertSameAsync(string query, IReadOnlyList<Trace> traces, SearchQuerier querier)
    {
        var expected = TraceQLOracle.Search(query, traces);
        var response = await querier.SearchAsync(Tenant, TraceQLParser.ParseValid(query),
            new SearchOptions(QueryWindow.All, Everything, Everything, MostRecent: true), CancellationToken.None);
        var actual = OracleResult.FromSearchResponse(response);
        actual.Equals(expected).Should().BeTrue($"the engine's answer to {query} must be the oracle's:\n{expected.Diff(actual)}");
    }

    private const string Tenant = "single-tenant";

    /// <summary>
    /// Traces 0..199 go through a live store that flushes them to blocks (and keeps its copies); traces 150..299 go
    /// through a second live store that keeps them: 150..199 are in both places.
    /// </summary>
    public sealed class Stores : IAsyncLifetime
    {
        private readonly LiveStoreFixture _flushed = new(partitions: 1);
        private readonly LiveStoreFixture _live = new(partitions: 1);
        private LiveTraceStore? _flushingStore;
        private TenantBlockList? _list;

        public LiveTraceStore? Live { get; private set; }
        public BlockTraceSource? Blocks { get; private set; }
        public IReadOnlyList<Trace> BlockTraces { get; private set; } = [];
        public IReadOnlyList<Trace> LiveTraces { get; private set; } = [];
        public IReadOnlyList<Trace> AllTraces { get; private set; } = [];

        public async Task InitializeAsync()
        {
            var traces = SearchDataset.Default.Traces;
            BlockTraces = traces.Take(200).ToList();
            LiveTraces = traces.Skip(150).ToList();
            AllTraces = traces;

            var backend = _flushed.Backend();
            _flushingStore = await _flushed.OpenStoreAsync(writer: new BlockWriter(backend));
            await AppendAsync(_flushed, BlockTraces);
            await _flushed.CaughtUpAsync(_flushingStore);
            (await _flushingStore.FlushAsync(CancellationToken.None)).Should().NotBeEmpty();

            _list = new TenantBlockList(backend, TenantBlockListOptions.Default, NullLogger<TenantBlockList>.Instance);
            await _list.RefreshAsync(CancellationToken.None);
            Blocks = new BlockTraceSource(backend, _list, BlockTraceSourceOptions.Default, NullLogger<BlockTraceSource>.Instance);

            Live = await _live.OpenStoreAsync();
            await AppendAsync(_live, LiveTraces);
            await _live.CaughtUpAsync(Live);
        }

        private static async Task AppendAsync(LiveStoreFixture fixture, IEnumerable<Trace> traces)
        {
            // Several traces per record, as a distributor batches them.
            foreach (var chunk in traces.Chunk(10))
            {
                var fragments = chunk.Select(t => (t.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.ToByteArray(), t)).ToArray();
                await fixture.AppendAsync(0, TestTraces.Record(Tenant, fragments));
            }
        }

        public async Task DisposeAsync()
        {
            Blocks?.Dispose();
            _list?.Dispose();
            if (Live is not null) await Live.DisposeAsync();
            if (_flushingStore is not null) await _flushingStore.DisposeAsync();
            await _live.DisposeAsync();
            await _flushed.DisposeAsync();
        }
    }
}
