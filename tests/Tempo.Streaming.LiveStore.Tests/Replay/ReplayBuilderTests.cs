using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Flushing;
using Tempo.Streaming.LiveStore.Replay;
using static Tempo.Streaming.LiveStore.Tests.TestTraces;

namespace Tempo.Streaming.LiveStore.Tests.Replay;

/// <summary>
/// Replay against the live flush it must reproduce: a real embedded log, a real live store cutting blocks into a real
/// local backend, then blocks rebuilt from the same log by <see cref="ReplayBlockBuilder"/>.
/// </summary>
public sealed class ReplayBuilderTests
{
    private const string TenantA = "team-a";
    private const string TenantB = "team-b";

    /// <summary>Two tenants, traces split across records, a record with two traces, and an undecodable record.</summary>
    private static IngestRecord[] MixedRecords() =>
    [
        Record(TenantA, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1, attributes: ("http.route", Str("/cart")))))),
        Record(TenantB, (TraceId(2), Fragment("api", NewSpan(TraceId(2), 2)))),
        RawRecord(TenantA, [0xFF, 0xFF, 0xFF]),
        Record(TenantA, (TraceId(1), Fragment("db", NewSpan(TraceId(1), 3, parent: 1, attributes: ("db.system", Str("pg"))))),
            (TraceId(4), Fragment("api", NewSpan(TraceId(4), 4)))),
        Record(TenantB, (TraceId(2), Fragment("db", NewSpan(TraceId(2), 5, parent: 2)))),
    ];

    [Fact]
    public async Task A_deleted_block_replayed_with_its_recorded_range_comes_back_with_the_same_id_and_identical_bytes()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, MixedRecords());
        FlushResult flushed;
        await using (var store = await fixture.OpenStoreAsync(writer: new BlockWriter(backend)))
        {
            await fixture.CaughtUpAsync(store);
            flushed = (await store.FlushAsync(CancellationToken.None)).Single();
        }
        var blockA = flushed.Blocks.Single(b => b.TenantId == TenantA);
        var originalData = await backend.GetAsync(BlockPaths.Data(TenantA, blockA.BlockId));
        var originalIndex = await backend.GetAsync(BlockPaths.Index(TenantA, blockA.BlockId));
        await DeleteBlockAsync(backend, TenantA, blockA.BlockId);

        var (results, written) = await ReplayAsync(fixture, backend, force: true);

        var range = results.Should().ContainSingle().Subject;
        range.Range.Should().Be(new FlushRange(0, 0, 4));
        range.Records.Should().Be(5);
        range.SkippedRecords.Should().Be(1);
        range.Blocks.Should().Equal(
            new ReplayedBlock(TenantA, blockA.BlockId, ReplayedBlockOutcome.Written, 3),
            new ReplayedBlock(TenantB, flushed.Blocks.Single(b => b.TenantId == TenantB).BlockId, ReplayedBlockOutcome.Existed, 2));
        written.Should().Equal(blockA.BlockId);
        (await ListAsync(backend)).Should().BeEquivalentTo(flushed.Blocks.Select(b => b.BlockId), "the same IDs, no other block");
        (await backend.GetAsync(BlockPaths.Data(TenantA, blockA.BlockId))).Should().Equal(originalData, "data.parquet is byte-identical");
        (await backend.GetAsync(BlockPaths.Index(TenantA, blockA.BlockId))).Should().Equal(originalIndex);
        var replayed = await BlockReader.OpenAsync(backend, TenantA, blockA.BlockId);
        replayed.Meta.Ingest.Should().Be(blockA.Ingest, "same lineage: records in the range, spans of the tenant");
    }

    [Fact]
    public async Task Replaying_twice_writes_no_new_block_and_without_force_covered_ranges_are_skipped()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, MixedRecords());
        await using (var store = await fixture.OpenStoreAsync(writer: new BlockWriter(backend)))
        {
            await fixture.CaughtUpAsync(store);
            await store.FlushAsync(CancellationToken.None);
        }
        var before = await ListAsync(backend);

        var (unforced, _) = await ReplayAsync(fixture, backend, force: false);
        var (forced1, _) = await ReplayAsync(fixture, backend, force: true);
        var (forced2, _) = await ReplayAsync(fixture, backend, force: true);

        unforced.Should().BeEmpty("the flushed range is covered");
        forced1.Concat(forced2).SelectMany(r => r.Blocks).Should().OnlyContain(b => b.Outcome == ReplayedBlockOutcome.Existed);
        (await ListAsync(backend)).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task A_replay_killed_between_a_blocks_data_and_its_meta_json_is_finished_by_running_it_again_without_force()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, MixedRecords());
        var (firstRun, _) = await ReplayAsync(fixture, backend, force: false);
        var blockA = firstRun.Single().Blocks.Single(b => b.Tenant == TenantA).BlockId;
        var data = await backend.GetAsync(BlockPaths.Data(TenantA, blockA));
        // the kill point: team-b's block is complete, team-a's data.parquet is uploaded but its meta.json never was
        await backend.DeleteAsync(BlockPaths.Meta(TenantA, blockA));

        var (rerun, written) = await ReplayAsync(fixture, backend, force: false);

        rerun.Single().Blocks.Select(b => (b.Tenant, b.Outcome)).Should().Equal(
            (TenantA, ReplayedBlockOutcome.Written), (TenantB, ReplayedBlockOutcome.Existed));
        written.Should().Equal(blockA);
        (await backend.GetAsync(BlockPaths.Data(TenantA, blockA))).Should().Equal(data);
        (await BlockCatalog.ReadEntryAsync(backend, TenantA, blockA)).Meta.Should().NotBeNull();
    }

    [Fact]
    public async Task A_replay_killed_before_a_tenants_block_left_anything_is_finished_by_running_it_again_with_force()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, MixedRecords());
        await fixture.AppendAsync(0, MixedRecords());
        var maxBlockBytes = MixedRecords().Take(5).Sum(r => (long)r.Value.Length); // two runs: 0-4 and 5-9
        var bounds = await ReplayBounds.ResolveAsync(fixture.Log, 0, null, null, CancellationToken.None);
        var plan = ReplayPlanner.Plan(await LineageCatalog.LoadAsync(backend), fixture.Log.Topic, bounds, force: false, committedOffset: null);
        // the kill point: team-a's block of 0-4 is written, the process dies before team-b's block put anything
        var killed = () => new ReplayBlockBuilder(fixture.Log, new BlockWriter(FailingWritesStore.ForTenant(backend, TenantB))).ReplayAsync(plan, maxBlockBytes);
        await killed.Should().ThrowAsync<IOException>();
        (await ListAsync(backend)).Should().Equal(BlockId.FromLineage(TenantA, fixture.Log.Topic, 0, 0, 4));

        var (rerun, written) = await ReplayAsync(fixture, backend, force: true, maxBlockBytes);

        rerun.Select(r => r.Range).Should().Equal(new FlushRange(0, 0, 4), new FlushRange(0, 5, 9));
        rerun[0].Blocks.Select(b => (b.Tenant, b.Outcome)).Should().Equal((TenantA, ReplayedBlockOutcome.Existed), (TenantB, ReplayedBlockOutcome.Written));
        (await ListAsync(backend)).Should().BeEquivalentTo(
            from range in new[] { (0L, 4L), (5L, 9L) }
            from tenant in new[] { TenantA, TenantB }
            select BlockId.FromLineage(tenant, fixture.Log.Topic, 0, range.Item1, range.Item2),
            "the blocks an uninterrupted replay writes, each once");
        written.Should().HaveCount(3);
    }

    [Fact]
    public async Task A_gap_is_cut_by_max_block_bytes_like_the_live_store_and_a_second_replay_finds_the_same_blocks()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        var records = new IngestRecord[5];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = Record(TenantA, (TraceId(10 + i), Fragment("api", NewSpan(TraceId(10 + i), 10 + i))));
        }
        await fixture.AppendAsync(0, records);
        var maxBlockBytes = 2L * records[0].Value.Length;

        var (first, written) = await ReplayAsync(fixture, backend, force: false, maxBlockBytes);
        var (second, _) = await ReplayAsync(fixture, backend, force: false, maxBlockBytes);

        // the shortest runs reaching the limit, then the rest up to the end (the live store cuts [0,1], [2,3], [4,4] too)
        first.Select(r => r.Range).Should().Equal(new FlushRange(0, 0, 1), new FlushRange(0, 2, 3), new FlushRange(0, 4, 4));
        written.Should().BeEquivalentTo(first.Select(r => BlockId.FromLineage(TenantA, fixture.Log.Topic, 0, r.Range.FirstOffset, r.Range.LastOffset)));
        second.Should().BeEmpty("the replayed blocks now cover the range");
        (await ListAsync(backend)).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_gap_replay_matches_the_blocks_the_live_store_cuts_by_size()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var liveBackend = fixture.Backend();
        var records = new IngestRecord[4];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = Record(i % 2 == 0 ? TenantA : TenantB, (TraceId(20 + i), Fragment("api", NewSpan(TraceId(20 + i), 20 + i))));
        }
        await fixture.AppendAsync(0, records);
        var maxBlockBytes = 2L * records[0].Value.Length;
        var options = fixture.Options(o => o with
        {
            Flush = new BlockFlushOptions { MaxBlockBytes = maxBlockBytes, CheckInterval = TimeSpan.FromMilliseconds(20) },
        });
        var live = new List<BlockMeta>();
        await using (var store = await fixture.OpenStoreAsync(options, start: false, writer: new BlockWriter(liveBackend)))
        {
            store.BlockWritten = block => { lock (live) live.Add(block); };
            store.Start();
            await Poll.UntilAsync(() => { lock (live) return live.Count == 4; });
        }
        // a second backend inside the fixture's folder (removed with it)
        var replayBackend = new LocalObjectStore(Directory.CreateDirectory(fixture.StorePath + "-replay-blocks").FullName);

        var (results, written) = await ReplayAsync(fixture, replayBackend, force: false, maxBlockBytes);

        results.Select(r => r.Range).Should().Equal(new FlushRange(0, 0, 1), new FlushRange(0, 2, 3));
        written.Should().BeEquivalentTo(live.Select(b => b.BlockId));
        foreach (var block in live)
        {
            (await replayBackend.GetAsync(BlockPaths.Data(block.TenantId, block.BlockId)))
                .Should().Equal(await liveBackend.GetAsync(BlockPaths.Data(block.TenantId, block.BlockId)));
        }
    }

    [Fact]
    public async Task From_and_to_times_resolve_to_the_first_record_at_or_after_from_and_the_last_at_or_before_to()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        for (var i = 0; i < 6; i++)
        {
            // one record a minute from BaseTime
            await fixture.AppendAsync(0, Record(TenantA, (TraceId(30 + i), Fragment("api", NewSpan(TraceId(30 + i), 30 + i)))) with
            {
                Timestamp = BaseTime.AddMinutes(i),
            });
        }

        var bounds = await ReplayBounds.ResolveAsync(fixture.Log, 0, ReplayPosition.AtTime(BaseTime.AddMinutes(1).AddSeconds(30)),
            ReplayPosition.AtTime(BaseTime.AddMinutes(4)), CancellationToken.None);
        var open = await ReplayBounds.ResolveAsync(fixture.Log, 0, ReplayPosition.AtTime(BaseTime.AddMinutes(5)), null, CancellationToken.None);

        bounds.Should().Be(new PartitionBounds(0, 0, 6, 2, 4));
        open.Should().Be(new PartitionBounds(0, 0, 6, 5, 5));
        var plan = ReplayPlanner.Plan(await LineageCatalog.LoadAsync(backend), fixture.Log.Topic, bounds, force: false, committedOffset: null);
        var results = await new ReplayBlockBuilder(fixture.Log, new BlockWriter(backend)).ReplayAsync(plan, 64L << 20);
        results.Should().ContainSingle().Which.Range.Should().Be(new FlushRange(0, 2, 4));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_message_naming_the_problem_and_the_log_bounds_and_nothing_is_written()
    {
        await using var fixture = new LiveStoreFixture(partitions: 2);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, MixedRecords());
        async Task<string> Refused(int partition, ReplayPosition? from, ReplayPosition? to)
        {
            var resolve = () => ReplayBounds.ResolveAsync(fixture.Log, partition, from, to, CancellationToken.None);
            return (await resolve.Should().ThrowAsync<ReplayInputException>()).Which.Message;
        }

        (await Refused(0, ReplayPosition.AtOffset(3), ReplayPosition.AtOffset(1))).Should().Be("--from 3 is after --to 1");
        (await Refused(2, null, null)).Should().Be($"partition 2 does not exist: topic '{fixture.Log.Topic}' has partitions 0 to 1");
        (await Refused(1, null, null)).Should().Contain("partition 1 holds no records");
        (await Refused(0, ReplayPosition.AtOffset(2), ReplayPosition.AtOffset(9))).Should()
            .Be($"topic '{fixture.Log.Topic}' partition 0: offsets 2-9 are outside the log: offset 9 is not written yet (high watermark 5); the log holds offsets 0-4");
        (await Refused(0, ReplayPosition.AtTime(BaseTime.AddDays(1)), null)).Should().Contain("has no record stamped at or after it");
        var builder = new ReplayBlockBuilder(fixture.Log, new BlockWriter(backend));
        var outside = () => builder.BuildAsync(new FlushRange(0, 3, 7));
        (await outside.Should().ThrowAsync<ReplayInputException>()).Which.Message.Should().Contain("offsets 3-7 are outside the log");
        (await ListAsync(backend)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_tenant_whose_other_live_block_holds_the_offsets_gets_no_second_copy()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, MixedRecords());
        // team-a's offsets 0-4 are in a compaction output (another block ID); its cut block of 0-4 was compacted away
        var coverage = new ReplayCoverage();
        var output = Guid.NewGuid();
        coverage.Add(TenantA, output, fixture.Log.Topic, new FlushRange(0, 0, 4));

        var result = await new ReplayBlockBuilder(fixture.Log, new BlockWriter(backend)).BuildAsync(new FlushRange(0, 0, 4), coverage);

        result.Blocks.Select(b => (b.Tenant, b.Outcome)).Should().Equal((TenantA, ReplayedBlockOutcome.CoveredByTenant), (TenantB, ReplayedBlockOutcome.Written));
        (await ListAsync(backend)).Should().Equal(BlockId.FromLineage(TenantB, fixture.Log.Topic, 0, 0, 4));
        coverage.CoveredByOtherBlock(TenantB, Guid.NewGuid(), fixture.Log.Topic, new FlushRange(0, 4, 9)).Should().BeTrue("written blocks join the coverage");
    }

    private static async Task<(IReadOnlyList<ReplayRangeResult> Results, List<Guid> Written)> ReplayAsync(LiveStoreFixture fixture, IObjectStore backend,
        bool force, long maxBlockBytes = 64L << 20)
    {
        var bounds = await ReplayBounds.ResolveAsync(fixture.Log, 0, null, null, CancellationToken.None);
        var inventory = await LineageCatalog.LoadAsync(backend);
        var plan = ReplayPlanner.Plan(inventory, fixture.Log.Topic, bounds, force, committedOffset: null);
        var results = await new ReplayBlockBuilder(fixture.Log, new BlockWriter(backend))
            .ReplayAsync(plan, maxBlockBytes, ReplayCoverage.FromInventory(inventory));
        var written = results.SelectMany(r => r.Blocks).Where(b => b.Outcome == ReplayedBlockOutcome.Written).Select(b => b.BlockId).ToList();
        return (results, written);
    }

    private static async Task<List<Guid>> ListAsync(IObjectStore backend)
    {
        var blocks = new List<Guid>();
        await foreach (var tenant in BlockCatalog.ListTenantsAsync(backend))
        {
            await foreach (var entry in BlockCatalog.ListBlocksAsync(backend, tenant))
            {
                blocks.Add(entry.BlockId);
            }
        }
        return blocks;
    }

    private static async Task DeleteBlockAsync(IObjectStore backend, string tenant, Guid blockId)
    {
        var keys = new List<string>();
        await foreach (var key in backend.ListAsync(BlockPaths.BlockFolder(tenant, blockId)))
        {
            keys.Add(key);
        }
        keys.Should().NotBeEmpty();
        foreach (var key in keys)
        {
            await backend.DeleteAsync(key);
        }
    }
}
