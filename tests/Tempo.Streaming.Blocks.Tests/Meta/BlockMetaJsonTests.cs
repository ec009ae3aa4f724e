using System.Text;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.Infrastructure;

namespace Tempo.Streaming.Blocks.Tests.Meta;

public sealed class BlockMetaJsonTests
{
    private const string Key = "single-tenant/b27b0e53-66a0-4505-afd6-434ae3cd4a10/meta.json";

    [TempoBlockFact]
    public void Parses_Tempos_meta_json()
    {
        var json = File.ReadAllBytes(Path.Combine(RepoPaths.TempoVParquet4Block, "meta.json"));

        var meta = BlockMetaJson.Parse(json, Key);

        meta.Format.Should().Be("vParquet4");
        meta.BlockId.Should().Be(new Guid("b27b0e53-66a0-4505-afd6-434ae3cd4a10"));
        meta.TenantId.Should().Be("single-tenant");
        Convert.ToHexString(meta.MinId!).Should().Be("000000000000000000474BE8B43449FB");
        Convert.ToHexString(meta.MaxId!).Should().Be("0000000000000000FFF92EEBF68F8230");
        meta.StartTime.Should().Be(new DateTimeOffset(2022, 7, 4, 11, 11, 9, TimeSpan.Zero));
        meta.EndTime.Should().Be(new DateTimeOffset(2022, 7, 4, 11, 11, 35, TimeSpan.Zero));
        meta.TotalObjects.Should().Be(134);
        meta.Size.Should().Be(77187);
        meta.CompactionLevel.Should().Be(0);
        meta.Encoding.Should().Be("none");
        meta.TotalRecords.Should().Be(1);
        meta.DataEncoding.Should().BeEmpty();
        meta.BloomShards.Should().Be(1);
        meta.FooterSize.Should().Be(17711);
        meta.ReplicationFactor.Should().Be(0);
        meta.Ingest.Should().BeNull();
        meta.DedicatedColumns.Should().Equal(
            new DedicatedColumn("resource", "ip", "string"),
            new DedicatedColumn("span", "instance", "string"),
            new DedicatedColumn("span", "version", "string"),
            new DedicatedColumn("span", "region", "string"),
            new DedicatedColumn("span", "sampler.type", "string"));
    }

    [TempoBlockFact]
    public void Reserialises_Tempos_meta_json_byte_for_byte()
    {
        var json = File.ReadAllBytes(Path.Combine(RepoPaths.TempoVParquet4Block, "meta.json"));

        var again = BlockMetaJson.Serialize(BlockMetaJson.Parse(json, Key));

        Encoding.UTF8.GetString(again).Should().Be(Encoding.UTF8.GetString(json).TrimEnd());
    }

    [Fact]
    public void Round_trips_our_fields_including_lineage()
    {
        var meta = SampleMeta();

        var json = BlockMetaJson.Serialize(meta);
        var parsed = BlockMetaJson.Parse(json, "t/x/meta.json");

        BlockMetaJson.Serialize(parsed).Should().Equal(json);
        parsed.Ingest.Should().Be(meta.Ingest);
        parsed.IngestRanges.Should().Equal(meta.IngestRanges);
        parsed.DedicatedColumns.Should().Equal(meta.DedicatedColumns);
        parsed.StartTime.Should().Be(meta.StartTime);
        parsed.EndTime.Should().Be(meta.EndTime);
        parsed.ReplicationFactor.Should().Be(1);
    }

    [Fact]
    public void Writes_Tempos_short_dedicated_column_form_and_our_lineage_shape()
    {
        var text = Encoding.UTF8.GetString(BlockMetaJson.Serialize(SampleMeta()));

        text.Should().Contain("""
            "dedicatedColumns":[{"s":"resource","n":"k8s.pod.name"},{"n":"http.method"},{"n":"http.status_code","t":"int"}]
            """);
        text.Should().Contain("""
            "ingest":{"topic":"tempo-ingest","partition":3,"firstOffset":100,"lastOffset":199,"records":100,"spans":2500}
            """);
        text.Should().Contain("\"startTime\":\"2025-01-02T03:04:05.5Z\"");
        text.Should().Contain("\"replicationFactor\":1");
        text.Should().StartWith("{\"format\":\"vParquet4\",\"blockID\":\"");
    }

    [Fact]
    public void Omits_empty_optional_fields()
    {
        var meta = new BlockMeta { BlockId = Guid.NewGuid(), TenantId = "t" };

        var text = Encoding.UTF8.GetString(BlockMetaJson.Serialize(meta));

        text.Should().NotContain("dedicatedColumns").And.NotContain("replicationFactor").And.NotContain("ingest")
            .And.NotContain("minID");
    }

    [Fact]
    public void Ignores_unknown_fields_and_parses_nanosecond_times_with_offsets()
    {
        var json = """
            {"format":"vParquet4","blockID":"00000000-0000-0000-0000-000000000001","tenantID":"t","future":{"x":[1,2]},
             "startTime":"2024-05-06T07:08:09.123456789+02:00","endTime":"2024-05-06T07:08:10Z","size":5}
            """u8;

        var meta = BlockMetaJson.Parse(json, "t/1/meta.json");

        meta.StartTime.Should().Be(new DateTimeOffset(2024, 5, 6, 5, 8, 9, TimeSpan.Zero).AddTicks(1234567));
        meta.Size.Should().Be(5);
        meta.Encoding.Should().Be("none");
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"blockID":"00000000-0000-0000-0000-000000000001","tenantID":"t"}""", "has no format")]
    [InlineData("""{"format":"vParquet4","tenantID":"t"}""", "has no blockID")]
    [InlineData("""{"format":"vParquet4","blockID":"00000000-0000-0000-0000-000000000001"}""", "has no tenantID")]
    [InlineData("""{"format":"vParquet3","blockID":"00000000-0000-0000-0000-000000000001","tenantID":"t"}""", "'vParquet3' is not supported")]
    [InlineData("""{"format":"vParquet4","blockID":"nope","tenantID":"t"}""", "blockID 'nope' is not a UUID")]
    [InlineData("""{"format":"vParquet4","blockID":"00000000-0000-0000-0000-000000000001","tenantID":"t","startTime":"yesterday"}""", "startTime must be an RFC 3339 time")]
    [InlineData("""{"format":"vParquet4","blockID":"00000000-0000-0000-0000-000000000001","tenantID":"t","size":"big"}""", "size must be an integer")]
    public void Rejects_bad_meta_with_a_message_naming_the_object(string json, string expected)
    {
        var act = () => BlockMetaJson.Parse(Encoding.UTF8.GetBytes(json), "tenant-a/blk/meta.json");

        act.Should().Throw<BlockMetaException>().Which.Message.Should().StartWith("tenant-a/blk/meta.json: ").And.Contain(expected);
    }

    [Fact]
    public void Compacted_meta_is_the_flat_meta_plus_compactedTime()
    {
        var compacted = new CompactedBlockMeta
        {
            Meta = SampleMeta(),
            CompactedTime = new DateTimeOffset(2025, 2, 3, 4, 5, 6, TimeSpan.Zero),
        };

        var json = BlockMetaJson.SerializeCompacted(compacted);
        var parsed = BlockMetaJson.ParseCompacted(json, "t/x/meta.compacted.json");

        Encoding.UTF8.GetString(json).Should().EndWith(",\"compactedTime\":\"2025-02-03T04:05:06Z\"}");
        parsed.CompactedTime.Should().Be(compacted.CompactedTime);
        BlockMetaJson.Serialize(parsed.Meta).Should().Equal(BlockMetaJson.Serialize(compacted.Meta));
        var missing = () => BlockMetaJson.ParseCompacted(BlockMetaJson.Serialize(SampleMeta()), "k");
        missing.Should().Throw<BlockMetaException>().WithMessage("*no compactedTime*");
    }

    internal static BlockMeta SampleMeta() => new()
    {
        BlockId = new Guid("11111111-2222-5333-8444-555555555555"),
        TenantId = "tenant-a",
        MinId = Convert.FromHexString("00000000000000000000000000000001"),
        MaxId = Convert.FromHexString("ffffffffffffffffffffffffffffffff"),
        StartTime = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 500, TimeSpan.Zero),
        EndTime = new DateTimeOffset(2025, 1, 2, 3, 9, 0, TimeSpan.Zero),
        TotalObjects = 1234,
        Size = 9_876_543,
        CompactionLevel = 1,
        TotalRecords = 3,
        BloomShards = 2,
        FooterSize = 4567,
        ReplicationFactor = 1,
        DedicatedColumns =
        [
            new DedicatedColumn("resource", "k8s.pod.name", "string"),
            new DedicatedColumn("span", "http.method", "string"),
            new DedicatedColumn("span", "http.status_code", "int"),
        ],
        Ingest = new IngestLineage("tempo-ingest", 3, 100, 199, 100, 2500),
        IngestRanges =
        [
            new IngestLineage("tempo-ingest", 3, 0, 99, 100, 2000),
            new IngestLineage("tempo-ingest", 3, 100, 199, 100, 2500),
        ],
    };
}
