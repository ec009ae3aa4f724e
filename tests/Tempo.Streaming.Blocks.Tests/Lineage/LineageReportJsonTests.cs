using System.Text;
using System.Text.Json;
using Tempo.Streaming.Blocks.Lineage;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Lineage;

/// <summary>
/// Freezes the JSON of <c>GET /status/lineage</c> (<see cref="LineageReportJson"/>): field names, order, nulls, number
/// and ID formats. A change here is a change of a public document: update the class comment with it.
/// </summary>
public sealed class LineageReportJsonTests
{
    private static readonly Guid Live = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Input = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Other = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid Tempo = Guid.Parse("00000000-0000-0000-0000-00000000000d");
    private static readonly Guid Broken = Guid.Parse("00000000-0000-0000-0000-00000000000e");

    private static LineageReport SampleReport()
    {
        var blocks = new List<LineageBlock>
        {
            new("a", Live, false, [new IngestLineage("tempo-ingest", 0, 0, 99, 100, 7)]),
            new("a", Input, true, [new IngestLineage("tempo-ingest", 0, 0, 49, 50, 3)]),
            new("a", Other, false, [new IngestLineage("tempo-ingest", 0, 90, 119, 30, 4)]),
            new("a", Tempo, false, []),
        };
        var offsets = new PartitionOffsets("tempo-ingest", 0)
        {
            LogStartOffset = 0, HighWatermark = 200, CommittedOffset = 150, FlushedOffset = 150,
            EmptyRanges = [new OffsetRange(120, 129)],
        };
        return LineageAudit.Run(new LineageInventory(blocks, [new UnreadableBlock("a", Broken, "a/00000000-0000-0000-0000-00000000000e/ has no meta.json")]), [offsets]);
    }

    [Fact]
    public void The_report_has_a_stable_camel_case_shape()
    {
        var json = Encoding.UTF8.GetString(LineageReportJson.Serialize(SampleReport()));

        json.Should().Be("""
            {"healthy":false,"tenant":null,"partition":null,"partitions":[{"topic":"tempo-ingest","partition":0,"healthy":false,
            "logStartOffset":0,"highWatermark":200,"committedOffset":150,"flushedOffset":150,"audited":{"firstOffset":0,"lastOffset":149},
            "covered":[
            {"firstOffset":0,"lastOffset":49,"empty":false,"blocks":[{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000a","compacted":false},{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000b","compacted":true}],"otherTenantBlocks":0},
            {"firstOffset":50,"lastOffset":89,"empty":false,"blocks":[{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000a","compacted":false}],"otherTenantBlocks":0},
            {"firstOffset":90,"lastOffset":99,"empty":false,"blocks":[{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000a","compacted":false},{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000c","compacted":false}],"otherTenantBlocks":0},
            {"firstOffset":100,"lastOffset":119,"empty":false,"blocks":[{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000c","compacted":false}],"otherTenantBlocks":0},
            {"firstOffset":120,"lastOffset":129,"empty":true,"blocks":[],"otherTenantBlocks":0}],
            "gaps":[{"firstOffset":130,"lastOffset":149,"compactedBlocks":[]}],
            "overlaps":[{"tenant":"a","firstOffset":90,"lastOffset":99,"blockIds":["00000000-0000-0000-0000-00000000000a","00000000-0000-0000-0000-00000000000c"]}],
            "notYetFlushed":{"firstOffset":150,"lastOffset":199}}],
            "blocksWithoutLineage":[{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000d","compacted":false}],
            "unreadableBlocks":[{"tenant":"a","blockId":"00000000-0000-0000-0000-00000000000e","problem":"a/00000000-0000-0000-0000-00000000000e/ has no meta.json"}]}
            """.ReplaceLineEndings(""));
    }

    [Fact]
    public void Filters_and_unknown_offsets_are_written_as_values_and_nulls()
    {
        var report = LineageAudit.Run(
            new LineageInventory([new LineageBlock("a", Live, false, [new IngestLineage("t", 2, 0, 9, 10, 1)])], []), [], tenant: "a", partition: 2);

        using var document = JsonDocument.Parse(LineageReportJson.Serialize(report, indented: true));
        var root = document.RootElement;
        root.GetProperty("healthy").GetBoolean().Should().BeTrue();
        root.GetProperty("tenant").GetString().Should().Be("a");
        root.GetProperty("partition").GetInt32().Should().Be(2);
        var partition = root.GetProperty("partitions")[0];
        partition.EnumerateObject().Select(p => p.Name).Should().Equal(
            "topic", "partition", "healthy", "logStartOffset", "highWatermark", "committedOffset", "flushedOffset",
            "audited", "covered", "gaps", "overlaps", "notYetFlushed");
        foreach (var name in new[] { "logStartOffset", "highWatermark", "committedOffset", "flushedOffset", "notYetFlushed" })
        {
            partition.GetProperty(name).ValueKind.Should().Be(JsonValueKind.Null, name);
        }
        partition.GetProperty("audited").GetProperty("lastOffset").GetInt64().Should().Be(9);
    }

    [Fact]
    public void The_text_table_names_gaps_overlaps_and_pending_offsets()
    {
        var text = new StringWriter();

        LineageReportText.Write(text, SampleReport());

        var output = text.ToString();
        output.Should().StartWith("lineage: 1 gap(s), 1 overlap(s) in 1 of 1 partition(s)");
        output.Should().Contain("tempo-ingest/0  UNHEALTHY")
            .And.Contain("log start 0, committed 150, flushed 150, high watermark 200; audited 0-149")
            .And.Contain("GAP      130-149 (20 records): no block")
            .And.Contain($"OVERLAP  90-99: tenant a live blocks {Live:D}, {Other:D}")
            .And.Contain("(flushed, no spans)")
            .And.Contain("not yet flushed: 150-199 (50 records)")
            .And.Contain($"live a/{Tempo:D}")
            .And.Contain($"a/{Broken:D}: a/{Broken:D}/ has no meta.json");
    }
}
