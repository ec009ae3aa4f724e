using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Lineage;

/// <summary>The audit's semantics (<see cref="LineageAudit"/>) on hand-built block lists: no backend, exact ranges.</summary>
public sealed class LineageAuditTests
{
    private const string Topic = "tempo-ingest";

    /// <summary>A block cut by a live-store flush: one tenant, one range, the deterministic ID.</summary>
    internal static LineageBlock Cut(string tenant, int partition, long first, long last) =>
        LineageBlock.FromMeta(new BlockMeta
        {
            BlockId = BlockId.FromLineage(tenant, Topic, partition, first, last),
            TenantId = tenant,
            Ingest = new IngestLineage(Topic, partition, first, last, last - first + 1, 10),
        }, compacted: false);

    /// <summary>A compaction output of <paramref name="inputs"/> (one tenant): a new ID, the union of the inputs' ranges.</summary>
    private static LineageBlock Merge(params LineageBlock[] inputs) =>
        LineageBlock.FromMeta(new BlockMeta
        {
            BlockId = Guid.NewGuid(),
            TenantId = inputs[0].Tenant,
            CompactionLevel = 1,
            IngestRanges = inputs.SelectMany(b => b.Ranges).ToList(),
        }, compacted: false);

    private static LineageBlock Compacted(LineageBlock block) => block with { Compacted = true };

    private static PartitionOffsets Offsets(int partition = 0, long? committed = null, long? flushed = null, long? high = null,
        long? logStart = null, params OffsetRange[] empty) =>
        new(Topic, partition) { CommittedOffset = committed, FlushedOffset = flushed, HighWatermark = high, LogStartOffset = logStart, EmptyRanges = empty };

    private static LineageReport Audit(IEnumerable<LineageBlock> blocks, params PartitionOffsets[] offsets) =>
        LineageAudit.Run(new LineageInventory(blocks.ToList(), []), offsets);

    private static LineageBlockRef Live(LineageBlock block) => new(block.Tenant, block.BlockId, false);

    [Fact]
    public void Adjacent_flushes_of_several_tenants_cover_the_partition_without_gaps()
    {
        var a1 = Cut("a", 0, 0, 99);
        var b1 = Cut("b", 0, 0, 99);
        var a2 = Cut("a", 0, 100, 199);

        var report = Audit([a2, b1, a1], Offsets(committed: 200, flushed: 200, high: 200));

        report.Healthy.Should().BeTrue();
        var partition = report.Partitions.Should().ContainSingle().Subject;
        partition.Audited.Should().Be(new OffsetRange(0, 199));
        partition.Gaps.Should().BeEmpty();
        partition.Overlaps.Should().BeEmpty();
        partition.NotYetFlushed.Should().BeNull();
        partition.Covered.Should().HaveCount(2);
        partition.Covered[0].Should().BeEquivalentTo(new CoveredRange(0, 99, false, [Live(a1), Live(b1)], 0), o => o.WithStrictOrdering());
        partition.Covered[1].Should().BeEquivalentTo(new CoveredRange(100, 199, false, [Live(a2)], 0));
    }

    [Fact]
    public void A_range_no_block_covers_below_the_flushed_offset_is_a_gap()
    {
        var report = Audit([Cut("a", 0, 0, 99), Cut("a", 0, 200, 299)], Offsets(flushed: 300));

        report.Healthy.Should().BeFalse();
        report.Partitions[0].Gaps.Should().ContainSingle().Which.Should().BeEquivalentTo(new LineageGap(100, 199, []));
    }

    [Fact]
    public void Without_offsets_only_holes_between_blocks_are_gaps()
    {
        var report = Audit([Cut("a", 0, 100, 199), Cut("a", 0, 300, 399)]);

        var partition = report.Partitions.Should().ContainSingle().Subject;
        partition.Audited.Should().Be(new OffsetRange(100, 399));
        partition.Gaps.Should().ContainSingle().Which.Should().BeEquivalentTo(new LineageGap(200, 299, []));
        partition.NotYetFlushed.Should().BeNull();
    }

    [Fact]
    public void Two_live_blocks_of_one_tenant_over_the_same_offsets_overlap()
    {
        var first = Cut("a", 0, 0, 99);
        var recut = Cut("a", 0, 50, 149);

        var report = Audit([first, recut], Offsets(flushed: 150));

        report.Healthy.Should().BeFalse();
        var overlap = report.Partitions[0].Overlaps.Should().ContainSingle().Subject;
        overlap.Tenant.Should().Be("a");
        (overlap.FirstOffset, overlap.LastOffset).Should().Be((50L, 99L));
        overlap.BlockIds.Should().BeEquivalentTo([first.BlockId, recut.BlockId]);
        report.Partitions[0].Gaps.Should().BeEmpty();
    }

    [Fact]
    public void Different_tenants_over_the_same_range_are_normal()
    {
        var report = Audit([Cut("a", 0, 0, 99), Cut("b", 0, 0, 99), Cut("c", 0, 0, 99)], Offsets(committed: 100));

        report.Healthy.Should().BeTrue();
        report.Partitions[0].Covered.Should().ContainSingle().Which.Blocks.Should().HaveCount(3);
    }

    [Fact]
    public void A_compaction_output_covers_its_compacted_inputs()
    {
        var a1 = Cut("a", 0, 0, 99);
        var a2 = Cut("a", 0, 100, 199);
        var output = Merge(a1, a2);

        var report = Audit([Compacted(a1), Compacted(a2), output], Offsets(flushed: 200));

        report.Healthy.Should().BeTrue();
        var covered = report.Partitions[0].Covered;
        covered.Should().HaveCount(2);
        covered[0].Blocks.Should().Equal(Live(output), new LineageBlockRef("a", a1.BlockId, true));
        covered[1].Blocks.Should().Equal(Live(output), new LineageBlockRef("a", a2.BlockId, true));
    }

    [Fact]
    public void Compacted_inputs_without_their_output_leave_a_gap_that_names_them()
    {
        var a1 = Cut("a", 0, 0, 99);
        var a2 = Cut("a", 0, 100, 199);

        var report = Audit([Compacted(a1), Compacted(a2)], Offsets(flushed: 200));

        report.Partitions[0].Gaps.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new LineageGap(0, 199, [new LineageBlockRef("a", a1.BlockId, true), new LineageBlockRef("a", a2.BlockId, true)]),
            o => o.WithStrictOrdering());
    }

    [Fact]
    public void An_output_next_to_an_input_not_yet_marked_compacted_overlaps_it()
    {
        var a1 = Cut("a", 0, 0, 99);
        var a2 = Cut("a", 0, 100, 199);
        var output = Merge(a1, a2);

        // The compactor crashed after writing the output and marking a1, before marking a2.
        var report = Audit([Compacted(a1), a2, output], Offsets(flushed: 200));

        var overlap = report.Partitions[0].Overlaps.Should().ContainSingle().Subject;
        (overlap.FirstOffset, overlap.LastOffset).Should().Be((100L, 199L));
        overlap.BlockIds.Should().BeEquivalentTo([a2.BlockId, output.BlockId]);
    }

    [Fact]
    public void Flushed_ranges_without_spans_are_not_gaps_when_listed_as_empty()
    {
        var blocks = new[] { Cut("a", 0, 0, 99), Cut("a", 0, 150, 199) };

        var withEmpty = Audit(blocks, Offsets(flushed: 200, empty: new OffsetRange(100, 149)));
        var without = Audit(blocks, Offsets(flushed: 200));

        withEmpty.Healthy.Should().BeTrue();
        withEmpty.Partitions[0].Covered.Select(c => (c.FirstOffset, c.LastOffset, c.Empty))
            .Should().Equal((0L, 99L, false), (100L, 149L, true), (150L, 199L, false));
        without.Partitions[0].Gaps.Should().ContainSingle().Which.Should().BeEquivalentTo(new LineageGap(100, 149, []));
    }

    [Fact]
    public void Offsets_at_or_above_the_committed_offset_are_not_yet_flushed_not_gaps()
    {
        // A replayed block ahead of the live store's flush leaves a hole above the committed offset: not a gap.
        var report = Audit([Cut("a", 0, 0, 99), Cut("a", 0, 150, 199)], Offsets(committed: 100, high: 250));

        report.Healthy.Should().BeTrue();
        var partition = report.Partitions[0];
        partition.Audited.Should().Be(new OffsetRange(0, 99));
        partition.NotYetFlushed.Should().Be(new OffsetRange(100, 249));
        partition.Covered.Select(c => c.FirstOffset).Should().Equal(0, 150);
    }

    [Fact]
    public void A_committed_offset_past_the_flushed_one_must_be_backed_by_blocks()
    {
        var report = Audit([Cut("a", 0, 0, 99)], Offsets(committed: 200, flushed: 100));

        report.Partitions[0].Gaps.Should().ContainSingle().Which.Should().BeEquivalentTo(new LineageGap(100, 199, []));
    }

    [Fact]
    public void Records_still_in_the_log_before_the_first_block_are_a_gap_older_ones_are_history()
    {
        var blocks = new[] { Cut("a", 0, 100, 199) };

        Audit(blocks, Offsets(flushed: 200, logStart: 0)).Partitions[0].Gaps.Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new LineageGap(0, 99, []));
        Audit(blocks, Offsets(flushed: 200, logStart: 150)).Healthy.Should().BeTrue();
        Audit(blocks, Offsets(flushed: 200)).Healthy.Should().BeTrue();
    }

    [Fact]
    public void A_flushed_partition_without_any_block_is_one_gap()
    {
        var report = Audit([], Offsets(partition: 3, committed: 500, high: 600));

        var partition = report.Partitions.Should().ContainSingle().Subject;
        partition.Partition.Should().Be(3);
        partition.Gaps.Should().ContainSingle().Which.Should().BeEquivalentTo(new LineageGap(0, 499, []));
        partition.NotYetFlushed.Should().Be(new OffsetRange(500, 599));
    }

    [Fact]
    public void A_tenant_filter_lists_only_that_tenants_blocks_but_gaps_count_every_tenant()
    {
        var a = Cut("a", 0, 0, 99);
        var b1 = Cut("b", 0, 0, 99);
        var b2 = Cut("b", 0, 100, 199);
        var inventory = new LineageInventory([a, b1, b2, Cut("b", 0, 150, 249)], []);

        var report = LineageAudit.Run(inventory, [Offsets(flushed: 250)], tenant: "a");

        report.Tenant.Should().Be("a");
        report.Healthy.Should().BeTrue("the overlap is tenant b's and b's blocks close a's holes");
        var partition = report.Partitions[0];
        partition.Gaps.Should().BeEmpty();
        partition.Covered.Should().ContainSingle().Which.Should().BeEquivalentTo(new CoveredRange(0, 99, false, [Live(a)], 1));

        LineageAudit.Run(inventory, [Offsets(flushed: 250)], tenant: "b").Partitions[0].Overlaps
            .Should().ContainSingle().Which.Tenant.Should().Be("b");
    }

    [Fact]
    public void A_partition_filter_keeps_one_partition_and_a_block_spanning_partitions_is_audited_in_each()
    {
        var p0 = Cut("a", 0, 0, 99);
        var p1 = Cut("a", 1, 0, 49);
        var output = Merge(p0, p1);
        var inventory = new LineageInventory([Compacted(p0), Compacted(p1), output], []);

        var all = LineageAudit.Run(inventory, [Offsets(0, flushed: 100), Offsets(1, flushed: 50)]);
        var one = LineageAudit.Run(inventory, [Offsets(0, flushed: 100), Offsets(1, flushed: 50)], partition: 1);

        all.Healthy.Should().BeTrue();
        all.Partitions.Select(p => p.Partition).Should().Equal(0, 1);
        one.Partitions.Should().ContainSingle().Which.Covered.Should().ContainSingle()
            .Which.Blocks.Should().Equal(Live(output), new LineageBlockRef("a", p1.BlockId, true));
    }

    [Fact]
    public void A_blocks_own_adjacent_ranges_join()
    {
        var output = Merge(Cut("a", 0, 0, 9), Cut("a", 0, 10, 19), Cut("a", 0, 15, 29));

        var report = Audit([output], Offsets(flushed: 30));

        report.Healthy.Should().BeTrue("a block never overlaps itself");
        report.Partitions[0].Covered.Should().ContainSingle().Which.Should().BeEquivalentTo(new CoveredRange(0, 29, false, [Live(output)], 0));
    }

    [Fact]
    public void Blocks_without_lineage_and_unusable_ones_are_listed_apart()
    {
        var tempoBlock = LineageBlock.FromMeta(new BlockMeta { BlockId = Guid.NewGuid(), TenantId = "a" }, compacted: false);
        var invalid = new LineageBlock("a", Guid.NewGuid(), false, [new IngestLineage(Topic, 0, 10, 5, 0, 0)]);
        var inventory = LineageCatalog.FromEntries(
        [
            new CatalogEntry("a", tempoBlock.BlockId, new BlockMeta { BlockId = tempoBlock.BlockId, TenantId = "a" }, null, null),
            new CatalogEntry("a", Guid.NewGuid(), null, null, "a/x/ has no meta.json: the block was not completely written"),
        ]);

        var report = LineageAudit.Run(inventory with { Blocks = [.. inventory.Blocks, invalid] }, []);

        report.Partitions.Should().BeEmpty();
        report.Healthy.Should().BeTrue();
        report.BlocksWithoutLineage.Should().Equal(Live(tempoBlock));
        report.UnreadableBlocks.Should().HaveCount(2);
        report.UnreadableBlocks.Should().Contain(u => u.BlockId == invalid.BlockId && u.Problem.Contains("10-5 is not a valid range"));
    }

    [Fact]
    public void Offsets_given_twice_for_one_partition_are_rejected()
    {
        var act = () => Audit([], Offsets(committed: 1), Offsets(flushed: 2));

        act.Should().Throw<ArgumentException>().WithMessage("*topic 'tempo-ingest' partition 0*given twice*");
    }
}
