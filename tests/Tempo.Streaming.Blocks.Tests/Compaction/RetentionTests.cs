using Tempo.Streaming.Blocks.Compaction;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Compaction;

public sealed class RetentionTests : IDisposable
{
    private const string Tenant = "tenant-a";
    private readonly CompactionScenario _scenario = new(seed: 5);

    public void Dispose() => _scenario.Dispose();

    [Fact]
    public async Task A_block_past_retention_is_marked_then_deleted_after_the_compacted_retention()
    {
        var now = CompactionScenario.Now;
        var old = (await _scenario.WriteInputsAsync(Tenant, 0, 0, 1, 5, now - TimeSpan.FromHours(337))).Blocks[0];
        var fresh = (await _scenario.WriteInputsAsync(Tenant, 0, 100, 1, 5, now - TimeSpan.FromHours(300))).Blocks[0];
        var compactor = new Compactor();

        var first = await compactor.RunOnceAsync(_scenario.Store, now);

        first.RetentionMarked.Should().Be(1);
        first.BlocksDeleted.Should().Be(0);
        var marked = await _scenario.EntryAsync(Tenant, old.BlockId);
        marked.CompactedTime.Should().Be(now, "a block past retention stays readable for the compacted block retention, as in Tempo");
        (await _scenario.Store.GetSizeAsync(BlockPaths.Data(Tenant, old.BlockId))).Should().Be(old.Size);
        (await _scenario.EntryAsync(Tenant, fresh.BlockId)).IsCompacted.Should().BeFalse();

        var withinGrace = await compactor.RunOnceAsync(_scenario.Store, now.AddMinutes(59));
        withinGrace.BlocksDeleted.Should().Be(0);

        var afterGrace = await compactor.RunOnceAsync(_scenario.Store, now.AddMinutes(61));

        afterGrace.BlocksDeleted.Should().Be(1);
        (await ObjectsUnder(BlockPaths.BlockFolder(Tenant, old.BlockId))).Should().BeEmpty();
        (await _scenario.LiveBlocksAsync(Tenant)).Select(b => b.BlockId).Should().Equal(fresh.BlockId);
        var index = await Tempo.Streaming.Blocks.Catalog.TenantIndexBuilder.ReadAsync(_scenario.Store, Tenant);
        index!.CompactedMetas.Should().BeEmpty();
        index.Metas.Select(m => m.BlockId).Should().Equal(fresh.BlockId);
    }

    [Fact]
    public async Task Compaction_inputs_are_deleted_once_the_compacted_retention_has_passed()
    {
        var now = CompactionScenario.Now;
        var inputs = await _scenario.WriteInputsAsync(Tenant, 0, 0, 2, 10, now.AddHours(-2));
        var compactor = new Compactor(new CompactorOptions { CompactedBlockRetention = TimeSpan.FromMinutes(10) });
        await compactor.RunOnceAsync(_scenario.Store, now);

        var summary = await compactor.RunOnceAsync(_scenario.Store, now.AddMinutes(11));

        summary.BlocksDeleted.Should().Be(2);
        foreach (var input in inputs.Blocks)
        {
            (await ObjectsUnder(BlockPaths.BlockFolder(Tenant, input.BlockId))).Should().BeEmpty();
        }
        SpanKey.Sorted(await _scenario.LiveSpansAsync(Tenant)).Should().Equal(SpanKey.Sorted(inputs.Spans.Keys));
    }

    [Fact]
    public async Task A_delete_interrupted_part_way_keeps_the_compacted_meta_and_is_finished_by_the_next_run()
    {
        var now = CompactionScenario.Now;
        var old = (await _scenario.WriteInputsAsync(Tenant, 0, 0, 1, 5, now - TimeSpan.FromDays(20))).Blocks[0];
        await new Compactor().RunOnceAsync(_scenario.Store, now);
        var crashing = new CrashingObjectStore(_scenario.Store,
            (op, key) => op == "delete" && key == BlockPaths.Index(Tenant, old.BlockId));

        var crashed = () => new Compactor().RunOnceAsync(crashing, now.AddHours(2), crashing.Token);

        await crashed.Should().ThrowAsync<OperationCanceledException>();
        var leftAfterCrash = await ObjectsUnder(BlockPaths.BlockFolder(Tenant, old.BlockId));
        leftAfterCrash.Should().Contain(BlockPaths.CompactedMeta(Tenant, old.BlockId)).And.Contain(BlockPaths.Index(Tenant, old.BlockId));
        (await _scenario.EntryAsync(Tenant, old.BlockId)).IsCompacted.Should().BeTrue();

        var rerun = await new Compactor().RunOnceAsync(_scenario.Store, now.AddHours(2));

        rerun.BlocksDeleted.Should().Be(1);
        (await ObjectsUnder(BlockPaths.BlockFolder(Tenant, old.BlockId))).Should().BeEmpty();
    }

    private async Task<List<string>> ObjectsUnder(string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in _scenario.Store.ListAsync(prefix))
        {
            keys.Add(key);
        }
        return keys;
    }
}
