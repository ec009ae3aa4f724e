using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Flushing;
using Tempo.Streaming.LiveStore.Storage;
using static Tempo.Streaming.LiveStore.Tests.TestTraces;

namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>The live store's block cut against a real RocksDB, a real embedded log and a real local backend.</summary>
public sealed class FlushTests
{
    private const string TenantA = "team-a";
    private const string TenantB = "team-b";

    [Fact]
    public async Task Flush_cuts_one_block_per_tenant_named_by_its_lineage_holding_every_span_of_the_range()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1)))));
        await fixture.AppendAsync(0, Record(TenantB, (TraceId(2), Fragment("api", NewSpan(TraceId(2), 2)))),
            Record(TenantA, (TraceId(1), Fragment("db", NewSpan(TraceId(1), 3, parent: 1))), (TraceId(4), Fragment("api", NewSpan(TraceId(4), 4)))));
        await using var store = await fixture.OpenStoreAsync(writer: new BlockWriter(backend));
        await fixture.CaughtUpAsync(store);

        var results = await store.FlushAsync(CancellationToken.None);

        var result = results.Should().ContainSingle().Subject;
        result.Range.Should().Be(new FlushRange(0, 0, 2));
        result.Records.Should().Be(3);
        result.Blocks.Select(b => (b.TenantId, b.BlockId)).Should().BeEquivalentTo([
            (TenantA, BlockId.FromLineage(TenantA, fixture.Log.Topic, 0, 0, 2)),
            (TenantB, BlockId.FromLineage(TenantB, fixture.Log.Topic, 0, 0, 2))]);
        var blockA = await BlockReader.OpenAsync(backend, TenantA, BlockId.FromLineage(TenantA, fixture.Log.Topic, 0, 0, 2));
        blockA.Meta.Ingest.Should().Be(new IngestLineage(fixture.Log.Topic, 0, 0, 2, 3, 3));
        SpanCount(await blockA.FindTraceByIdAsync(TraceId(1))).Should().Be(2);
        SpanCount(await blockA.FindTraceByIdAsync(TraceId(4))).Should().Be(1);
        (await blockA.FindTraceByIdAsync(TraceId(2))).Should().BeNull("team-b's trace is in team-b's block only");
        (await fixture.Log.GetCommittedAsync(store.ConsumerGroup, 0, CancellationToken.None)).Should().Be(3);
    }

    [Fact]
    public async Task The_next_range_starts_after_the_last_one_and_a_flush_without_new_records_cuts_nothing()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1)))));
        await using var store = await fixture.OpenStoreAsync(writer: new BlockWriter(backend));
        await fixture.CaughtUpAsync(store);
        (await store.FlushAsync(CancellationToken.None)).Should().ContainSingle();

        (await store.FlushAsync(CancellationToken.None)).Should().BeEmpty();

        await fixture.AppendAsync(0, Record(TenantA, (TraceId(1), Fragment("db", NewSpan(TraceId(1), 2, parent: 1)))));
        await fixture.CaughtUpAsync(store);
        var second = (await store.FlushAsync(CancellationToken.None)).Should().ContainSingle().Subject;
        second.Range.Should().Be(new FlushRange(0, 1, 1));
        var block = await BlockReader.OpenAsync(backend, TenantA, second.Blocks.Single().BlockId);
        SpanCount(await block.FindTraceByIdAsync(TraceId(1))).Should().Be(1, "the first span went into the first range's block");
    }

    [Fact]
    public async Task A_cut_interrupted_by_a_crash_resumes_the_same_range_after_a_restart_and_writes_each_block_once()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1)))),
            Record(TenantB, (TraceId(2), Fragment("api", NewSpan(TraceId(2), 2)))));
        await using (var store = await fixture.OpenStoreAsync(writer: new BlockWriter(FailingWritesStore.BeforeMeta(backend, TenantB))))
        {
            await fixture.CaughtUpAsync(store);
            var crash = () => store.FlushAsync(CancellationToken.None);
            await crash.Should().ThrowAsync<IOException>();
        }
        // team-a's block is complete, team-b's has data but no meta.json; records keep arriving meanwhile
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(3), Fragment("api", NewSpan(TraceId(3), 3)))));

        await using var restarted = await fixture.OpenStoreAsync(writer: new BlockWriter(backend));
        await fixture.CaughtUpAsync(restarted);
        var results = await restarted.FlushAsync(CancellationToken.None);

        results.Select(r => r.Range).Should().Equal(new FlushRange(0, 0, 1), new FlushRange(0, 2, 2));
        var blocks = new List<Guid>();
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            await foreach (var entry in Tempo.Streaming.Blocks.Catalog.BlockCatalog.ListBlocksAsync(backend, tenant))
            {
                entry.Meta.Should().NotBeNull();
                blocks.Add(entry.BlockId);
            }
        }
        blocks.Should().BeEquivalentTo([
            BlockId.FromLineage(TenantA, fixture.Log.Topic, 0, 0, 1), BlockId.FromLineage(TenantB, fixture.Log.Topic, 0, 0, 1),
            BlockId.FromLineage(TenantA, fixture.Log.Topic, 0, 2, 2)]);
    }

    [Fact]
    public async Task The_background_flush_cuts_runs_reaching_max_block_bytes_then_the_rest_once_it_is_older_than_max_block_duration()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        var records = new IngestRecord[5];
        for (var i = 0; i < records.Length; i++)
        {
            // all five the same size; their log timestamp (BaseTime) is hours before now
            records[i] = Record(TenantA, (TraceId(10 + i), Fragment("api", NewSpan(TraceId(10 + i), 10 + i))));
        }
        await fixture.AppendAsync(0, records);
        var options = fixture.Options(o => o with
        {
            Flush = new BlockFlushOptions { MaxBlockBytes = 2 * records[0].Value.Length, CheckInterval = TimeSpan.FromMilliseconds(20) },
        });
        var written = new List<BlockMeta>();
        await using var store = await fixture.OpenStoreAsync(options, start: false, writer: new BlockWriter(backend));
        store.BlockWritten = block => { lock (written) written.Add(block); };
        store.Start();

        await Poll.UntilAsync(() => { lock (written) return written.Count == 3; });

        lock (written)
        {
            // the size limit cuts at record boundaries; the last record alone is below it and goes by age
            written.Select(b => (b.Ingest!.FirstOffset, b.Ingest.LastOffset)).Should().Equal((0L, 1L), (2L, 3L), (4L, 4L));
        }
        (await store.FlushAsync(CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task Partitions_that_each_owe_several_blocks_take_turns()
    {
        await using var fixture = new LiveStoreFixture(partitions: 2);
        var backend = fixture.Backend();
        var smallest = int.MaxValue;
        for (var partition = 0; partition < 2; partition++)
        {
            var records = new IngestRecord[3];
            for (var i = 0; i < records.Length; i++)
            {
                var id = 100 + 10 * partition + i;
                records[i] = Record(TenantA, (TraceId(id), Fragment("api", NewSpan(TraceId(id), id))));
                smallest = Math.Min(smallest, records[i].Value.Length);
            }
            await fixture.AppendAsync(partition, records);
        }
        // Every record is a block of its own by size; the first flush check comes after both partitions are consumed.
        // One cut at a time, so the order of the turns is observable.
        var options = fixture.Options(o => o with
        {
            Flush = new BlockFlushOptions { MaxBlockBytes = smallest, CheckInterval = TimeSpan.FromSeconds(2), ConcurrentFlushes = 1 },
        });
        var written = new List<BlockMeta>();
        await using var store = await fixture.OpenStoreAsync(options, writer: new BlockWriter(backend));
        store.BlockWritten = block => { lock (written) written.Add(block); };
        await fixture.CaughtUpAsync(store);

        await Poll.UntilAsync(() => { lock (written) return written.Count == 6; });

        lock (written)
        {
            written.Select(b => (b.Ingest!.Partition, b.Ingest.FirstOffset)).Should().Equal(
                [(0, 0L), (1, 0L), (0, 1L), (1, 1L), (0, 2L), (1, 2L)], "one cut per partition per round, not one partition until it is caught up");
        }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(1, 1)]
    public async Task Partitions_cut_side_by_side_up_to_concurrent_flushes(int concurrentFlushes, int mostAtOnce)
    {
        await using var fixture = new LiveStoreFixture(partitions: 2);
        for (var partition = 0; partition < 2; partition++)
        {
            var id = 200 + partition;
            await fixture.AppendAsync(partition, Record(TenantA, (TraceId(id), Fragment("api", NewSpan(TraceId(id), id)))));
        }
        // Each block's meta.json waits until both cuts reach theirs: only cuts under way together can meet there.
        var backend = new MeetingMetaWritesStore(fixture.Backend(), expected: 2, patience: TimeSpan.FromSeconds(3));
        var options = fixture.Options(o => o with
        {
            Flush = new BlockFlushOptions { MaxBlockDuration = TimeSpan.FromMilliseconds(1), CheckInterval = TimeSpan.FromSeconds(2), ConcurrentFlushes = concurrentFlushes },
        });
        var written = new List<BlockMeta>();
        await using var store = await fixture.OpenStoreAsync(options, writer: new BlockWriter(backend));
        store.BlockWritten = block => { lock (written) written.Add(block); };
        await fixture.CaughtUpAsync(store);

        await Poll.UntilAsync(() => { lock (written) return written.Count == 2; });

        backend.MostWaitingAtOnce.Should().Be(mostAtOnce);
        lock (written)
        {
            written.Select(b => b.Ingest!.Partition).Should().BeEquivalentTo([0, 1]);
        }
    }

    [Fact]
    public async Task A_compaction_gate_is_held_while_the_flush_loop_cuts()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(300), Fragment("api", NewSpan(TraceId(300), 300)))));
        // The block's meta.json waits 2 s for a partner that never comes: the cut is observably under way meanwhile.
        var backend = new MeetingMetaWritesStore(fixture.Backend(), expected: 2, patience: TimeSpan.FromSeconds(2));
        var options = fixture.Options(o => o with
        {
            Flush = new BlockFlushOptions { MaxBlockDuration = TimeSpan.FromMilliseconds(1), CheckInterval = TimeSpan.FromMilliseconds(50) },
        });
        var gate = new Tempo.Streaming.Blocks.Compaction.CompactionGate();
        var written = 0;
        await using var store = await fixture.OpenStoreAsync(options, start: false, writer: new BlockWriter(backend));
        store.CompactionGate = gate;
        store.BlockWritten = _ => Interlocked.Increment(ref written);
        store.Start();

        await Poll.UntilAsync(() => backend.MostWaitingAtOnce == 1);
        gate.IsOpen.Should().BeFalse("a compaction in this process waits while the store cuts");

        await Poll.UntilAsync(() => Volatile.Read(ref written) == 1);
        await Poll.UntilAsync(() => gate.IsOpen);
    }

    [Fact]
    public async Task A_flushed_range_leaves_the_live_store_after_complete_block_timeout_and_stays_in_its_block()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1)))) with { Timestamp = DateTimeOffset.UtcNow });
        var options = fixture.Options(o => o with
        {
            Flush = new BlockFlushOptions { CompleteBlockTimeout = TimeSpan.Zero, CheckInterval = TimeSpan.FromMilliseconds(20) },
        });
        await using var store = await fixture.OpenStoreAsync(options, writer: new BlockWriter(backend));
        await fixture.CaughtUpAsync(store);
        (await store.FindTraceAsync(TenantA, TraceId(1), QueryWindow.All, CancellationToken.None)).Fragments.Should().ContainSingle();

        var block = (await store.FlushAsync(CancellationToken.None)).Single().Blocks.Single();

        await Poll.UntilAsync(async () => (await store.FindTraceAsync(TenantA, TraceId(1), QueryWindow.All, CancellationToken.None)).Fragments.Count == 0);
        var reader = await BlockReader.OpenAsync(backend, TenantA, block.BlockId);
        SpanCount(await reader.FindTraceByIdAsync(TraceId(1))).Should().Be(1);
        // a later fragment of the same trace is stored and found again
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(1), Fragment("db", NewSpan(TraceId(1), 2, parent: 1)))) with { Timestamp = DateTimeOffset.UtcNow });
        await fixture.CaughtUpAsync(store);
        SpanIds((await store.FindTraceAsync(TenantA, TraceId(1), QueryWindow.All, CancellationToken.None)).Fragments)
            .Should().Equal(Convert.ToHexStringLower(SpanId(2)));
    }

    [Fact]
    public async Task A_range_whose_records_hold_no_span_is_flushed_without_a_block()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, RawRecord(TenantA, [0xFF, 0xFF, 0xFF]));
        await using var store = await fixture.OpenStoreAsync(writer: new BlockWriter(backend));
        await fixture.CaughtUpAsync(store);

        var result = (await store.FlushAsync(CancellationToken.None)).Should().ContainSingle().Subject;

        result.Range.Should().Be(new FlushRange(0, 0, 0));
        result.Blocks.Should().BeEmpty();
        (await fixture.Log.GetCommittedAsync(store.ConsumerGroup, 0, CancellationToken.None)).Should().Be(1);
        (await store.FlushAsync(CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_flushed_offset_the_group_never_got_is_committed_when_the_store_opens_again()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        await fixture.AppendAsync(0, Record(TenantA, (TraceId(1), Fragment("api", NewSpan(TraceId(1), 1)))),
            Record(TenantA, (TraceId(2), Fragment("api", NewSpan(TraceId(2), 2)))));
        var options = fixture.Options();
        await using (var store = await LiveTraceStore.OpenAsync(options, new FailingCommitsLog(fixture.Log), NullLogger.Instance, null,
            CancellationToken.None, new BlockWriter(backend)))
        {
            store.Start();
            await fixture.CaughtUpAsync(store);
            (await store.FlushAsync(CancellationToken.None)).Should().ContainSingle().Which.Range.Should().Be(new FlushRange(0, 0, 1));
        }
        (await fixture.Log.GetCommittedAsync(options.ConsumerGroup, 0, CancellationToken.None)).Should().BeNull("the commit after the cut failed");

        // Nothing new to cut: only the open itself can commit the flushed offset.
        await using var reopened = await fixture.OpenStoreAsync(options, start: false, writer: new BlockWriter(backend));

        (await fixture.Log.GetCommittedAsync(options.ConsumerGroup, 0, CancellationToken.None)).Should().Be(2);
    }

    [Theory]
    [InlineData(64L << 20)] // the whole range stays in memory between the cut's passes
    [InlineData(400_000)]   // the first pass gives up in a later read batch
    [InlineData(2_000)]     // the first pass gives up part way, inside a trace
    public async Task A_cut_writes_the_same_block_whether_its_fragments_stay_in_memory_between_passes_or_are_read_again(long maxBlockBytes)
    {
        var expected = await CutManyTracesAsync(maxBlockBytes: 1); // nothing stays: every pass reads RocksDB

        var cut = await CutManyTracesAsync(maxBlockBytes);

        cut.Ingest.Should().Be(expected.Ingest, "the ledger counted the same spans");
        cut.DedicatedColumns.Should().Be(expected.DedicatedColumns, "the sample saw the same traces");
        cut.Data.Should().Equal(expected.Data);
    }

    /// <summary>
    /// Forces one cut of 100 records (600 fragments: several read batches; traces split across records, one trace in several fragments of one record, and
    /// fragments up to a few kilobytes) under <paramref name="maxBlockBytes"/>, whose double is the cut's memory budget;
    /// returns the block's lineage (with the ledger's span count), dedicated columns and data.parquet.
    /// </summary>
    private static async Task<(IngestLineage? Ingest, string DedicatedColumns, byte[] Data)> CutManyTracesAsync(long maxBlockBytes)
    {
        const int Records = 100;
        await using var fixture = new LiveStoreFixture(partitions: 1);
        var backend = fixture.Backend();
        var spanNumber = await AppendSplitTracesAsync(fixture, Records);
        var options = fixture.Options(o => o with { Flush = new BlockFlushOptions { MaxBlockBytes = maxBlockBytes, CheckInterval = TimeSpan.FromHours(1) } });
        // Automatic dedicated columns make the writer read the groups three times (exact survey, sample, rows); without
        // them it reads once and keeps nothing.
        var writer = new BlockWriter(backend, new BlockWriterOptions { AutoDedicatedColumns = true });
        writer.ReadsGroupsOnce.Should().BeFalse();
        await using var store = await fixture.OpenStoreAsync(options, writer: writer);
        await fixture.CaughtUpAsync(store);

        var result = (await store.FlushAsync(CancellationToken.None)).Should().ContainSingle().Subject;

        result.Range.Should().Be(new FlushRange(0, 0, Records - 1));
        var block = result.Blocks.Should().ContainSingle().Subject;
        block.TotalObjects.Should().Be(60);
        block.Ingest!.Spans.Should().Be(spanNumber + Enumerable.Range(0, Records).Sum(record => 1 + record % 9), "every fragment's spans, the repeated ones too");
        return (block.Ingest, string.Join(",", block.DedicatedColumns.Select(c => $"{c.Scope}/{c.Name}")),
            await backend.GetAsync(BlockPaths.Data(TenantA, block.BlockId)));
    }

    /// <summary>
    /// <paramref name="records"/> records of 60 traces split across them (5 fragments of up to 9 spans each, names up to
    /// 300 bytes, and the first fragment again: one trace twice in one record); returns the spans appended.
    /// </summary>
    private static async Task<int> AppendSplitTracesAsync(LiveStoreFixture fixture, int records)
    {
        var spanNumber = 0;
        for (var record = 0; record < records; record++)
        {
            var fragments = new List<(byte[], Tempo.Streaming.Tempopb.Trace)>();
            for (var trace = 0; trace < 5; trace++)
            {
                var traceNumber = (record * 7 + trace * 13) % 60 + 1;
                var spans = Enumerable.Range(0, 1 + (record + trace) % 9)
                    .Select(_ => NewSpan(TraceId(traceNumber), ++spanNumber, name: new string('x', spanNumber % 300)))
                    .ToArray();
                fragments.Add((TraceId(traceNumber), Fragment($"svc-{trace}", spans)));
            }
            fragments.Add(fragments[0]); // the same trace twice in one record: two fragments, deduplicated in the block
            await fixture.AppendAsync(0, Record(TenantA, [.. fragments]));
        }
        return spanNumber;
    }

    [Theory]
    [InlineData(0)]         // nothing kept: every pass reads RocksDB, a batch at a time
    [InlineData(4_000)]     // the first pass gives up inside its first read batch
    [InlineData(400_000)]   // ... in a later read batch
    [InlineData(64L << 20)] // everything kept: the second pass reads memory
    public async Task The_ledger_groups_hand_out_every_fragment_as_stored_in_every_pass_whatever_the_budget(long retainBudgetBytes)
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        await AppendSplitTracesAsync(fixture, records: 100);
        await using (var store = await fixture.OpenStoreAsync())
        {
            await fixture.CaughtUpAsync(store);
        }
        using var db = LiveStoreDatabase.Open(fixture.StorePath, blockCacheBytes: 8 << 20, memtableBudgetBytes: 0);
        var fragments = new RangeLedger(db).Fragments(new FlushRange(0, 0, 99));
        fragments.Should().HaveCount(600);
        // What each group must hold: its ledger fragments, in order, as point lookups read them.
        var expected = fragments
            .Select((fragment, logOrder) => (fragment, logOrder))
            .OrderBy(f => Convert.ToHexString(f.fragment.TraceId), StringComparer.Ordinal).ThenBy(f => f.logOrder)
            .GroupBy(f => Convert.ToHexString(f.fragment.TraceId))
            .Select(g => g.Key + ":" + string.Join(",", g.Select(f => Convert.ToHexString(db.Db.Get(db.Traces,
                FragmentKey(f.fragment))!))))
            .ToList();
        expected.Should().HaveCount(60);

        using var groups = new LedgerTraceGroups(db, 0, fragments, retainBudgetBytes, new ArenaChunkPool(8));
        for (var pass = 0; pass < 2; pass++)
        {
            groups.EncodedGroups()
                .Select(g => Convert.ToHexString(g.TraceId.Span) + ":" + string.Join(",", g.Fragments.Select(f => Convert.ToHexString(f.Span))))
                .Should().Equal(expected, $"pass {pass + 1}");
        }
    }

    private static byte[] FragmentKey(LedgerFragment fragment)
    {
        var key = new byte[fragment.TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength];
        LiveStoreKeys.WriteFragmentKey(key, fragment.TenantPrefix, fragment.TraceId, partition: 0, fragment.Offset, fragment.Index);
        return key;
    }

    [Fact]
    public async Task A_store_without_a_backend_refuses_to_flush()
    {
        await using var fixture = new LiveStoreFixture(partitions: 1);
        await using var store = await fixture.OpenStoreAsync();

        var flush = () => store.FlushAsync(CancellationToken.None);

        await flush.Should().ThrowAsync<InvalidOperationException>().WithMessage("*does not write blocks*");
    }

    private static int SpanCount(Tempo.Streaming.Tempopb.Trace? trace) =>
        trace?.ResourceSpans.Sum(rs => rs.ScopeSpans.Sum(ss => ss.Spans.Count)) ?? 0;
}
