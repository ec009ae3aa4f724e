using System.Collections.Concurrent;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.VParquet4;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.BlockFormat;

/// <summary>
/// Trace by ID reads one row through the page index (only the pages holding it); the traces it returns must be the
/// ones the whole-row-group read returns, also under concurrent lookups sharing the reader's caches.
/// </summary>
public sealed class TraceByIdRowReadTests : IDisposable
{
    private const string Tenant = "tenant-rows";
    private const ulong BaseTime = 1_700_000_000_123_000_000UL;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vp4-rowread-" + Guid.NewGuid().ToString("N"));
    private readonly LocalObjectStore _store;

    public TraceByIdRowReadTests()
    {
        Directory.CreateDirectory(_root);
        _store = new LocalObjectStore(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Concurrent_lookups_return_what_the_whole_row_group_read_returns()
    {
        var random = new RandomTraces(seed: 17);
        var fragments = new List<TraceFragment>();
        var seen = new HashSet<string>();
        while (fragments.Count < 1500)
        {
            var id = random.NextTraceId();
            if (seen.Add(Convert.ToHexString(id))) fragments.Add(new TraceFragment(id, random.NextTrace(id, BaseTime)));
        }
        var lineage = new IngestLineage("rows", 0, 0, 1499, 1500, 0);
        var meta = (await new BlockWriter(_store, new BlockWriterOptions { RowGroupSizeBytes = 400_000 })
            .WriteAsync(Tenant, lineage, RandomTraces.DedicatedColumns, fragments)).Meta;
        meta.TotalRecords.Should().BeGreaterThan(1);

        var reader = await BlockReader.OpenAsync(_store, Tenant, meta.BlockId);
        var whole = new Dictionary<string, Trace>();
        await foreach (var trace in reader.ReadAllTracesAsync())
        {
            whole[IdOf(trace)] = TraceNormalizer.Normalize(trace);
        }
        whole.Should().HaveCount(fragments.Count);

        var fresh = await BlockReader.OpenAsync(_store, Tenant, meta.BlockId);
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(fragments, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (fragment, ct) =>
        {
            var found = await fresh.FindTraceByIdAsync(fragment.TraceId, ct);
            var key = Convert.ToHexString(fragment.TraceId.Span);
            if (found is null) failures.Add($"{key}: not found");
            else if (!TraceNormalizer.Normalize(found).Equals(whole[key])) failures.Add($"{key}: differs from the row group read");
        });
        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task Lookups_through_a_small_shared_page_cache_stay_exact_and_within_its_budget()
    {
        var random = new RandomTraces(seed: 23);
        var fragments = new List<TraceFragment>();
        var seen = new HashSet<string>();
        while (fragments.Count < 600)
        {
            var id = random.NextTraceId();
            if (seen.Add(Convert.ToHexString(id))) fragments.Add(new TraceFragment(id, random.NextTrace(id, BaseTime)));
        }
        var lineage = new IngestLineage("rows", 0, 0, 599, 600, 0);
        var meta = (await new BlockWriter(_store, new BlockWriterOptions()).WriteAsync(Tenant, lineage, RandomTraces.DedicatedColumns, fragments)).Meta;

        var whole = new Dictionary<string, Trace>();
        await foreach (var trace in (await BlockReader.OpenAsync(_store, Tenant, meta.BlockId)).ReadAllTracesAsync())
        {
            whole[IdOf(trace)] = TraceNormalizer.Normalize(trace);
        }

        // Two readers of the block share one cache far smaller than the block: lookups evict pages others are using.
        var cache = new Parquet.PageCache(64 << 10);
        var readers = new[] { await BlockReader.OpenAsync(_store, Tenant, meta.BlockId, cache), BlockReader.Open(_store, meta, cache) };
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 2 * fragments.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) =>
        {
            var fragment = fragments[k % fragments.Count];
            var found = await readers[k % 2].FindTraceByIdAsync(fragment.TraceId, ct);
            var key = Convert.ToHexString(fragment.TraceId.Span);
            if (found is null) failures.Add($"{key}: not found");
            else if (!TraceNormalizer.Normalize(found).Equals(whole[key])) failures.Add($"{key}: differs from the row group read");
        });
        failures.Should().BeEmpty();
        cache.Bytes.Should().BeLessThanOrEqualTo(cache.CapacityBytes);
        cache.Evictions.Should().BeGreaterThan(0);

        // With room for the block, a second reader of it finds the pages the first one decoded.
        var roomy = new Parquet.PageCache(256 << 20);
        await (await BlockReader.OpenAsync(_store, Tenant, meta.BlockId, roomy)).FindTraceByIdAsync(fragments[42].TraceId);
        var misses = roomy.Misses;
        var again = await (await BlockReader.OpenAsync(_store, Tenant, meta.BlockId, roomy)).FindTraceByIdAsync(fragments[42].TraceId);
        TraceNormalizer.Normalize(again!).Should().Be(whole[Convert.ToHexString(fragments[42].TraceId.Span)]);
        roomy.Misses.Should().Be(misses);
    }

    private static string IdOf(Trace trace) => Convert.ToHexString(trace.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span);
}
