using Tempo.Streaming.Blocks.Compaction;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Compaction;

/// <summary>
/// The compactor killed before each backend write of a compaction (the write and everything after it never happen),
/// then run again: no span is lost or duplicated in what queries read, at the crash and after the re-run.
/// </summary>
public sealed class CompactorCrashTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private static readonly DateTimeOffset InputTime = CompactionScenario.Now.AddHours(-3).AddMinutes(10);
    private readonly CompactionScenario _scenario = new(seed: 11);

    public void Dispose() => _scenario.Dispose();

    /// <summary>Kill points, in the order a compaction reaches them (inputs in block-ID order).</summary>
    public static TheoryData<string> KillPoints() =>
    [
        "output data.parquet",
        "output bloom-0",
        "output index",
        "output meta.json",
        "input 0 meta.compacted.json",
        "input 0 meta.json delete",
        "input 1 meta.compacted.json",
        "input 2 meta.json delete",
        "tenant index",
    ];

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task A_crash_at_any_write_loses_and_duplicates_nothing_and_the_rerun_finishes(string killPoint)
    {
        var inputs = await _scenario.WriteInputsAsync(Tenant, partition: 0, firstOffset: 0, blocks: 3, traceCount: 60, InputTime);
        // A block alone in an older window: never compacted, must come through untouched.
        var bystander = await _scenario.WriteInputsAsync(Tenant, partition: 1, firstOffset: 0, blocks: 1, traceCount: 5, InputTime.AddHours(-5));
        var bystanderMeta = await _scenario.Store.GetAsync(BlockPaths.Meta(Tenant, bystander.Blocks[0].BlockId));
        var job = CompactionJob.For(Tenant, inputs.Blocks);
        var output = job.Output.BlockId;
        var crashing = new CrashingObjectStore(_scenario.Store, KillPoint(killPoint, job));

        var crashed = () => new Compactor().RunOnceAsync(crashing, CompactionScenario.Now, crashing.Token);

        await crashed.Should().ThrowAsync<OperationCanceledException>();
        crashing.Crashed.Should().BeTrue();
        // What a querier listing the live blocks sees after the crash: every span, copies only of spans (removed by
        // the span dedupe at query time), and nothing that is not an input span.
        var atCrash = await _scenario.LiveSpansAsync(Tenant);
        SpanKey.Sorted(atCrash.Select(SpanKey.Of).Distinct()).Should().Equal(SpanKey.Sorted(inputs.Spans.Keys.Concat(bystander.Spans.Keys)));

        var rerun = await new Compactor().RunOnceAsync(_scenario.Store, CompactionScenario.Now.AddMinutes(5));

        rerun.Errors.Should().BeEmpty();
        var live = await _scenario.LiveBlocksAsync(Tenant);
        live.Select(b => b.BlockId).Should().BeEquivalentTo([output, bystander.Blocks[0].BlockId]);
        var spans = await _scenario.LiveSpansAsync(Tenant);
        SpanKey.Sorted(spans).Should().Equal(SpanKey.Sorted(inputs.Spans.Keys.Concat(bystander.Spans.Keys)));
        live.Single(b => b.BlockId == output).IngestRanges.Should().Equal(inputs.Ranges.OrderBy(r => r.FirstOffset));
        foreach (var input in inputs.Blocks)
        {
            (await _scenario.EntryAsync(Tenant, input.BlockId)).IsCompacted.Should().BeTrue();
        }
        (await _scenario.Store.GetAsync(BlockPaths.Meta(Tenant, bystander.Blocks[0].BlockId))).Should().Equal(bystanderMeta);
        var folders = new List<string>();
        await foreach (var folder in _scenario.Store.ListFoldersAsync(Tenant + "/"))
        {
            folders.Add(folder.TrimEnd('/').Split('/')[^1]);
        }
        folders.Should().BeEquivalentTo(inputs.Blocks.Select(b => b.BlockId).Append(output).Append(bystander.Blocks[0].BlockId)
            .Select(id => id.ToString("D")));
        var index = await Tempo.Streaming.Blocks.Catalog.TenantIndexBuilder.ReadAsync(_scenario.Store, Tenant);
        index!.Metas.Select(m => m.BlockId).Should().BeEquivalentTo([output, bystander.Blocks[0].BlockId]);
    }

    [Fact]
    public async Task After_a_crash_past_the_output_meta_a_new_block_in_the_window_does_not_leave_the_inputs_live()
    {
        var inputs = await _scenario.WriteInputsAsync(Tenant, 0, 0, blocks: 3, traceCount: 40, InputTime);
        var job = CompactionJob.For(Tenant, inputs.Blocks);
        var crashing = new CrashingObjectStore(_scenario.Store, KillPoint("input 0 meta.compacted.json", job));
        var crashed = () => new Compactor().RunOnceAsync(crashing, CompactionScenario.Now, crashing.Token);
        await crashed.Should().ThrowAsync<OperationCanceledException>();
        // A block cut meanwhile lands in the same window: the selector's group is now four level-0 blocks, not the three.
        var late = await _scenario.WriteInputsAsync(Tenant, 0, 300, blocks: 1, traceCount: 10, InputTime.AddMinutes(1));

        var rerun = await new Compactor().RunOnceAsync(_scenario.Store, CompactionScenario.Now.AddMinutes(5));

        rerun.BlocksSuperseded.Should().Be(3);
        (await _scenario.LiveBlocksAsync(Tenant)).Select(b => b.BlockId).Should().BeEquivalentTo([job.Output.BlockId, late.Blocks[0].BlockId]);
        SpanKey.Sorted(await _scenario.LiveSpansAsync(Tenant)).Should().Equal(SpanKey.Sorted(inputs.Spans.Keys.Concat(late.Spans.Keys)));
    }

    private static Func<string, string, bool> KillPoint(string name, CompactionJob job)
    {
        var tenant = job.Tenant;
        var output = job.Output.BlockId;
        Guid Input(int i) => job.Inputs[i].BlockId;
        return name switch
        {
            "output data.parquet" => (op, key) => op == "put" && key == BlockPaths.Data(tenant, output),
            "output bloom-0" => (op, key) => op == "put" && key == BlockPaths.Bloom(tenant, output, 0),
            "output index" => (op, key) => op == "put" && key == BlockPaths.Index(tenant, output),
            "output meta.json" => (op, key) => op == "put" && key == BlockPaths.Meta(tenant, output),
            "input 0 meta.compacted.json" => (op, key) => op == "put" && key == BlockPaths.CompactedMeta(tenant, Input(0)),
            "input 0 meta.json delete" => (op, key) => op == "delete" && key == BlockPaths.Meta(tenant, Input(0)),
            "input 1 meta.compacted.json" => (op, key) => op == "put" && key == BlockPaths.CompactedMeta(tenant, Input(1)),
            "input 2 meta.json delete" => (op, key) => op == "delete" && key == BlockPaths.Meta(tenant, Input(2)),
            "tenant index" => (op, key) => op == "put" && key == BlockPaths.TenantIndex(tenant),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown kill point"),
        };
    }
}
