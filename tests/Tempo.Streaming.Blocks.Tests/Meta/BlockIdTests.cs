using System.Text;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Meta;

public sealed class BlockIdTests
{
    private static readonly Guid DnsNamespace = new("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

    [Theory]
    // Python's uuid.uuid5(uuid.NAMESPACE_DNS, name), the de-facto reference vectors for RFC 4122 v5.
    [InlineData("python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d")]
    [InlineData("www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2")]
    public void NameBased_matches_known_uuid_v5_vectors(string name, string expected)
    {
        BlockId.NameBased(DnsNamespace, Encoding.UTF8.GetBytes(name)).Should().Be(new Guid(expected));
    }

    [Fact]
    public void FromLineage_is_deterministic_version_5_and_distinguishes_every_field()
    {
        var id = BlockId.FromLineage("single-tenant", "tempo-ingest", 2, 1000, 1999);

        BlockId.FromLineage("single-tenant", "tempo-ingest", 2, 1000, 1999).Should().Be(id);
        id.Version.Should().Be(5);
        id.ToString("D")[19].Should().BeOneOf('8', '9', 'a', 'b');
        new[]
        {
            BlockId.FromLineage("other", "tempo-ingest", 2, 1000, 1999),
            BlockId.FromLineage("single-tenant", "other", 2, 1000, 1999),
            BlockId.FromLineage("single-tenant", "tempo-ingest", 3, 1000, 1999),
            BlockId.FromLineage("single-tenant", "tempo-ingest", 2, 1001, 1999),
            BlockId.FromLineage("single-tenant", "tempo-ingest", 2, 1000, 2000),
        }.Should().OnlyHaveUniqueItems().And.NotContain(id);
    }

    [Fact]
    public void FromLineage_is_frozen()
    {
        // Golden value: changing the namespace or the name layout would give rebuilt blocks new IDs (duplicates).
        BlockId.NameBased(BlockId.LineageNamespace, "tempo-block\nsingle-tenant\ntempo-ingest\n0\n0\n99"u8)
            .Should().Be(BlockId.FromLineage("single-tenant", "tempo-ingest", 0, 0, 99));
        BlockId.FromLineage("single-tenant", "tempo-ingest", 0, 0, 99).Should().Be(new Guid(FrozenId));
    }

    // Computed independently: Python uuid.uuid5(UUID("75accd03-..."), "tempo-block\nsingle-tenant\ntempo-ingest\n0\n0\n99").
    private const string FrozenId = "b8d9e9d1-c2f3-555f-8391-88789670d6be";
}
