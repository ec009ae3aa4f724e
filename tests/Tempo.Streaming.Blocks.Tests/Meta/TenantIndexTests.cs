using System.IO.Compression;
using System.Text;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Tests.Meta;

public sealed class TenantIndexTests
{
    [Fact]
    public void Round_trips_live_and_compacted_metas_through_gzip_json()
    {
        var index = new TenantIndex
        {
            CreatedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234),
            Metas = [BlockMetaJsonTests.SampleMeta()],
            CompactedMetas = [new CompactedBlockMeta { Meta = BlockMetaJsonTests.SampleMeta(), CompactedTime = DateTimeOffset.UnixEpoch }],
        };

        var bytes = index.Serialize();
        var parsed = TenantIndex.Parse(bytes, "tenant-a/index.json.gz");

        bytes[0].Should().Be(0x1f, "the object is gzip");
        parsed.CreatedAt.Should().Be(index.CreatedAt);
        parsed.Metas.Should().HaveCount(1);
        BlockMetaJson.Serialize(parsed.Metas[0]).Should().Equal(BlockMetaJson.Serialize(index.Metas[0]));
        parsed.CompactedMetas.Should().ContainSingle().Which.CompactedTime.Should().Be(DateTimeOffset.UnixEpoch);
        parsed.Serialize().Should().Equal(bytes);
    }

    [Fact]
    public void Reads_Tempos_shape_with_null_lists_and_other_formats()
    {
        // Go marshals nil slices as null; Tempo indexes may list blocks of older formats.
        var json = """
            {"created_at":"2024-01-01T00:00:00.000000001Z","meta":[{"format":"vParquet3","blockID":"00000000-0000-0000-0000-000000000002",
             "tenantID":"t","startTime":"2024-01-01T00:00:00Z","endTime":"2024-01-01T00:00:00Z"}],"compacted":null}
            """;

        var parsed = TenantIndex.Parse(Gzip(json), "t/index.json.gz");

        parsed.Metas.Should().ContainSingle().Which.Format.Should().Be("vParquet3");
        parsed.CompactedMetas.Should().BeEmpty();
        parsed.CreatedAt.Should().Be(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Names_the_object_when_it_is_not_gzip_or_not_json()
    {
        var notGzip = () => TenantIndex.Parse("{}"u8, "t/index.json.gz");
        var notJson = () => TenantIndex.Parse(Gzip("{oops"), "t/index.json.gz");

        notGzip.Should().Throw<BlockMetaException>().WithMessage("t/index.json.gz: tenant index is not gzip data*");
        notJson.Should().Throw<BlockMetaException>().WithMessage("t/index.json.gz: not valid JSON*");
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionMode.Compress))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}
