using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.LiveStore.Replay;
using static Tempo.Streaming.LiveStore.Replay.ReplaySegmentKind;

namespace Tempo.Streaming.LiveStore.Tests.Replay;

/// <summary>How <see cref="ReplayPlanner"/> splits requested offsets by the lineage blocks record.</summary>
public sealed class ReplayPlannerTests
{
    private const string Topic = "tempo-ingest";

    private static LineageBlock Live(string tenant, params (long First, long Last)[] ranges) => Block(tenant, compacted: false, ranges);

    private static LineageBlock Block(string tenant, bool compacted, params (long First, long Last)[] ranges) =>
        new(tenant, Guid.NewGuid(), compacted, ranges.Select(r => new IngestLineage(Topic, 0, r.First, r.Last, r.Last - r.First + 1, 1)).ToArray());

    private static ReplayPlan Plan(long from, long to, bool force, long? committed, params LineageBlock[] blocks) =>
        ReplayPlanner.Plan(new LineageInventory(blocks, []), Topic, new PartitionBounds(0, LogStart: 5, HighWatermark: 200, from, to), force, committed);

    [Fact]
    public void Covered_ranges_are_skipped_gaps_between_and_around_them_are_replayed()
    {
        var plan = Plan(10, 99, force: false, committed: null,
            Live("a", (10, 19)), Live("b", (10, 19)), Live("a", (40, 59)), Live("other-partition-is-ignored", (20, 29)) with
            {
                Ranges = [new IngestLineage(Topic, 1, 20, 29, 10, 1)],
            });

        plan.Segments.Should().Equal(
            new ReplaySegment(Covered, 10, 19, Replay: false),
            new ReplaySegment(Gap, 20, 39, Replay: true),
            new ReplaySegment(Covered, 40, 59, Replay: false),
            new ReplaySegment(Gap, 60, 99, Replay: true));
    }

    [Fact]
    public void Force_replays_recorded_ranges_whole_even_when_they_reach_past_from_and_to()
    {
        var plan = Plan(15, 45, force: true, committed: null, Live("a", (10, 19)), Live("a", (40, 59)));

        plan.Segments.Should().Equal(
            new ReplaySegment(Covered, 10, 19, Replay: true),
            new ReplaySegment(Gap, 20, 39, Replay: true),
            new ReplaySegment(Covered, 40, 59, Replay: true));
    }

    [Fact]
    public void Ranges_of_a_compaction_output_count_as_covered_and_ranges_only_compacted_inputs_record_are_replayed_with_their_boundaries()
    {
        var plan = Plan(10, 49, force: false, committed: null,
            Live("a", (10, 19), (20, 29)), Block("a", compacted: true, (10, 19)), Block("b", compacted: true, (30, 49)));

        plan.Segments.Should().Equal(
            new ReplaySegment(Covered, 10, 19, Replay: false),
            new ReplaySegment(Covered, 20, 29, Replay: false),
            new ReplaySegment(Recorded, 30, 49, Replay: true));
    }

    [Fact]
    public void A_covered_range_one_of_whose_blocks_has_no_meta_json_is_replayed_without_force()
    {
        var unfinished = BlockId.FromLineage("b", Topic, 0, 20, 29);
        var plan = ReplayPlanner.Plan(
            new LineageInventory([Live("a", (10, 19)), Live("a", (20, 29))], [new UnreadableBlock("b", unfinished, "no meta.json")]),
            Topic, new PartitionBounds(0, 5, 200, 10, 29), force: false, committedOffset: null);

        plan.Segments.Should().Equal(
            new ReplaySegment(Covered, 10, 19, Replay: false),
            new ReplaySegment(Interrupted, 20, 29, Replay: true));
    }

    [Fact]
    public void Gaps_at_or_past_the_committed_offset_are_left_to_the_live_store()
    {
        var plan = Plan(10, 99, force: false, committed: 70, Live("a", (10, 19)));

        plan.Segments.Should().Equal(
            new ReplaySegment(Covered, 10, 19, Replay: false),
            new ReplaySegment(Gap, 20, 69, Replay: true),
            new ReplaySegment(NotYetFlushed, 70, 99, Replay: false));
    }

    [Fact]
    public void A_recorded_range_to_replay_that_the_log_no_longer_holds_whole_is_outside_the_log()
    {
        // log start is 5: offsets 0-4 are gone, so the block of 0-9 cannot be rebuilt with its ID
        var plan = Plan(5, 20, force: true, committed: null, Live("a", (0, 9)));

        plan.Segments.Should().Equal(
            new ReplaySegment(OutsideLog, 0, 9, Replay: false),
            new ReplaySegment(Gap, 10, 20, Replay: true));
    }
}
