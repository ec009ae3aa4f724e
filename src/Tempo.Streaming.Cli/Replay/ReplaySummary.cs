using System.Globalization;
using Tempo.Streaming.LiveStore.Replay;

namespace Tempo.Streaming.Cli.Replay;

/// <summary>What a <c>replay</c> run did over all its partitions, printed at the end.</summary>
internal sealed class ReplaySummary
{
    public int RangesReplayed { get; private set; }

    public int SegmentsSkipped { get; private set; }

    /// <summary>Recorded ranges that should have been replayed but the log no longer holds whole.</summary>
    public int SegmentsOutsideLog { get; private set; }

    public int BlocksWritten { get; private set; }

    public int BlocksExisting { get; private set; }

    /// <summary>Tenants' blocks left out because another live block of the tenant holds those offsets.</summary>
    public int BlocksHeldElsewhere { get; private set; }

    public long Records { get; private set; }

    public long UndecodableRecords { get; private set; }

    public long SpansWritten { get; private set; }

    public TimeSpan Elapsed { get; set; }

    public List<ReplayedBlock> Written { get; } = [];

    public void AddPlan(ReplayPlan plan)
    {
        foreach (var segment in plan.Segments)
        {
            if (segment.Kind == ReplaySegmentKind.OutsideLog)
            {
                SegmentsOutsideLog++;
            }
            else if (!segment.Replay)
            {
                SegmentsSkipped++;
            }
        }
    }

    public void Add(ReplayRangeResult range)
    {
        RangesReplayed++;
        Records += range.Records;
        UndecodableRecords += range.SkippedRecords;
        foreach (var block in range.Blocks)
        {
            switch (block.Outcome)
            {
                case ReplayedBlockOutcome.Written:
                    BlocksWritten++;
                    SpansWritten += block.Spans;
                    Written.Add(block);
                    break;
                case ReplayedBlockOutcome.Existed:
                    BlocksExisting++;
                    break;
                default:
                    BlocksHeldElsewhere++;
                    break;
            }
        }
    }

    public void Print(TextWriter output)
    {
        foreach (var block in Written)
        {
            output.WriteLine($"written {block.Tenant}/{block.BlockId:D}");
        }
        output.WriteLine(Invariant($"replay: {RangesReplayed} range(s) replayed, {SegmentsSkipped} skipped, {SegmentsOutsideLog} no longer in the log"));
        output.WriteLine(Invariant($"blocks: {BlocksWritten} written, {BlocksExisting} existing, {BlocksHeldElsewhere} held by another block of the tenant"));
        output.WriteLine(Invariant($"records: {Records} ({UndecodableRecords} undecodable), spans written: {SpansWritten}, time: {Elapsed.TotalSeconds:0.00} s"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
