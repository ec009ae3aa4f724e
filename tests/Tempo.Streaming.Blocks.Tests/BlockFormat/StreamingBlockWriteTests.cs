using Google.Protobuf;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.VParquet4;
using Tempo.Streaming.Blocks.VParquet4;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.BlockFormat;

/// <summary>
/// The streaming write (<see cref="ITraceFragmentGroups"/>, one trace at a time: what a live-store cut uses) must write
/// the very block the list overload writes from the same fragments (what replay uses), byte for byte: replay promises
/// to rebuild a flushed block identically. Fragments of a trace are split and overlap, some carry no span.
/// </summary>
public sealed class StreamingBlockWriteTests : IDisposable
{
    private const string Tenant = "tenant-s";
    private const ulong BaseTime = 1_700_000_000_123_000_000UL;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "vp4-streaming-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(false, 200, false, false)]
    [InlineData(true, 200, false, false)]
    [InlineData(true, 200, true, false)] // the survey counts the encoded fragments
    [InlineData(true, 4500, false, false)] // more spans than the dedicated-column sample: every k-th trace is sampled, k > 1
    [InlineData(true, 4500, true, false)]
    [InlineData(false, 200, true, true)] // as a live-store cut: the survey from stored counts, the rows from the encoded fragments
    [InlineData(false, 4500, true, true)]
    [InlineData(true, 4500, true, true)] // stored counts overstate the combined spans; the writer surveys exactly for the sample
    public async Task The_streaming_write_is_the_list_write_byte_for_byte(bool autoDedicatedColumns, int traces, bool encoded, bool storedCounts)
    {
        var fragmentsInLogOrder = Fragments(seed: traces, traces);
        var options = new BlockWriterOptions { AutoDedicatedColumns = autoDedicatedColumns, RowGroupSizeBytes = 64_000 };
        var listStore = Store("list");
        var streamStore = Store("stream");
        var groups = new GroupsInIdOrder(fragmentsInLogOrder, encoded);
        var survey = storedCounts
            ? TraceGroupSurvey.FromStoredCounts(groups.Groups().Select(g => g.Sum(f => DedicatedColumnSelector.SpanCount(f.Trace))))
            : TraceGroupSurvey.Take(groups);
        if (storedCounts) survey.Spans.Should().BeGreaterThan(TraceGroupSurvey.Take(groups).Spans, "every 5th trace repeats a batch");
        var lineage = new IngestLineage("tempo-ingest", 2, 40, 90, 51, survey.FragmentSpans);

        var fromList = (await new BlockWriter(listStore, options).WriteAsync(Tenant, lineage, [], fragmentsInLogOrder)).Meta;
        var fromStream = await new BlockWriter(streamStore, options).WriteAsync(Tenant, lineage, [], groups, survey);

        fromStream.Written.Should().BeTrue();
        survey.FragmentSpans.Should().Be(fragmentsInLogOrder.Sum(f => (long)DedicatedColumnSelector.SpanCount(f.Trace)));
        ((long)survey.Traces).Should().Be(fromList.TotalObjects, "the survey counts the rows the list write made");
        if (traces > 1000) survey.Spans.Should().BeGreaterThan(DedicatedColumnSelector.DefaultSampleSpans);
        fromStream.Meta.DedicatedColumns.Should().Equal(fromList.DedicatedColumns);
        if (autoDedicatedColumns) fromList.DedicatedColumns.Should().NotBeEmpty("the workload has frequent string attributes");
        foreach (var key in (string[])[BlockPaths.Data(Tenant, fromList.BlockId), BlockPaths.Meta(Tenant, fromList.BlockId),
                     BlockPaths.Index(Tenant, fromList.BlockId), BlockPaths.Bloom(Tenant, fromList.BlockId, 0)])
        {
            (await streamStore.GetAsync(key)).Should().Equal(await listStore.GetAsync(key), key);
        }
        (await (await BlockReader.OpenAsync(streamStore, Tenant, fromList.BlockId)).VerifyAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Groups_without_spans_make_no_block(bool storedCounts)
    {
        var id = new RandomTraces(seed: 9).NextTraceId();
        var groups = new GroupsInIdOrder([new TraceFragment(id, new Trace())]);
        var survey = storedCounts ? TraceGroupSurvey.FromStoredCounts([0]) : TraceGroupSurvey.Take(groups);

        survey.Traces.Should().Be(0);
        var write = () => new BlockWriter(Store("empty")).WriteAsync(Tenant, new IngestLineage("tempo-ingest", 0, 1, 1, 1, 0), [], groups, survey);
        await write.Should().ThrowAsync<ArgumentException>().WithMessage("*has no spans*");
    }

    private LocalObjectStore Store(string name)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(path);
        return new LocalObjectStore(path);
    }

    /// <summary>
    /// Fragments as a log holds them: most traces whole, every 5th split in two with the second repeating a batch of
    /// the first (a retried push), every 17th followed by a fragment without spans, all in a shuffled log order.
    /// </summary>
    private static List<TraceFragment> Fragments(int seed, int traces)
    {
        var random = new RandomTraces(seed);
        var fragments = new List<TraceFragment>();
        for (var i = 0; i < traces; i++)
        {
            var id = random.NextTraceId();
            var trace = random.NextTrace(id, BaseTime);
            if (i % 5 == 0 && trace.ResourceSpans.Count > 1)
            {
                fragments.Add(new TraceFragment(id, new Trace { ResourceSpans = { trace.ResourceSpans[0] } }));
                fragments.Add(new TraceFragment(id, trace.Clone()));
            }
            else
            {
                fragments.Add(new TraceFragment(id, trace));
            }
            if (i % 17 == 0) fragments.Add(new TraceFragment(id, new Trace()));
        }
        var shuffle = new Random(seed);
        return fragments.OrderBy(_ => shuffle.Next()).ToList();
    }

    /// <summary>The contract's grouping: by 16-byte trace ID ascending, a trace's fragments in log order.</summary>
    private sealed class GroupsInIdOrder(List<TraceFragment> fragmentsInLogOrder, bool encoded = false) : ITraceFragmentGroups
    {
        public IEnumerable<EncodedFragmentGroup>? EncodedGroups() =>
            encoded
                ? Groups().Select(g => g.ToList()).Select(g => new EncodedFragmentGroup(g[0].TraceId,
                    g.Select(f => (ReadOnlyMemory<byte>)f.Trace.ToByteArray()).ToList()))
                : null;

        public IEnumerable<IEnumerable<TraceFragment>> Groups() => fragmentsInLogOrder
            .Select((fragment, position) => (fragment, position))
            .GroupBy(f => Convert.ToHexString(f.fragment.TraceId.Span))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(f => f.position).Select(f => f.fragment));
    }
}
