namespace Tempo.Streaming.Parquet.Tests.Levels;

/// <summary>Levels of the spec's list and map shapes (LogicalTypes.md "Nested Types"), and their assembly back.</summary>
public sealed class NestedShapeLevelTests
{
    // optional group matrix (LIST) { repeated group list { optional group element (LIST) { repeated group list { optional int32 element } } } }
    private static readonly ParquetSchema ListOfLists = Schema.Message("m",
        Schema.List("matrix", Repetition.Optional,
            Schema.List("element", Repetition.Optional,
                Schema.Primitive("element", Repetition.Optional, PhysicalType.Int32))));

    private static void WriteMatrix(RecordWriter w, int?[]?[]? matrix)
    {
        w.BeginRecord();
        if (matrix is not null)
        {
            w.BeginField(0); w.BeginGroup();
            w.BeginField(0);
            foreach (var row in matrix)
            {
                w.BeginGroup();
                if (row is not null)
                {
                    w.BeginField(0); w.BeginGroup();
                    w.BeginField(0);
                    foreach (var cell in row)
                    {
                        w.BeginGroup();
                        if (cell is { } v) { w.BeginField(0); w.WriteInt32(v); w.EndField(); }
                        w.EndGroup();
                    }
                    w.EndField();
                    w.EndGroup(); w.EndField();
                }
                w.EndGroup();
            }
            w.EndField();
            w.EndGroup(); w.EndField();
        }
        w.EndRecord();
    }

    [Fact]
    public void List_of_lists_levels_distinguish_null_empty_and_null_elements()
    {
        var s = new Shredding(ListOfLists);
        var column = ListOfLists.Columns[0];
        column.MaxDefinitionLevel.Should().Be(5);
        column.MaxRepetitionLevel.Should().Be(2);

        WriteMatrix(s.Records, [[1, 2], [], null, [null, 3]]);
        WriteMatrix(s.Records, null);
        WriteMatrix(s.Records, []);
        WriteMatrix(s.Records, [[4]]);

        s.Triples("matrix.list.element.list.element").Should().Equal(
            (1, 0, 5), (2, 2, 5),          // [1, 2]
            (null, 1, 3),                  // []: inner list defined, empty
            (null, 1, 2),                  // null inner list
            (null, 1, 4), (3, 2, 5),       // [null, 3]
            (null, 0, 0),                  // null matrix
            (null, 0, 1),                  // empty matrix
            (4, 0, 5));
    }

    [Fact]
    public void List_of_lists_assembles_back()
    {
        var s = new Shredding(ListOfLists);
        WriteMatrix(s.Records, [[1, 2], [], null, [null, 3]]);
        WriteMatrix(s.Records, null);
        WriteMatrix(s.Records, []);

        var rows = s.Assemble();

        Matrix(rows[0]).Should().BeEquivalentTo(new List<List<int?>?> { new() { 1, 2 }, new(), null, new() { null, 3 } }, o => o.WithStrictOrdering());
        rows[1]["matrix"].Should().BeNull();
        Matrix(rows[2]).Should().BeEmpty();
    }

    private static List<List<int?>?> Matrix(ParquetGroup row)
    {
        var result = new List<List<int?>?>();
        foreach (var outer in (List<object?>)((ParquetGroup)row["matrix"]!)["list"]!)
        {
            if (((ParquetGroup)outer!)["element"] is not ParquetGroup inner)
            {
                result.Add(null);
                continue;
            }
            var cells = new List<int?>();
            foreach (var cell in (List<object?>)inner["list"]!) cells.Add((int?)((ParquetGroup)cell!)["element"]);
            result.Add(cells);
        }
        return result;
    }

    private static readonly ParquetSchema Attributes = Schema.Message("m",
        Schema.Map("attrs", Repetition.Optional, Schema.String("key"), Schema.Primitive("value", Repetition.Optional, PhysicalType.Int64)),
        Schema.Group("resource", Repetition.Optional,
            Schema.String("name", Repetition.Optional),
            Schema.Group("inner", Repetition.Required, Schema.Primitive("x", Repetition.Required, PhysicalType.Double))));

    [Fact]
    public void Map_and_optional_group_levels()
    {
        var s = new Shredding(Attributes);
        var w = s.Records;

        w.BeginRecord();
        w.BeginField(0); w.BeginGroup(); w.BeginField(0);
        w.BeginGroup(); w.BeginField(0); w.WriteString("a"); w.EndField(); w.BeginField(1); w.WriteInt64(1); w.EndField(); w.EndGroup();
        w.BeginGroup(); w.BeginField(0); w.WriteString("b"); w.EndField(); w.EndGroup();
        w.EndField(); w.EndGroup(); w.EndField();
        w.BeginField(1); w.BeginGroup();
        w.BeginField(1); w.BeginGroup(); w.BeginField(0); w.WriteDouble(2.5); w.EndField(); w.EndGroup(); w.EndField();
        w.EndGroup(); w.EndField();
        w.EndRecord();

        w.BeginRecord();
        w.BeginField(0); w.BeginGroup(); w.BeginField(0); w.EndField(); w.EndGroup(); w.EndField(); // empty map
        w.EndRecord();

        s.Triples("attrs.key_value.key").Should().Equal(("a", 0, 2), ("b", 1, 2), (null, 0, 1));
        s.Triples("attrs.key_value.value").Should().Equal((1L, 0, 3), (null, 1, 2), (null, 0, 1));
        s.Triples("resource.name").Should().Equal((null, 0, 1), (null, 0, 0));
        s.Triples("resource.inner.x").Should().Equal((2.5, 0, 1), (null, 0, 0));

        var rows = s.Assemble();
        var entries = (List<object?>)((ParquetGroup)rows[0]["attrs"]!)["key_value"]!;
        entries.Should().HaveCount(2);
        ((ParquetGroup)entries[0]!)["key"].Should().Be("a");
        ((ParquetGroup)entries[0]!)["value"].Should().Be(1L);
        ((ParquetGroup)entries[1]!)["value"].Should().BeNull();
        var resource = (ParquetGroup)rows[0]["resource"]!;
        resource["name"].Should().BeNull();
        ((ParquetGroup)resource["inner"]!)["x"].Should().Be(2.5);
        ((List<object?>)((ParquetGroup)rows[1]["attrs"]!)["key_value"]!).Should().BeEmpty();
        rows[1]["resource"].Should().BeNull();
    }

    [Fact]
    public void Column_writer_checks_levels()
    {
        var s = new Shredding(ListOfLists);
        var column = s.Columns[0];

        column.Invoking(c => c.WriteInt32(1, repetitionLevel: 1)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*must start a row*");
        column.WriteInt32(1);
        column.Invoking(c => c.WriteInt32(1, repetitionLevel: 3)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*maximum repetition level of 2*");
        column.Invoking(c => c.WriteNull(5)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*below 5*");
        column.Invoking(c => c.WriteInt64(1)).Should().Throw<InvalidOperationException>().WithMessage("*is Int32*");
        column.WriteNull(3, 1);
        column.RowCount.Should().Be(1);
        column.EntryCount.Should().Be(2);
    }
}
