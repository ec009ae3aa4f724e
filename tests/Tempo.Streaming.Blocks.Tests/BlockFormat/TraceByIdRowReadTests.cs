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

    private static string IdOf(Trace trace) => Convert.ToHexString(trace.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span);
}
