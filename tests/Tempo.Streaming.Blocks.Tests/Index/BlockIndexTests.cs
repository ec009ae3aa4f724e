using System.Text;
using Tempo.Streaming.Blocks.Index;
using Tempo.Streaming.Blocks.Tests.Infrastructure;

namespace Tempo.Streaming.Blocks.Tests.Index;

public sealed class BlockIndexTests
{
    private static byte[] Id(int last) => Convert.FromHexString($"000000000000000000000000000000{last:x2}");

    [TempoBlockFact]
    public void Parses_and_reserialises_Tempos_index_file()
    {
        var json = File.ReadAllBytes(Path.Combine(RepoPaths.TempoVParquet4Block, "index"));

        var index = BlockIndex.Parse(json, "single-tenant/b27b/index");

        index.RowGroups.Should().ContainSingle().Which.Should().Equal(Convert.FromHexString("0000000000000000FFF92EEBF68F8230"));
        index.Serialize().Should().Equal(json);
        index.FindRowGroup(Convert.FromHexString("000000000000000000474BE8B43449FB")).Should().Be(0);
        index.FindRowGroup(Convert.FromHexString("0000000000000000FFF92EEBF68F8230")).Should().Be(0);
        index.FindRowGroup(Convert.FromHexString("0000000000000000FFF92EEBF68F8231")).Should().Be(-1);
    }

    [Fact]
    public void Finds_the_first_row_group_whose_max_is_at_least_the_id()
    {
        var index = new BlockIndex([Id(10), Id(20), Id(20), Id(30)]);

        index.FindRowGroup(Id(0)).Should().Be(0);
        index.FindRowGroup(Id(10)).Should().Be(0);
        index.FindRowGroup(Id(11)).Should().Be(1);
        index.FindRowGroup(Id(20)).Should().Be(1);
        index.FindRowGroup(Id(21)).Should().Be(3);
        index.FindRowGroup(Id(30)).Should().Be(3);
        index.FindRowGroup(Id(31)).Should().Be(-1);
        new BlockIndex().FindRowGroup(Id(1)).Should().Be(-1);
    }

    [Fact]
    public void Round_trips_as_tempo_json()
    {
        var index = new BlockIndex();
        index.AddRowGroup(Id(1));
        index.AddRowGroup(Id(2));

        var json = index.Serialize();

        Encoding.UTF8.GetString(json).Should().Be("""{"rowGroups":["AAAAAAAAAAAAAAAAAAAAAQ==","AAAAAAAAAAAAAAAAAAAAAg=="]}""");
        BlockIndex.Parse(json, "k").RowGroups.Should().HaveCount(2);
        BlockIndex.Parse("""{"rowGroups":null}"""u8, "k").RowGroups.Should().BeEmpty();
    }

    [Fact]
    public void Rejects_unsorted_and_malformed_indexes()
    {
        var index = new BlockIndex([Id(5)]);
        var unsorted = () => index.AddRowGroup(Id(4));
        var badJson = () => BlockIndex.Parse("{"u8, "t/b/index");
        var badEntry = () => BlockIndex.Parse("""{"rowGroups":[1]}"""u8, "t/b/index");
        var unsortedFile = () => BlockIndex.Parse("""{"rowGroups":["AAAAAAAAAAAAAAAAAAAAAg==","AAAAAAAAAAAAAAAAAAAAAQ=="]}"""u8, "t/b/index");

        unsorted.Should().Throw<ArgumentException>().WithMessage("*sorted by trace ID*");
        badJson.Should().Throw<BlockIndexException>().WithMessage("t/b/index: block index is not valid JSON*");
        badEntry.Should().Throw<BlockIndexException>().WithMessage("*rowGroups[0] is not a base64 trace ID*");
        unsortedFile.Should().Throw<BlockIndexException>().WithMessage("*corrupt*");
    }
}
