using System.Globalization;
using System.Text;

namespace Tempo.Streaming.Blocks.Lineage;

/// <summary>
/// The report as a human-readable table (<c>tempo-streaming-cli blocks lineage</c>): a verdict line, then per partition its
/// offsets, the covered runs with their blocks, and the gaps, overlaps and not-yet-flushed range.
/// </summary>
public static class LineageReportText
{
    public static void Write(TextWriter output, LineageReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        var i = CultureInfo.InvariantCulture;
        var gaps = 0;
        var overlaps = 0;
        var unhealthy = 0;
        foreach (var partition in report.Partitions)
        {
            gaps += partition.Gaps.Count;
            overlaps += partition.Overlaps.Count;
            unhealthy += partition.Healthy ? 0 : 1;
        }
        var scope = new StringBuilder();
        if (report.Tenant is not null)
        {
            scope.Append(i, $" tenant {report.Tenant}");
        }
        if (report.Partition is { } only)
        {
            scope.Append(i, $" partition {only}");
        }
        output.WriteLine(report.Healthy
            ? string.Create(i, $"lineage{scope}: HEALTHY ({report.Partitions.Count} partition(s), no gaps, no overlaps)")
            : string.Create(i, $"lineage{scope}: {gaps} gap(s), {overlaps} overlap(s) in {unhealthy} of {report.Partitions.Count} partition(s)"));
        if (report.Partitions.Count == 0)
        {
            output.WriteLine("no block with ingest lineage and no partition offsets to audit");
        }

        foreach (var partition in report.Partitions)
        {
            output.WriteLine();
            output.WriteLine(string.Create(i, $"{partition.Topic}/{partition.Partition}  {(partition.Healthy ? "HEALTHY" : "UNHEALTHY")}"));
            var o = partition.Offsets;
            output.WriteLine(string.Create(i,
                $"  log start {Offset(o.LogStartOffset)}, committed {Offset(o.CommittedOffset)}, flushed {Offset(o.FlushedOffset)}, high watermark {Offset(o.HighWatermark)}; audited {(partition.Audited is { } a ? a.ToString() : "nothing")}"));
            output.WriteLine(string.Create(i, $"  {"first",12}  {"last",12}  blocks"));
            foreach (var run in partition.Covered)
            {
                output.WriteLine(string.Create(i, $"  {run.FirstOffset,12}  {run.LastOffset,12}  {Describe(run)}"));
            }
            foreach (var gap in partition.Gaps)
            {
                var compacted = gap.CompactedBlocks.Count == 0 ? "no block" : "only compacted " + Blocks(gap.CompactedBlocks);
                output.WriteLine(string.Create(i, $"  GAP      {gap.FirstOffset}-{gap.LastOffset} ({gap.LastOffset - gap.FirstOffset + 1} records): {compacted}"));
            }
            foreach (var overlap in partition.Overlaps)
            {
                output.WriteLine(string.Create(i,
                    $"  OVERLAP  {overlap.FirstOffset}-{overlap.LastOffset}: tenant {overlap.Tenant} live blocks {string.Join(", ", overlap.BlockIds.Select(id => id.ToString("D")))}"));
            }
            if (partition.NotYetFlushed is { } pending)
            {
                output.WriteLine(string.Create(i, $"  not yet flushed: {pending} ({pending.Count} records)"));
            }
        }

        if (report.BlocksWithoutLineage.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(string.Create(i, $"{report.BlocksWithoutLineage.Count} block(s) without ingest lineage (not cut from this log): {Blocks(report.BlocksWithoutLineage)}"));
        }
        if (report.UnreadableBlocks.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(string.Create(i, $"{report.UnreadableBlocks.Count} block folder(s) the audit could not use:"));
            foreach (var block in report.UnreadableBlocks)
            {
                output.WriteLine($"  {block.Tenant}/{block.BlockId:D}: {block.Problem}");
            }
        }
    }

    private static string Offset(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Describe(CoveredRange run)
    {
        var text = new StringBuilder();
        if (run.Empty)
        {
            text.Append("(flushed, no spans)");
        }
        if (run.Blocks.Count > 0)
        {
            text.Append(text.Length > 0 ? " " : "").Append(Blocks(run.Blocks));
        }
        if (run.OtherTenantBlocks > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" (+{run.OtherTenantBlocks} block(s) of other tenants)");
        }
        return text.ToString();
    }

    private static string Blocks(IEnumerable<LineageBlockRef> blocks) =>
        string.Join(", ", blocks.Select(b => $"{(b.Compacted ? "compacted" : "live")} {b.Tenant}/{b.BlockId:D}"));
}
