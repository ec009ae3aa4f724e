using Tempo.Streaming.Parquet.Scanning;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

public class RowNumberTests
{
    // The Dremel paper's document schema: Name and Language repeated, Country optional.
    private static readonly ParquetSchema Document = Schema.Message("Document",
        Schema.Group("Name", Repetition.Repeated,
            Schema.Group("Language", Repetition.Repeated,
                Schema.String("Code"),
                Schema.String("Country", Repetition.Optional)),
            Schema.String("Url", Repetition.Optional)));

    [Fact]
    public void Walking_the_dremel_country_column_gives_tempos_positions()
    {
        var levels = new ColumnLevelMap(Document.Column("Name.Language.Country"));
        levels.MaxDefinitionLevel.Should().Be(3);
        levels.MaxDepth.Should().Be(2);

        // (r, d) of the paper's Name.Language.Country column for records r1 and r2, and the positions by hand.
        (int R, int D, int[] Expected)[] steps =
        [
            (0, 3, [0, 0, 0]),  // us
            (2, 2, [0, 0, 1]),  // a Language without Country
            (1, 1, [0, 1, -1]), // a Name without Language
            (1, 3, [0, 2, 0]),  // gb
            (0, 1, [1, 0, -1]), // r2: a Name without Language
        ];
        var position = RowNumber.Empty;
        foreach (var (r, d, expected) in steps)
        {
            position.Next(r, d, levels);
            position.Should().Be(RowNumber.Create(expected), $"after (r={r}, d={d})");
        }
    }

    [Fact]
    public void An_optional_list_maps_definition_levels_to_depths_by_its_repeated_node()
    {
        // optional group tags (LIST) { repeated group list { optional binary element } }: def 1 = empty list,
        // def 2 = null element, def 3 = value. Depth 1 exists from def 2 (Tempo's definition-indexed slots would say 1).
        var schema = Schema.Message("m", Schema.List("tags", Repetition.Optional, Schema.String("element", Repetition.Optional)));
        var levels = new ColumnLevelMap(schema.Column("tags.list.element"));
        levels.DefinitionLevelOfDepth(1).Should().Be(2);
        Enumerable.Range(0, 4).Select(levels.ExistingDepth).Should().Equal(0, 0, 1, 1);

        var position = RowNumber.Empty;
        position.Next(0, 0, levels); // row 0: tags null
        position.Should().Be(RowNumber.Create(0));
        position.Next(0, 3, levels); // row 1: ["a",
        position.Should().Be(RowNumber.Create(1, 0));
        position.Next(1, 2, levels); //          null]
        position.Should().Be(RowNumber.Create(1, 1));
        position.Next(0, 1, levels); // row 2: []
        position.Should().Be(RowNumber.Create(2, -1));
    }

    [Fact]
    public void Comparison_truncation_and_skip_work_slot_by_slot()
    {
        var a = RowNumber.Create(3, 1, 4);
        var b = RowNumber.Create(3, 1, 7);
        RowNumber.Compare(a, b, 1).Should().Be(0);
        RowNumber.EqualAt(a, b, 1).Should().BeTrue();
        RowNumber.Compare(a, b, 2).Should().Be(-1);
        RowNumber.Compare(b, a, 7).Should().Be(1);
        RowNumber.Compare(RowNumber.Create(3, -1), RowNumber.Create(3, 0), 1).Should().Be(-1, "an absent element sorts before the first one");
        a.TruncateTo(0).Should().Be(RowNumber.Create(3));
        a.TruncateTo(1).ToString().Should().Be("[3, 1]");
        a.DefinedDepth.Should().Be(2);
        RowNumber.Empty.IsValid.Should().BeFalse();
        RowNumber.Empty.DefinedDepth.Should().Be(-1);

        var p = RowNumber.Create(3, 1, 4);
        p.Skip(10);
        p.Should().Be(RowNumber.Create(13));
        p.Next(0, 2);
        p.Should().Be(RowNumber.Create(14, 0, 0));
    }
}
