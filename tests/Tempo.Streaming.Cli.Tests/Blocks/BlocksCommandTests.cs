using System.Text.Json;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.Infrastructure;

namespace Tempo.Streaming.Cli.Tests.Blocks;

/// <summary>
/// <c>tempo-streaming-cli blocks ...</c> run as a process over a local blocks folder holding Tempo's own test block,
/// a block we wrote from the shop workload, a corrupt block and a half-written one.
/// </summary>
public sealed class BlocksCommandTests : IAsyncLifetime
{
    private const string TempoBlockId = "b27b0e53-66a0-4505-afd6-434ae3cd4a10";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tempo-cli-blocks-" + Guid.NewGuid().ToString("N"));
    private BlockMeta _shop = null!;
    private BlockMeta _broken = null!;
    private BlockMeta _shopCorrupt = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var store = new LocalObjectStore(_root);
        _shop = await BlockFixtures.WriteShopBlockAsync(store, "shop", 0, 40);
        _broken = await BlockFixtures.WriteShopBlockAsync(store, "broken", 100, 20);
        Truncate("broken", _broken);
        // Traces 10..29 again, from another log range: a corrupt copy next to the sound block that also holds them.
        _shopCorrupt = await BlockFixtures.WriteShopBlockAsync(store, "shop", 10, 20);
        Truncate("shop", _shopCorrupt);
        // A block whose writer died before meta.json: it must be listed as incomplete, never read.
        var unfinished = Path.Combine(_root, "shop", Guid.NewGuid().ToString("D"));
        Directory.CreateDirectory(unfinished);
        File.WriteAllBytes(Path.Combine(unfinished, BlockPaths.DataName), [1, 2, 3]);
        if (Directory.Exists(RepoPaths.TempoVParquet4Block))
        {
            BlockFixtures.CopyTempoBlock(_root);
        }
    }

    private void Truncate(string tenant, BlockMeta meta)
    {
        var data = Path.Combine(_root, tenant, meta.BlockId.ToString("D"), BlockPaths.DataName);
        var bytes = File.ReadAllBytes(data);
        File.WriteAllBytes(data, bytes[..(bytes.Length / 2)]);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task List_shows_every_tenant_and_block_and_names_the_unfinished_one()
    {
        var result = await CliProcess.RunAsync("blocks", "list", "--path", _root);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("tenant shop: 3 block(s)").And.Contain(_shop.BlockId.ToString("D"))
            .And.Contain("tempo-ingest/0:0-39").And.Contain("not completely written");
        result.Output.Should().Contain("tenant broken: 1 block(s)");
        var shopLine = result.Output.Split('\n').Single(l => l.Contains(_shop.BlockId.ToString("D")));
        shopLine.Should().Contain(" 40 ").And.Contain("live");
    }

    [TempoBlockFact]
    public async Task Inspect_reads_Tempos_block_and_reports_bytes_by_column_family()
    {
        var result = await CliProcess.RunAsync("blocks", "inspect", "--path", _root, "--block", TempoBlockId);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("traces     134").And.Contain("parquet-go").And.Contain("footer 17711 bytes");
        foreach (var family in new[] { "ids", "times", "attributes", "names" })
        {
            result.Output.Should().MatchRegex($"(?m)^{family} +[1-9][0-9]* ");
        }
        result.Output.Should().Contain("rs.list.element.ss.list.element.Spans.list.element.Name");
    }

    [Fact]
    public async Task Dump_trace_prints_the_trace_as_Tempo_json_with_every_span_despite_a_corrupt_block()
    {
        var index = 17;
        var result = await CliProcess.RunAsync("blocks", "dump-trace", "--path", _root, "--tenant", "shop",
            "--trace-id", BlockFixtures.Workload.TraceIdHex(index));

        result.ExitCode.Should().Be(0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var spans = json.RootElement.GetProperty("batches").EnumerateArray()
            .SelectMany(b => b.GetProperty("scopeSpans").EnumerateArray())
            .SelectMany(s => s.GetProperty("spans").EnumerateArray()).ToList();
        spans.Should().HaveCount(BlockFixtures.Workload.SpanCount(index));
        result.Error.Should().Contain($"warning: block shop/{_shopCorrupt.BlockId:D} is corrupt");
        var traceIdBase64 = Convert.ToBase64String(BlockFixtures.Workload.TraceId(index));
        spans.Should().OnlyContain(s => s.GetProperty("traceId").GetString() == traceIdBase64);
    }

    [Fact]
    public async Task Dump_trace_of_an_unknown_trace_exits_1_naming_it()
    {
        var result = await CliProcess.RunAsync("blocks", "dump-trace", "--path", _root, "--tenant", "shop", "--trace-id", "abc123");

        result.ExitCode.Should().Be(1, result.ToString());
        result.Error.Should().Contain("trace 00000000000000000000000000abc123 is not in any of the 2 block(s) of tenant shop");
    }

    [Fact]
    public async Task Verify_passes_sound_blocks_and_fails_the_corrupt_one_with_its_problem()
    {
        var all = await CliProcess.RunAsync("blocks", "verify", "--path", _root);
        all.ExitCode.Should().Be(1, all.ToString());
        all.Output.Should().Contain($"ok       shop/{_shop.BlockId:D}").And.Contain($"CORRUPT  broken/{_broken.BlockId:D}")
            .And.Contain("data.parquet is");

        var sound = await CliProcess.RunAsync("blocks", "verify", "--path", _root, "--tenant", "broken", "--block", _shop.BlockId.ToString("D"));
        sound.ExitCode.Should().Be(1, "the block is not in tenant broken");

        var shopOnly = await CliProcess.RunAsync("blocks", "verify", "--path", _root, "--tenant", "shop", "--block", _shop.BlockId.ToString("D"));
        shopOnly.ExitCode.Should().Be(0, shopOnly.ToString());
        shopOnly.Output.Should().Contain("1 block(s) checked, 0 with problems");
    }

    [Fact]
    public async Task Index_writes_each_tenants_index_with_its_readable_blocks()
    {
        var result = await CliProcess.RunAsync("blocks", "index", "--path", _root);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("shop/index.json.gz: 2 live, 0 compacted block(s)").And.Contain("left out");
        var key = BlockPaths.TenantIndex("shop");
        var index = TenantIndex.Parse(File.ReadAllBytes(Path.Combine(_root, key)), key);
        index.Metas.Select(m => m.BlockId).Should().BeEquivalentTo([_shop.BlockId, _shopCorrupt.BlockId]);
        index.Metas.Single(m => m.BlockId == _shop.BlockId).TotalObjects.Should().Be(40);
        index.CreatedAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
    }

    [Theory]
    [InlineData("list --backend s3", "--s3.bucket is required")]
    [InlineData("list --path /nonexistent/blocks", "is not a folder")]
    [InlineData("inspect --path . --block not-a-uuid", "is not a block ID")]
    [InlineData("dump-trace --path . --trace-id xyz", "is not a hex trace ID")]
    public async Task Bad_arguments_exit_2_and_say_what_is_wrong(string arguments, string message)
    {
        var result = await CliProcess.RunAsync(["blocks", .. arguments.Split(' ')]);

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain(message);
    }
}
