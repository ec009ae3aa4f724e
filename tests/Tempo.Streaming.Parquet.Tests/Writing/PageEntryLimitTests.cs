using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Writing;

/// <summary>Pages are cut by entry count too, so a column of nulls or empty lists does not become one huge page.</summary>
public sealed class PageEntryLimitTests
{
    [Fact]
    public async Task A_column_of_nulls_is_cut_into_pages_of_at_most_the_entry_limit_on_row_boundaries()
    {
        var schema = Schema.Message("m", Schema.Primitive("id", Repetition.Required, PhysicalType.Int64),
            Schema.List("empty", Repetition.Required, Schema.String("element")));
        const int rows = 10_000;
        var file = ParquetFiles.Write(schema, new ParquetWriterOptions { DataPageEntryLimit = 1_000 }, writer =>
        {
            var group = writer.CreateRowGroup();
            for (var i = 0; i < rows; i++)
            {
                var records = group.Records;
                records.BeginRecord();
                records.WriteInt64Field(0, i);
                records.WriteEmptyGroup(1);
                records.EndRecord();
            }
            group.Complete();
        });

        var reader = await ParquetFiles.OpenAsync(file);
        var pages = (await reader.ReadPageIndexAsync(0, 1))!.Pages;
        pages.Should().HaveCount(rows / 1_000, "the null column holds no value bytes; only the entry limit cuts it");
        pages.Select(p => p.FirstRowIndex).Should().Equal(Enumerable.Range(0, rows / 1_000).Select(i => (long)i * 1_000));

        var chunk = await reader.ReadColumnChunkAsync(0, 1);
        chunk.SkipRows(7_500);
        var batch = new ColumnBatch(16);
        chunk.ReadBatch(batch).Should().BeGreaterThan(0);
        batch.DefinitionLevels[0].Should().Be(0, "row 7,500's list is empty");
        chunk.PagesSkipped.Should().BeGreaterThan(0);
    }

    [Fact]
    public void The_entry_limit_must_be_positive()
    {
        var schema = Schema.Message("m", Schema.Primitive("id", Repetition.Required, PhysicalType.Int64));
        FluentActions.Invoking(() => new ParquetFileWriter(new MemoryStream(), schema, new ParquetWriterOptions { DataPageEntryLimit = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*DataPageEntryLimit must be positive*");
    }
}
