namespace Tempo.Streaming.Parquet.Tests.Levels;

/// <summary>The example document of the Dremel paper (Melnik et al., 2010, figures 2 and 3).</summary>
public sealed class DremelShreddingTests
{
    private static readonly ParquetSchema Document = Schema.Message("Document",
        Schema.Primitive("DocId", Repetition.Required, PhysicalType.Int64),
        Schema.Group("Links", Repetition.Optional,
            Schema.Primitive("Backward", Repetition.Repeated, PhysicalType.Int64),
            Schema.Primitive("Forward", Repetition.Repeated, PhysicalType.Int64)),
        Schema.Group("Name", Repetition.Repeated,
            Schema.Group("Language", Repetition.Repeated,
                Schema.String("Code", Repetition.Required),
                Schema.String("Country", Repetition.Optional)),
            Schema.String("Url", Repetition.Optional)));

    private const int DocId = 0, Links = 1, Name = 2;
    private const int Backward = 0, Forward = 1;
    private const int Language = 0, Url = 1;
    private const int Code = 0, Country = 1;

    private static Shredding WriteBothRecords()
    {
        var s = new Shredding(Document);
        var w = s.Records;

        // r1
        w.BeginRecord();
        w.BeginField(DocId); w.WriteInt64(10); w.EndField();
        w.BeginField(Links); w.BeginGroup();
        w.BeginField(Forward); w.WriteInt64(20); w.WriteInt64(40); w.WriteInt64(60); w.EndField();
        w.EndGroup(); w.EndField();
        w.BeginField(Name);
        w.BeginGroup();
        w.BeginField(Language);
        w.BeginGroup(); w.BeginField(Code); w.WriteString("en-us"); w.EndField(); w.BeginField(Country); w.WriteString("us"); w.EndField(); w.EndGroup();
        w.BeginGroup(); w.BeginField(Code); w.WriteString("en"); w.EndField(); w.EndGroup();
        w.EndField();
        w.BeginField(Url); w.WriteString("http://A"); w.EndField();
        w.EndGroup();
        w.BeginGroup(); w.BeginField(Url); w.WriteString("http://B"); w.EndField(); w.EndGroup();
        w.BeginGroup();
        w.BeginField(Language);
        w.BeginGroup(); w.BeginField(Code); w.WriteString("en-gb"); w.EndField(); w.BeginField(Country); w.WriteString("gb"); w.EndField(); w.EndGroup();
        w.EndField();
        w.EndGroup();
        w.EndField();
        w.EndRecord();

        // r2
        w.BeginRecord();
        w.BeginField(DocId); w.WriteInt64(20); w.EndField();
        w.BeginField(Links); w.BeginGroup();
        w.BeginField(Backward); w.WriteInt64(10); w.WriteInt64(30); w.EndField();
        w.BeginField(Forward); w.WriteInt64(80); w.EndField();
        w.EndGroup(); w.EndField();
        w.BeginField(Name); w.BeginGroup(); w.BeginField(Url); w.WriteString("http://C"); w.EndField(); w.EndGroup(); w.EndField();
        w.EndRecord();
        return s;
    }

    [Fact]
    public void Levels_match_the_paper()
    {
        var s = WriteBothRecords();

        s.Triples("DocId").Should().Equal((10L, 0, 0), (20L, 0, 0));
        s.Triples("Links.Backward").Should().Equal((null, 0, 1), (10L, 0, 2), (30L, 1, 2));
        s.Triples("Links.Forward").Should().Equal((20L, 0, 2), (40L, 1, 2), (60L, 1, 2), (80L, 0, 2));
        s.Triples("Name.Url").Should().Equal(("http://A", 0, 2), ("http://B", 1, 2), (null, 1, 1), ("http://C", 0, 2));
        s.Triples("Name.Language.Code").Should().Equal(("en-us", 0, 2), ("en", 2, 2), (null, 1, 1), ("en-gb", 1, 2), (null, 0, 1));
        s.Triples("Name.Language.Country").Should().Equal(("us", 0, 3), (null, 2, 2), (null, 1, 1), ("gb", 1, 3), (null, 0, 1));
        s.Records.RecordCount.Should().Be(2);
        s.Columns[0].RowCount.Should().Be(2);
    }

    [Fact]
    public void Assembly_rebuilds_both_records()
    {
        var rows = WriteBothRecords().Assemble();

        rows.Should().HaveCount(2);
        var r1 = rows[0];
        r1["DocId"].Should().Be(10L);
        var links1 = (ParquetGroup)r1["Links"]!;
        ((List<object?>)links1["Backward"]!).Should().BeEmpty();
        ((List<object?>)links1["Forward"]!).Should().Equal(20L, 40L, 60L);
        var names1 = (List<object?>)r1["Name"]!;
        names1.Should().HaveCount(3);
        var n0 = (ParquetGroup)names1[0]!;
        n0["Url"].Should().Be("http://A");
        var langs0 = (List<object?>)n0["Language"]!;
        langs0.Should().HaveCount(2);
        ((ParquetGroup)langs0[0]!)["Code"].Should().Be("en-us");
        ((ParquetGroup)langs0[0]!)["Country"].Should().Be("us");
        ((ParquetGroup)langs0[1]!)["Code"].Should().Be("en");
        ((ParquetGroup)langs0[1]!)["Country"].Should().BeNull();
        var n1 = (ParquetGroup)names1[1]!;
        n1["Url"].Should().Be("http://B");
        ((List<object?>)n1["Language"]!).Should().BeEmpty();
        var n2 = (ParquetGroup)names1[2]!;
        n2["Url"].Should().BeNull();
        var langs2 = (List<object?>)n2["Language"]!;
        langs2.Should().ContainSingle();
        ((ParquetGroup)langs2[0]!)["Code"].Should().Be("en-gb");
        ((ParquetGroup)langs2[0]!)["Country"].Should().Be("gb");

        var r2 = rows[1];
        r2["DocId"].Should().Be(20L);
        var links2 = (ParquetGroup)r2["Links"]!;
        ((List<object?>)links2["Backward"]!).Should().Equal(10L, 30L);
        ((List<object?>)links2["Forward"]!).Should().Equal(80L);
        var names2 = (List<object?>)r2["Name"]!;
        names2.Should().ContainSingle();
        ((ParquetGroup)names2[0]!)["Url"].Should().Be("http://C");
        ((List<object?>)((ParquetGroup)names2[0]!)["Language"]!).Should().BeEmpty();
    }

    [Fact]
    public void A_missing_required_field_names_its_path()
    {
        var s = new Shredding(Document);
        var w = s.Records;
        w.BeginRecord();
        w.BeginField(Name); w.BeginGroup();
        w.BeginField(Language); w.BeginGroup();
        w.BeginField(Country); w.WriteString("us"); w.EndField();

        var act = () => w.EndGroup();

        act.Should().Throw<InvalidOperationException>().WithMessage("*Name.Language.Code*");
    }

    [Fact]
    public void A_missing_required_top_level_field_fails_at_end_of_record()
    {
        var s = new Shredding(Document);
        s.Records.BeginRecord();

        var act = () => s.Records.EndRecord();

        act.Should().Throw<InvalidOperationException>().WithMessage("required field 'DocId' was not written");
    }

    [Fact]
    public void Misuse_is_reported_with_the_field()
    {
        var s = new Shredding(Document);
        var w = s.Records;
        w.BeginRecord();
        w.BeginField(DocId);
        w.WriteInt64(1);
        w.Invoking(x => x.WriteInt64(2)).Should().Throw<InvalidOperationException>().WithMessage("*'DocId' is not repeated*");
        w.EndField();
        w.Invoking(x => x.BeginField(DocId)).Should().Throw<InvalidOperationException>().WithMessage("*already written*");
        w.Invoking(x => x.BeginField(7)).Should().Throw<ArgumentOutOfRangeException>();
        w.BeginField(Links);
        w.Invoking(x => x.WriteInt64(3)).Should().Throw<InvalidOperationException>().WithMessage("*'Links' is a group*");
        w.BeginGroup();
        w.BeginField(Forward);
        w.Invoking(x => x.WriteString("x")).Should().Throw<InvalidOperationException>().WithMessage("*Links.Forward*Int64*");
    }
}
