using Google.Protobuf;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.VParquet4;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.BlockFormat;

public sealed class BlockWriterReaderTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private const ulong BaseTime = 1_700_000_000_123_000_000UL;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vp4-blocks-" + Guid.NewGuid().ToString("N"));
    private readonly LocalObjectStore _store;

    public BlockWriterReaderTests()
    {
        Directory.CreateDirectory(_root);
        _store = new LocalObjectStore(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Written_block_has_every_file_and_a_meta_matching_its_data()
    {
        var (fragments, traces) = Generate(seed: 1, count: 200);
        var lineage = new IngestLineage("tempo-ingest", 3, 100, 199, 100, SpanCount(traces.Values));

        var result = await new BlockWriter(_store).WriteAsync(Tenant, lineage, RandomTraces.DedicatedColumns, fragments);

        result.Written.Should().BeTrue();
        var meta = result.Meta;
        meta.BlockId.Should().Be(BlockId.FromLineage(Tenant, "tempo-ingest", 3, 100, 199));
        meta.Format.Should().Be("vParquet4");
        meta.TenantId.Should().Be(Tenant);
        meta.TotalObjects.Should().Be(traces.Count);
        meta.TotalRecords.Should().Be(1);
        meta.BloomShards.Should().BeGreaterThan(0);
        meta.Size.Should().Be(await _store.GetSizeAsync(BlockPaths.Data(Tenant, meta.BlockId)));
        meta.FooterSize.Should().BeGreaterThan(0);
        meta.DedicatedColumns.Should().Equal(RandomTraces.DedicatedColumns);
        meta.Ingest.Should().Be(lineage);
        meta.StartTime.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        meta.MinId.Should().Equal(traces.Keys.Order(ByteOrder.Instance).First());

        var stored = BlockMetaJson.Parse(await _store.GetAsync(BlockPaths.Meta(Tenant, meta.BlockId)), "meta.json");
        stored.TotalObjects.Should().Be(meta.TotalObjects);
        await _store.GetAsync(BlockPaths.Index(Tenant, meta.BlockId));
        await _store.GetAsync(BlockPaths.Bloom(Tenant, meta.BlockId, 0));

        var reader = await BlockReader.OpenAsync(_store, Tenant, meta.BlockId);
        (await reader.VerifyAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Trace_by_id_finds_every_trace_and_nothing_else()
    {
        var (fragments, traces) = Generate(seed: 2, count: 300);
        // Small row groups: the index and the per-row-group binary search are exercised.
        var writer = new BlockWriter(_store, new BlockWriterOptions { RowGroupSizeBytes = 20_000 });
        var meta = (await writer.WriteAsync(Tenant, Lineage(0, 10), RandomTraces.DedicatedColumns, fragments)).Meta;
        meta.TotalRecords.Should().BeGreaterThan(1);

        var reader = await BlockReader.OpenAsync(_store, Tenant, meta.BlockId);
        foreach (var (id, trace) in traces)
        {
            var found = await reader.FindTraceByIdAsync(id);
            found.Should().NotBeNull();
            TraceNormalizer.Normalize(found!).Should().Be(TraceNormalizer.Normalize(trace));
        }

        var random = new Random(99);
        for (var i = 0; i < 200; i++)
        {
            var absent = new byte[16];
            random.NextBytes(absent);
            (await reader.FindTraceByIdAsync(absent)).Should().BeNull();
        }
        (await reader.VerifyAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Fragments_of_one_trace_are_combined_and_duplicate_spans_dropped()
    {
        var random = new RandomTraces(seed: 3);
        var id = random.NextTraceId();
        var whole = random.NextTrace(id, BaseTime);
        var first = new Trace { ResourceSpans = { whole.ResourceSpans[0] } };
        // The second fragment repeats the first batch (a replayed record) and brings the rest.
        var second = whole.Clone();
        TraceFragment[] fragments = [new(id, first), new(id, second)];

        var meta = (await new BlockWriter(_store).WriteAsync(Tenant, Lineage(5, 6), RandomTraces.DedicatedColumns, fragments)).Meta;

        meta.TotalObjects.Should().Be(1);
        var found = await (await BlockReader.OpenAsync(_store, Tenant, meta.BlockId)).FindTraceByIdAsync(id);
        // Every distinct (span ID, kind) once, whichever fragment brought it.
        SpanTokens(found!).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(SpanTokens(whole).Distinct());
    }

    private static List<string> SpanTokens(Trace trace) =>
        trace.ResourceSpans.SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.SpanId.ToBase64() + "/" + s.Kind).ToList();

    [Fact]
    public async Task Writing_the_same_range_again_is_a_no_op()
    {
        var (fragments, _) = Generate(seed: 4, count: 20);
        var writer = new BlockWriter(_store);
        var first = await writer.WriteAsync(Tenant, Lineage(7, 8), [], fragments);
        var dataBefore = await _store.GetAsync(BlockPaths.Data(Tenant, first.Meta.BlockId));

        var (otherFragments, _) = Generate(seed: 5, count: 5);
        var second = await writer.WriteAsync(Tenant, Lineage(7, 8), [], otherFragments);

        second.Written.Should().BeFalse();
        second.Meta.BlockId.Should().Be(first.Meta.BlockId);
        second.Meta.TotalObjects.Should().Be(20);
        (await _store.GetAsync(BlockPaths.Data(Tenant, first.Meta.BlockId))).Should().Equal(dataBefore);
    }

    [Fact]
    public async Task Writing_is_deterministic()
    {
        var (fragments, _) = Generate(seed: 6, count: 50);
        var otherRoot = Path.Combine(_root, "other");
        Directory.CreateDirectory(otherRoot);
        var other = new LocalObjectStore(otherRoot);

        var a = (await new BlockWriter(_store).WriteAsync(Tenant, Lineage(1, 2), [], fragments)).Meta;
        var b = (await new BlockWriter(other).WriteAsync(Tenant, Lineage(1, 2), [], Enumerable.Reverse(fragments))).Meta;

        (await other.GetAsync(BlockPaths.Data(Tenant, b.BlockId))).Should().Equal(await _store.GetAsync(BlockPaths.Data(Tenant, a.BlockId)));
    }

    [Fact]
    public async Task Read_all_returns_every_trace_in_id_order()
    {
        var (fragments, traces) = Generate(seed: 7, count: 120);
        var meta = (await new BlockWriter(_store, new BlockWriterOptions { RowGroupSizeBytes = 10_000 })
            .WriteAsync(Tenant, Lineage(0, 1), RandomTraces.DedicatedColumns, fragments)).Meta;

        var read = new List<Trace>();
        await foreach (var trace in (await BlockReader.OpenAsync(_store, Tenant, meta.BlockId)).ReadAllTracesAsync())
        {
            read.Add(trace);
        }

        var ordered = traces.OrderBy(t => t.Key, ByteOrder.Instance).ToList();
        read.Should().HaveCount(ordered.Count);
        for (var i = 0; i < read.Count; i++)
        {
            read[i].ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.ToByteArray().Should().Equal(ordered[i].Key);
            TraceNormalizer.Normalize(read[i]).Should().Be(TraceNormalizer.Normalize(ordered[i].Value));
        }
    }

    [Fact]
    public async Task An_empty_block_is_refused()
    {
        var act = () => new BlockWriter(_store).WriteAsync(Tenant, Lineage(0, 0), [], []);

        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*has no spans*");
    }

    [Fact]
    public async Task A_missing_block_is_reported_as_not_found()
    {
        var act = () => BlockReader.OpenAsync(_store, Tenant, Guid.NewGuid());

        (await act.Should().ThrowAsync<BlockNotFoundException>()).WithMessage("*does not exist*no meta.json*");
    }

    [Fact]
    public async Task A_truncated_data_file_gives_a_clear_error_naming_the_block()
    {
        var (fragments, traces) = Generate(seed: 8, count: 30);
        var meta = (await new BlockWriter(_store).WriteAsync(Tenant, Lineage(0, 3), [], fragments)).Meta;
        var dataKey = BlockPaths.Data(Tenant, meta.BlockId);
        var data = await _store.GetAsync(dataKey);
        await _store.PutAsync(dataKey, data.AsMemory(0, data.Length / 2));

        var reader = await BlockReader.OpenAsync(_store, Tenant, meta.BlockId);
        var act = () => reader.FindTraceByIdAsync(traces.Keys.First());

        (await act.Should().ThrowAsync<BlockCorruptException>()).WithMessage($"block {Tenant}/{meta.BlockId:D} is corrupt*");
        (await reader.VerifyAsync()).Should().ContainSingle().Which.Should().Contain("meta.json size");
    }

    [Fact]
    public async Task A_corrupt_footer_gives_a_clear_error_naming_the_block()
    {
        var (fragments, traces) = Generate(seed: 9, count: 30);
        var meta = (await new BlockWriter(_store).WriteAsync(Tenant, Lineage(0, 4), [], fragments)).Meta;
        var dataKey = BlockPaths.Data(Tenant, meta.BlockId);
        var data = await _store.GetAsync(dataKey);
        // Scribble over the middle of the footer (keeps the length and the PAR1 magic).
        var footerStart = data.Length - 8 - meta.FooterSize;
        for (var i = footerStart + meta.FooterSize / 3; i < footerStart + meta.FooterSize / 2; i++)
        {
            data[i] = 0xEE;
        }
        await _store.PutAsync(dataKey, data);

        var reader = await BlockReader.OpenAsync(_store, Tenant, meta.BlockId);
        var act = () => reader.FindTraceByIdAsync(traces.Keys.First());

        (await act.Should().ThrowAsync<BlockCorruptException>()).WithMessage($"block {Tenant}/{meta.BlockId:D} is corrupt*");
        (await reader.VerifyAsync()).Should().NotBeEmpty();
    }

    [Fact]
    public async Task A_meta_json_that_does_not_match_the_data_is_reported()
    {
        var (fragments, _) = Generate(seed: 10, count: 25);
        var meta = (await new BlockWriter(_store).WriteAsync(Tenant, Lineage(0, 5), [], fragments)).Meta;
        meta.TotalObjects = 99;
        meta.TotalRecords = 3;
        await _store.PutAsync(BlockPaths.Meta(Tenant, meta.BlockId), BlockMetaJson.Serialize(meta));

        var problems = await (await BlockReader.OpenAsync(_store, Tenant, meta.BlockId)).VerifyAsync();

        problems.Should().Contain(p => p.Contains("25 rows") && p.Contains("totalObjects says 99"));
        problems.Should().Contain(p => p.Contains("1 row groups") && p.Contains("totalRecords says 3"));
    }

    [Fact]
    public async Task An_unknown_format_is_refused_with_its_name()
    {
        var (fragments, _) = Generate(seed: 11, count: 5);
        var meta = (await new BlockWriter(_store).WriteAsync(Tenant, Lineage(0, 6), [], fragments)).Meta;
        meta.Format = "vParquet9";
        await _store.PutAsync(BlockPaths.Meta(Tenant, meta.BlockId), BlockMetaJson.Serialize(meta));

        var act = () => BlockReader.OpenAsync(_store, Tenant, meta.BlockId);

        (await act.Should().ThrowAsync<BlockCorruptException>()).WithMessage("*format 'vParquet9' is not supported*");
    }

    private static IngestLineage Lineage(long first, long last) => new("tempo-ingest", 0, first, last, last - first + 1, 0);

    private static (List<TraceFragment> Fragments, Dictionary<byte[], Trace> Traces) Generate(int seed, int count)
    {
        var random = new RandomTraces(seed);
        var fragments = new List<TraceFragment>();
        var traces = new Dictionary<byte[], Trace>(ByteEquality.Instance);
        while (traces.Count < count)
        {
            var id = random.NextTraceId();
            var trace = random.NextTrace(id, BaseTime);
            if (traces.TryAdd(id, trace))
            {
                fragments.Add(new TraceFragment(id, trace));
            }
        }
        return (fragments, traces);
    }

    private static long SpanCount(IEnumerable<Trace> traces) =>
        traces.Sum(t => t.ResourceSpans.Sum(b => b.ScopeSpans.Sum(s => (long)s.Spans.Count)));

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }

    private sealed class ByteEquality : IEqualityComparer<byte[]>
    {
        public static readonly ByteEquality Instance = new();
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => BitConverter.ToInt32(obj, obj.Length - 4);
    }
}
