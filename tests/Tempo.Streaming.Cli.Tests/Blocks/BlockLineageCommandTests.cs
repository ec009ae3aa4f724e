using System.Text.Json;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.Tests.Infrastructure;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.Cli.Tests.Blocks;

/// <summary>
/// <c>tempo-streaming-cli blocks lineage</c> as a process over a local backend holding real blocks written by the block
/// writer (log ranges as the live store cuts them: consecutive ranges of partition 0, one block per tenant per range),
/// with and without an embedded ingest log for the offsets.
/// </summary>
public sealed class BlockLineageCommandTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tempo-cli-lineage-" + Guid.NewGuid().ToString("N"));
    private string Blocks => Path.Combine(_root, "blocks");
    private string Log => Path.Combine(_root, "log");
    private readonly List<BlockMeta> _shop = [];
    private BlockMeta _other = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Blocks);
        var store = new LocalObjectStore(Blocks);
        // Three flushes of partition 0: [0,19], [20,39], [40,59]; tenant "other" only sent spans in the first range.
        _shop.Add(await BlockFixtures.WriteShopBlockAsync(store, "shop", 0, 20));
        _shop.Add(await BlockFixtures.WriteShopBlockAsync(store, "shop", 20, 20));
        _shop.Add(await BlockFixtures.WriteShopBlockAsync(store, "shop", 40, 20));
        _other = await BlockFixtures.WriteShopBlockAsync(store, "other", 0, 20);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>An embedded log whose partition 0 holds <paramref name="records"/> records, the live-store group committed at <paramref name="committed"/>.</summary>
    private async Task WriteLogAsync(int records, long committed)
    {
        await using var log = EmbeddedIngestLog.Open(new EmbeddedLogOptions { Path = Log, Partitions = 2 });
        var batch = new List<IngestRecord>();
        for (var i = 0; i < records; i++)
        {
            batch.Add(new IngestRecord("shop"u8.ToArray(), new byte[] { 1, 2, 3 }, DateTimeOffset.UtcNow));
        }
        await log.AppendAsync(0, batch, CancellationToken.None);
        await log.CommitAsync("live-store", 0, committed, CancellationToken.None);
    }

    [Fact]
    public async Task Consecutive_flushes_are_healthy_and_exit_0()
    {
        var result = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("lineage: HEALTHY (1 partition(s), no gaps, no overlaps)")
            .And.Contain("tempo-ingest/0  HEALTHY")
            .And.Contain("audited 0-59")
            .And.Contain($"live other/{_other.BlockId:D}, live shop/{_shop[0].BlockId:D}");
    }

    [Fact]
    public async Task A_deleted_block_is_a_gap_and_exits_1()
    {
        Directory.Delete(Path.Combine(Blocks, "shop", _shop[1].BlockId.ToString("D")), recursive: true);

        var result = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Output.Should().Contain("lineage: 1 gap(s), 0 overlap(s) in 1 of 1 partition(s)")
            .And.Contain("GAP      20-39 (20 records): no block");
    }

    [Fact]
    public async Task With_the_log_the_committed_offset_bounds_the_audit_and_the_rest_is_not_yet_flushed()
    {
        await WriteLogAsync(records: 75, committed: 60);

        var result = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks, "--log.path", Log, "--json");

        result.ExitCode.Should().Be(0, result.ToString());
        using var report = JsonDocument.Parse(result.Output);
        report.RootElement.GetProperty("healthy").GetBoolean().Should().BeTrue();
        var partitions = report.RootElement.GetProperty("partitions");
        partitions.GetArrayLength().Should().Be(2, "both partitions of the log are audited");
        var p0 = partitions[0];
        p0.GetProperty("committedOffset").GetInt64().Should().Be(60);
        p0.GetProperty("highWatermark").GetInt64().Should().Be(75);
        p0.GetProperty("notYetFlushed").GetProperty("firstOffset").GetInt64().Should().Be(60);
        p0.GetProperty("notYetFlushed").GetProperty("lastOffset").GetInt64().Should().Be(74);
        p0.GetProperty("covered").GetArrayLength().Should().Be(3);
        partitions[1].GetProperty("audited").ValueKind.Should().Be(JsonValueKind.Null, "partition 1 is empty");
    }

    [Fact]
    public async Task A_committed_offset_past_the_last_block_is_a_gap()
    {
        // The group says offsets up to 69 are in blocks, but the last block ends at 59.
        await WriteLogAsync(records: 75, committed: 70);

        var result = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks, "--log.path", Log, "--partition", "0", "--tenant", "shop");

        result.ExitCode.Should().Be(1, result.ToString());
        result.Output.Should().Contain("lineage tenant shop partition 0: 1 gap(s)")
            .And.Contain("GAP      60-69 (10 records)")
            .And.Contain("not yet flushed: 70-74 (5 records)")
            .And.Contain("(+1 block(s) of other tenants)")
            .And.NotContain(_other.BlockId.ToString("D"));
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_a_message()
    {
        var missing = await CliProcess.RunAsync("blocks", "lineage", "--path", Path.Combine(_root, "nowhere"));
        var noBucket = await CliProcess.RunAsync("blocks", "lineage", "--backend", "s3");
        var badTenant = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks, "--tenant", "..");
        var negative = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks, "--partition", "-1");
        var both = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks, "--log.path", Log, "--kafka.address", "localhost:9092");

        missing.ExitCode.Should().Be(2, missing.ToString());
        missing.Error.Should().Contain("is not a folder");
        noBucket.ExitCode.Should().Be(2, noBucket.ToString());
        noBucket.Error.Should().Contain("--s3.bucket is required");
        badTenant.ExitCode.Should().Be(2, badTenant.ToString());
        negative.ExitCode.Should().Be(2, negative.ToString());
        negative.Error.Should().Contain("--partition must be >= 0");
        both.ExitCode.Should().Be(2, both.ToString());
        both.Error.Should().Contain("cannot be combined");
    }

    [Fact]
    public async Task A_folder_without_a_log_is_a_clear_error()
    {
        Directory.CreateDirectory(Log);

        var result = await CliProcess.RunAsync("blocks", "lineage", "--path", Blocks, "--log.path", Log);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Error.Should().Contain($"--log.path '{Log}'");
    }
}

/// <summary><c>blocks lineage</c> against an S3 bucket (s3rver): the same audit, and a bucket that does not exist.</summary>
public sealed class BlockLineageOnS3Tests : IAsyncLifetime
{
    private S3rverProcess _s3 = null!;

    public async Task InitializeAsync() => _s3 = await S3rverProcess.StartAsync("lineage");

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    private string[] S3Args(string bucket) =>
    [
        "--backend", "s3", "--s3.bucket", bucket, "--s3.endpoint", $"127.0.0.1:{_s3.Port}", "--s3.insecure",
        "--s3.access-key", S3rverProcess.AccessKey, "--s3.secret-key", S3rverProcess.SecretKey,
    ];

    [Fact]
    public async Task Blocks_in_a_bucket_are_audited_and_a_missing_bucket_is_named()
    {
        using var store = new S3ObjectStore(new S3BackendOptions
        {
            Bucket = _s3.Bucket, Endpoint = _s3.Endpoint, AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey,
        });
        await BlockFixtures.WriteShopBlockAsync(store, "shop", 0, 10);
        await BlockFixtures.WriteShopBlockAsync(store, "shop", 20, 10);
        // s3rver lists a folder under the bucket root only when it holds an object directly; the tenant index is that object.
        await store.PutAsync(BlockPaths.TenantIndex("shop"), new TenantIndex { CreatedAt = DateTimeOffset.UtcNow }.Serialize());

        var audit = await CliProcess.RunAsync(["blocks", "lineage", .. S3Args(_s3.Bucket)]);
        var missing = await CliProcess.RunAsync(["blocks", "lineage", .. S3Args("no-such-bucket")]);

        audit.ExitCode.Should().Be(1, audit.ToString());
        audit.Output.Should().Contain("GAP      10-19 (10 records): no block");
        missing.ExitCode.Should().Be(1, missing.ToString());
        missing.Error.Should().Contain("s3 bucket 'no-such-bucket' does not exist");
    }
}
