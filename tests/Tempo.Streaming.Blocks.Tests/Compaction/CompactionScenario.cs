using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.VParquet4;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.Compaction;

/// <summary>A span's identity for the dedupe rules: trace ID, span ID and kind (Tempo's span token).</summary>
internal readonly record struct SpanKey(string TraceId, string SpanId, int Kind)
{
    public static SpanKey Of(Span span) => new(Convert.ToHexStringLower(span.TraceId.Span), Convert.ToHexStringLower(span.SpanId.Span), (int)span.Kind);

    /// <summary>
    /// Keys in one canonical order, so two collections compare with <c>Equal</c> in O(n log n) — equal sorted lists of
    /// keys mean each expected span occurs exactly as often (FluentAssertions' unordered equivalence is quadratic).
    /// </summary>
    public static List<SpanKey> Sorted(IEnumerable<SpanKey> keys)
        => keys.OrderBy(k => k.TraceId, StringComparer.Ordinal).ThenBy(k => k.SpanId, StringComparer.Ordinal).ThenBy(k => k.Kind).ToList();

    public static List<SpanKey> Sorted(IEnumerable<Span> spans) => Sorted(spans.Select(Of));
}

/// <summary>Input blocks written for a test and the spans they hold (each distinct span once, whatever the copies).</summary>
internal sealed record InputSet(IReadOnlyList<BlockMeta> Blocks, IReadOnlyDictionary<SpanKey, Span> Spans)
{
    public IEnumerable<IngestLineage> Ranges => Blocks.Select(block => block.Ingest!);
}

/// <summary>
/// A local backend in a temp folder plus helpers to write cut blocks the way the live store does (random traces whose
/// spans are spread over several blocks, some spans in two blocks) and to read back what queries would see.
/// </summary>
internal sealed class CompactionScenario : IDisposable
{
    public const string Topic = "tempo-ingest";

    /// <summary>The compactor's clock in these tests: a fixed instant, so windows and retention are deterministic.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly Random _random;
    private readonly RandomTraces _traces;

    public CompactionScenario(int seed = 1)
    {
        Root = Path.Combine(Path.GetTempPath(), "compaction-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Store = new LocalObjectStore(Root);
        _random = new Random(seed);
        _traces = new RandomTraces(seed);
    }

    public string Root { get; }

    public LocalObjectStore Store { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>
    /// Writes <paramref name="blocks"/> cut blocks of <paramref name="tenant"/> (partition <paramref name="partition"/>,
    /// 100 offsets each from <paramref name="firstOffset"/>) holding <paramref name="traceCount"/> traces whose spans start
    /// within a second of <paramref name="time"/>: each span goes to one block, one in six also to a second block.
    /// </summary>
    public async Task<InputSet> WriteInputsAsync(string tenant, int partition, long firstOffset, int blocks, int traceCount, DateTimeOffset time,
        Func<int, IReadOnlyList<DedicatedColumn>>? dedicatedColumns = null, BlockWriterOptions? writerOptions = null)
    {
        var perBlock = Enumerable.Range(0, blocks).Select(_ => new List<TraceFragment>()).ToArray();
        var expected = new Dictionary<SpanKey, Span>();
        var baseNanos = (ulong)time.ToUnixTimeMilliseconds() * 1_000_000UL;
        for (var t = 0; t < traceCount; t++)
        {
            var traceId = _traces.NextTraceId();
            var trace = UniqueSpans(_traces.NextTrace(traceId, baseNanos));
            var assignment = new Dictionary<Span, HashSet<int>>(ReferenceEqualityComparer.Instance);
            foreach (var span in trace.ResourceSpans.SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans))
            {
                expected.Add(SpanKey.Of(span), span);
                var targets = new HashSet<int> { _random.Next(blocks) };
                if (_random.Next(6) == 0)
                {
                    targets.Add(_random.Next(blocks));
                }
                assignment.Add(span, targets);
            }
            for (var b = 0; b < blocks; b++)
            {
                var part = Filter(trace, span => assignment[span].Contains(b));
                if (part.ResourceSpans.Count > 0)
                {
                    perBlock[b].Add(new TraceFragment(traceId, part));
                }
            }
        }

        var writer = new BlockWriter(Store, writerOptions);
        var metas = new List<BlockMeta>();
        for (var b = 0; b < blocks; b++)
        {
            var first = firstOffset + b * 100L;
            var spans = perBlock[b].Sum(f => f.Trace.ResourceSpans.SelectMany(r => r.ScopeSpans).Sum(s => s.Spans.Count));
            var lineage = new IngestLineage(Topic, partition, first, first + 99, 100, spans);
            var result = await writer.WriteAsync(tenant, lineage, dedicatedColumns?.Invoke(b) ?? [], perBlock[b]);
            metas.Add(result.Meta);
        }
        return new InputSet(metas, expected);
    }

    /// <summary>Every span of every live block of <paramref name="tenant"/>, read back through <see cref="BlockReader"/>, copies included.</summary>
    public async Task<List<Span>> LiveSpansAsync(string tenant)
    {
        var spans = new List<Span>();
        foreach (var meta in await LiveBlocksAsync(tenant))
        {
            var reader = await BlockReader.OpenAsync(Store, tenant, meta.BlockId);
            await foreach (var trace in reader.ReadAllTracesAsync())
            {
                spans.AddRange(trace.ResourceSpans.SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans));
            }
        }
        return spans;
    }

    public async Task<List<BlockMeta>> LiveBlocksAsync(string tenant)
    {
        var live = new List<BlockMeta>();
        await foreach (var entry in BlockCatalog.ListBlocksAsync(Store, tenant))
        {
            if (entry.Meta is not null && !entry.IsCompacted)
            {
                live.Add(entry.Meta);
            }
        }
        return live;
    }

    public async Task<CatalogEntry> EntryAsync(string tenant, Guid blockId) => await BlockCatalog.ReadEntryAsync(Store, tenant, blockId);

    /// <summary>Every object key of the backend with its bytes.</summary>
    public async Task<Dictionary<string, byte[]>> SnapshotAsync()
    {
        var objects = new Dictionary<string, byte[]>();
        await foreach (var key in Store.ListAsync(""))
        {
            objects.Add(key, await Store.GetAsync(key));
        }
        return objects;
    }

    /// <summary>Drops later copies of a (span ID, kind) inside one generated trace, so each span identity is one span.</summary>
    private static Trace UniqueSpans(Trace trace)
    {
        var seen = new HashSet<(ByteString, Span.Types.SpanKind)>();
        return Filter(trace, span => seen.Add((span.SpanId, span.Kind)));
    }

    private static Trace Filter(Trace trace, Func<Span, bool> keep)
    {
        var result = new Trace();
        foreach (var batch in trace.ResourceSpans)
        {
            var keptBatch = new ResourceSpans { Resource = batch.Resource, SchemaUrl = batch.SchemaUrl };
            foreach (var scope in batch.ScopeSpans)
            {
                var keptScope = new ScopeSpans { Scope = scope.Scope, SchemaUrl = scope.SchemaUrl };
                keptScope.Spans.AddRange(scope.Spans.Where(keep));
                if (keptScope.Spans.Count > 0)
                {
                    keptBatch.ScopeSpans.Add(keptScope);
                }
            }
            if (keptBatch.ScopeSpans.Count > 0)
            {
                result.ResourceSpans.Add(keptBatch);
            }
        }
        return result;
    }
}
