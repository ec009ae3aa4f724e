using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Writing;

/// <summary>Records written straight into the column writers (a schema-specific shredder) next to shredded ones.</summary>
public sealed class DirectRecordTests
{
    private static readonly ParquetSchema ListSchema = Schema.Message("m", Schema.Primitive("id", Repetition.Required, PhysicalType.Int64),
        Schema.List("tags", Repetition.Required, Schema.String("element")));

    [Fact]
    public void A_direct_record_with_the_shredders_levels_gives_the_shredded_file()
    {
        var shredded = ParquetFiles.Write(ListSchema, new ParquetWriterOptions(), writer =>
        {
            var group = writer.CreateRowGroup();
            var records = group.Records;
            records.BeginRecord();
            records.WriteInt64Field(0, 1);
            records.BeginList(1);
            records.BeginListElement();
            records.WriteString("a");
            records.EndListElement();
            records.BeginListElement();
            records.WriteString("b");
            records.EndListElement();
            records.EndList();
            records.EndRecord();
            records.BeginRecord();
            records.WriteInt64Field(0, 2);
            records.WriteEmptyGroup(1);
            records.EndRecord();
            group.Complete();
        });

        var direct = ParquetFiles.Write(ListSchema, new ParquetWriterOptions(), writer =>
        {
            var group = writer.CreateRowGroup();
            var records = group.Records;
            records.Column(0).WriteInt64(1);
            records.Column(1).WriteString("a", repetitionLevel: 0);
            records.Column(1).WriteString("b", repetitionLevel: 1);
            records.CountDirectRecord();
            records.Column(0).WriteInt64(2);
            records.Column(1).WriteNull(definitionLevel: 0, repetitionLevel: 0);
            records.CountDirectRecord();
            records.RecordCount.Should().Be(2);
            group.Complete();
        });

        direct.Should().Equal(shredded);
    }

    [Fact]
    public void Bulk_nulls_write_the_entries_of_one_null_per_level()
    {
        // 3,000 rows of 1..5 empty-list entries: several RLE batches, pages cut by the entry limit at row starts
        var repetition = new List<byte>();
        var random = new Random(5);
        for (var row = 0; row < 3_000; row++)
        {
            repetition.Add(0);
            for (var k = random.Next(5); k > 0; k--) repetition.Add(1);
        }
        var options = new ParquetWriterOptions { DataPageEntryLimit = 1_000 };
        var schema = Schema.Message("m", Schema.List("l", Repetition.Required, Schema.Group("element", Repetition.Required,
            Schema.List("empty", Repetition.Required, Schema.String("element")))));

        var one = ParquetFiles.Write(schema, options, writer =>
        {
            var group = writer.CreateRowGroup();
            foreach (var level in repetition) group.Column(0).WriteNull(1, level);
            group.Complete();
        });
        var bulk = ParquetFiles.Write(schema, options, writer =>
        {
            var group = writer.CreateRowGroup();
            group.Column(0).WriteNulls(1, repetition.ToArray().AsSpan(0, 7));
            group.Column(0).WriteNulls(1, repetition.ToArray().AsSpan(7));
            group.Complete();
        });

        bulk.Should().Equal(one);
    }

    [Fact]
    public void Bulk_nulls_check_their_levels()
    {
        // the row group is abandoned after the rejected calls, as after any writer exception
        var writer = new ParquetFileWriter(new MemoryStream(), ListSchema, new ParquetWriterOptions());
        var column = writer.CreateRowGroup().Column(1);
        FluentActions.Invoking(() => column.WriteNulls(1, [0])).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => column.WriteNulls(0, [0, 2])).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => column.WriteNulls(0, [1])).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*must start a row*");
    }

    [Fact]
    public void Columns_are_not_handed_out_inside_a_shredded_record()
    {
        ParquetFiles.Write(ListSchema, new ParquetWriterOptions(), writer =>
        {
            var group = writer.CreateRowGroup();
            var records = group.Records;
            records.BeginRecord();
            FluentActions.Invoking(() => records.Column(0)).Should().Throw<InvalidOperationException>().WithMessage("*BeginRecord*");
            FluentActions.Invoking(records.CountDirectRecord).Should().Throw<InvalidOperationException>();
            records.WriteInt64Field(0, 1);
            records.WriteEmptyGroup(1);
            records.EndRecord();
            FluentActions.Invoking(() => records.Column(2)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*2 columns*");
            group.Complete();
        });
    }
}
