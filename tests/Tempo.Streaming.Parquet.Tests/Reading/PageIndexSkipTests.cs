using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Reading;

public sealed class PageIndexSkipTests
{
    private static readonly ParquetSchema Spans = Schema.Message("t",
        Schema.Primitive("start", Repetition.Required, PhysicalType.Int64, LogicalType.Integer(64, false)),
        Schema.List("tags", Repetition.Optional, Schema.String("element", Repetition.Optional)));

    /// <summary>Row i: start = 1000 + i; tags = i % 3 elements "t{i}-{k}" (0 elements → empty list; i % 7 == 0 → null list).</summary>
    private static byte[] WriteFile(DataPageVersion version, bool pageIndex = true) => ParquetFiles.Write(Spans,
        new ParquetWriterOptions { DataPageSize = 512, PageVersion = version, WritePageIndex = pageIndex, DefaultEncoding = ColumnEncoding.Plain },
        writer =>
        {
            var group = writer.CreateRowGroup();
            var w = group.Records;
            for (var i = 0; i < 5000; i++)
            {
                w.BeginRecord();
                w.BeginField(0); w.WriteInt64(1000 + i); w.EndField();
                if (i % 7 != 0)
                {
                    w.BeginField(1); w.BeginGroup(); w.BeginField(0);
                    for (var k = 0; k < i % 3; k++) { w.BeginGroup(); w.BeginField(0); w.WriteString($"t{i}-{k}"); w.EndField(); w.EndGroup(); }
                    w.EndField(); w.EndGroup(); w.EndField();
                }
                w.EndRecord();
            }
            group.Complete();
        });

    [Fact]
    public async Task Page_index_describes_every_page_with_exact_first_rows_and_bounds()
    {
        var file = WriteFile(DataPageVersion.V1);
        var reader = await ParquetFiles.OpenAsync(file);

        var index = (await reader.ReadPageIndexAsync(0, 0))!;
        index.Pages.Count.Should().BeGreaterThan(10);
        index.Pages[0].FirstRowIndex.Should().Be(0);
        for (var p = 0; p < index.Pages.Count; p++)
        {
            var page = index.Pages[p];
            var min = BitConverter.ToInt64(page.Min);
            var max = BitConverter.ToInt64(page.Max);
            min.Should().Be(1000 + page.FirstRowIndex, "page {0} starts at its first row", p);
            var next = p + 1 < index.Pages.Count ? index.Pages[p + 1].FirstRowIndex : 5000;
            max.Should().Be(1000 + next - 1);
            page.NullCount.Should().Be(0);
            page.IsAllNull.Should().BeFalse();
        }
        var tags = (await reader.ReadPageIndexAsync(0, 1))!;
        tags.Pages.Select(p => p.FirstRowIndex).Should().BeInAscendingOrder();
        reader.RowGroups[0].Columns[0].Statistics!.MinInt64.Should().Be(1000);
        reader.RowGroups[0].Columns[0].Statistics!.MaxInt64.Should().Be(5999);
    }

    [Theory]
    [InlineData(DataPageVersion.V1, true)]
    [InlineData(DataPageVersion.V2, false)]
    [InlineData(DataPageVersion.V1, false)]
    public async Task SkipRows_lands_on_the_right_row_and_skips_pages_without_decoding(DataPageVersion version, bool loadIndex)
    {
        var file = WriteFile(version, pageIndex: loadIndex);
        var reader = await ParquetFiles.OpenAsync(file);
        if (loadIndex) (await reader.ReadPageIndexAsync(0, 1)).Should().NotBeNull();
        var chunk = await reader.ReadColumnChunkAsync(0, 1);
        var batch = new ColumnBatch(4);

        chunk.SkipRows(3001);
        chunk.ReadBatch(batch).Should().BeGreaterThan(0);
        // row 3001: 3001 % 3 == 1 tag
        batch.DefinitionLevels[0].Should().Be(3);
        batch.GetBytes(0).ToArray().Should().Equal("t3001-0"u8.ToArray());
        var rowsInBatch = batch.RepetitionLevels.AsSpan(0, batch.LevelCount).Count((short)0);
        chunk.SkipRows(1000);
        chunk.ReadBatch(batch).Should().BeGreaterThan(0);
        var row = 3001 + rowsInBatch + 1000;
        if (row % 7 == 0) batch.DefinitionLevels[0].Should().Be(0);
        else if (row % 3 == 0) batch.DefinitionLevels[0].Should().Be(1);
        else System.Text.Encoding.UTF8.GetString(batch.GetBytes(0)).Should().Be($"t{row}-0");
        if (loadIndex || version == DataPageVersion.V2) chunk.PagesSkipped.Should().BeGreaterThan(5);
        else chunk.PagesSkipped.Should().Be(0);
    }

    [Fact]
    public async Task Skipping_matches_reading_for_every_offset()
    {
        var file = WriteFile(DataPageVersion.V2);
        var all = await ParquetFiles.ReadAllRowsAsync(file);
        var reader = await ParquetFiles.OpenAsync(file);
        foreach (var skip in new[] { 0, 1, 499, 2500, 4998 })
        {
            var records = await RecordReader.OpenAsync(reader, 0);
            records.ReadRow();
            records.SkipRows(skip);
            var row = records.ReadRow()!;
            row["start"].Should().Be(all[skip + 1]["start"]);
            Tags(row).Should().Equal(Tags(all[skip + 1]));
            records.RemainingRows.Should().Be(5000 - skip - 2);
        }
    }

    private static List<string?> Tags(ParquetGroup row) => row["tags"] is ParquetGroup tags
        ? ((List<object?>)tags["list"]!).Select(e => (string?)((ParquetGroup)e!)["element"]).ToList()
        : ["<null>"];
}
