using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Tests.Infrastructure;

namespace Tempo.Streaming.Cli.Tests.Blocks;

/// <summary>The same commands against an S3 bucket (s3rver), with the credentials and endpoint options a user gives.</summary>
public sealed class BlocksOnS3Tests : IAsyncLifetime
{
    private S3rverProcess _s3 = null!;

    public async Task InitializeAsync() => _s3 = await S3rverProcess.StartAsync("blocks");

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    private string[] S3Args(string accessKey = S3rverProcess.AccessKey) =>
    [
        "--backend", "s3", "--s3.bucket", _s3.Bucket, "--s3.endpoint", $"127.0.0.1:{_s3.Port}", "--s3.insecure",
        "--s3.access-key", accessKey, "--s3.secret-key", S3rverProcess.SecretKey,
    ];

    [Fact]
    public async Task Blocks_written_to_a_bucket_are_listed_verified_and_their_traces_found()
    {
        using var store = new S3ObjectStore(new S3BackendOptions
        {
            Bucket = _s3.Bucket, Endpoint = _s3.Endpoint, AccessKey = S3rverProcess.AccessKey, SecretKey = S3rverProcess.SecretKey,
        });
        var meta = await BlockFixtures.WriteShopBlockAsync(store, "shop", 0, 30);

        var list = await CliProcess.RunAsync(["blocks", "list", "--tenant", "shop", .. S3Args()]);
        list.ExitCode.Should().Be(0, list.ToString());
        list.Output.Should().Contain(meta.BlockId.ToString("D")).And.Contain("s3");

        var verify = await CliProcess.RunAsync(["blocks", "verify", "--tenant", "shop", .. S3Args()]);
        verify.ExitCode.Should().Be(0, verify.ToString());
        verify.Output.Should().Contain("1 block(s) checked, 0 with problems");

        var dump = await CliProcess.RunAsync(["blocks", "dump-trace", "--tenant", "shop", "--trace-id", BlockFixtures.Workload.TraceIdHex(3), .. S3Args()]);
        dump.ExitCode.Should().Be(0, dump.ToString());
        dump.Output.Should().StartWith("{\"batches\":[");
    }

    [Fact]
    public async Task A_wrong_access_key_is_a_clear_error()
    {
        var result = await CliProcess.RunAsync(["blocks", "list", "--tenant", "shop", .. S3Args(accessKey: "NOT-A-KEY")]);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Error.Should().Contain("credentials were rejected");
    }

    [Fact]
    public async Task The_bench_runs_against_the_bucket_and_cleans_up()
    {
        var result = await CliProcess.RunAsync(["blocks", "bench", "--traces", "300", "--runs", "1", "--lookups", "20", .. S3Args()]);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Output.Should().Contain("spans/s wall").And.Contain("bytes/span").And.Contain("trace by ID  warm p50").And.Contain("warming p50");
        var left = await CliProcess.RunAsync(["blocks", "list", "--tenant", "bench", .. S3Args()]);
        left.Output.Should().Contain("tenant bench: 0 block(s)");
    }
}
