namespace Tempo.Streaming.Parquet.Tests.Reading;

/// <summary>Interop: the vParquet4 block Tempo (parquet-go) wrote opens and every row assembles.</summary>
public sealed class TempoBlockReadTests
{
    [TempoBlockFact]
    public async Task Every_row_of_Tempos_block_assembles()
    {
        using var source = new FileRandomAccessSource(TempoBlock.DataParquet);
        var reader = await ParquetFileReader.OpenAsync(source);

        reader.RowCount.Should().Be(134);
        reader.Schema.TryGetColumn("rs.list.element.ss.list.element.Spans.list.element.Name", out _).Should().BeTrue();
        var rows = 0;
        var spans = 0;
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var records = await RecordReader.OpenAsync(reader, g);
            while (records.ReadRow() is { } row)
            {
                rows++;
                ((byte[])row["TraceID"]!).Should().HaveCount(16);
                foreach (var rs in (List<object?>)((ParquetGroup)row["rs"]!)["list"]!)
                {
                    var resourceSpans = (ParquetGroup)((ParquetGroup)rs!)["element"]!;
                    ((ParquetGroup)resourceSpans["Resource"]!)["ServiceName"].Should().BeOfType<string>();
                    foreach (var ss in (List<object?>)((ParquetGroup)resourceSpans["ss"]!)["list"]!)
                    {
                        var scopeSpans = (ParquetGroup)((ParquetGroup)ss!)["element"]!;
                        spans += ((List<object?>)((ParquetGroup)scopeSpans["Spans"]!)["list"]!).Count;
                    }
                }
            }
        }
        rows.Should().Be(134);
        spans.Should().BeGreaterThan(134);
    }

    [TempoBlockFact]
    public async Task Every_column_of_Tempos_block_decodes_in_batches()
    {
        using var source = new FileRandomAccessSource(TempoBlock.DataParquet);
        var reader = await ParquetFileReader.OpenAsync(source);
        var batch = new ColumnBatch(64);
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            foreach (var info in reader.RowGroups[g].Columns)
            {
                var chunk = await reader.ReadColumnChunkAsync(g, info.Column.Index);
                long entries = 0;
                while (chunk.ReadBatch(batch) is var n and > 0) entries += n;
                entries.Should().Be(info.ValueCount, because: info.Column.DottedPath);
                chunk.RemainingRows.Should().Be(0);
            }
        }
    }
}
