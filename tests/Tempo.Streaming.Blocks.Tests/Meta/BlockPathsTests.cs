using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Meta;

public sealed class BlockPathsTests
{
    private static readonly Guid Block = new("b27b0e53-66a0-4505-afd6-434ae3cd4a10");

    [Fact]
    public void Uses_Tempos_key_layout()
    {
        BlockPaths.Meta("single-tenant", Block).Should().Be("single-tenant/b27b0e53-66a0-4505-afd6-434ae3cd4a10/meta.json");
        BlockPaths.CompactedMeta("t", Block).Should().Be("t/b27b0e53-66a0-4505-afd6-434ae3cd4a10/meta.compacted.json");
        BlockPaths.Data("t", Block).Should().Be("t/b27b0e53-66a0-4505-afd6-434ae3cd4a10/data.parquet");
        BlockPaths.Bloom("t", Block, 12).Should().Be("t/b27b0e53-66a0-4505-afd6-434ae3cd4a10/bloom-12");
        BlockPaths.Index("t", Block).Should().Be("t/b27b0e53-66a0-4505-afd6-434ae3cd4a10/index");
        BlockPaths.TenantIndex("t").Should().Be("t/index.json.gz");
        BlockPaths.BlockFolder("t", Block).Should().Be("t/b27b0e53-66a0-4505-afd6-434ae3cd4a10/");
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a b")]
    public void Rejects_tenants_that_are_not_one_path_segment(string tenant)
    {
        var act = () => BlockPaths.Meta(tenant, Block);

        act.Should().Throw<ArgumentException>().WithMessage("*tenant ID*");
    }
}
