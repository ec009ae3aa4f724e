using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Tests.Infrastructure;

namespace Tempo.Streaming.Blocks.Tests.Backend;

[Collection(S3rverCollection.Name)]
public sealed class S3ObjectStoreContractTests : ObjectStoreContractTests, IDisposable
{
    private readonly S3ObjectStore _store;

    public S3ObjectStoreContractTests(S3rverFixture s3)
    {
        _store = s3.CreateStore(o => o with { PartSizeBytes = PartSize, ListPageSize = PageSize });
    }

    protected override IObjectStore Store => _store;

    public void Dispose() => _store.Dispose();
}

[Collection(S3rverCollection.Name)]
public sealed class S3ObjectStoreTests(S3rverFixture s3)
{
    [Fact]
    public async Task Keys_live_under_the_configured_prefix_in_the_bucket()
    {
        var prefix = "tempo-" + Guid.NewGuid().ToString("N");
        using var prefixed = new S3ObjectStore(s3.Options(prefix));
        using var root = new S3ObjectStore(s3.Options(""));

        await prefixed.PutAsync("single-tenant/b1/meta.json", "{}"u8.ToArray());
        await prefixed.PutAsync("single-tenant/index.json.gz", "{}"u8.ToArray());

        var keys = new List<string>();
        await foreach (var key in root.ListAsync(prefix + "/"))
        {
            keys.Add(key);
        }

        keys.Should().Equal(prefix + "/single-tenant/b1/meta.json", prefix + "/single-tenant/index.json.gz");
        (await prefixed.ListFoldersAsync("").ToListAsync()).Should().Equal("single-tenant");
    }

    [Fact]
    public async Task Top_level_folders_are_listed_even_when_they_hold_only_folders()
    {
        // s3rver's delimiter listing leaves these tenant folders out (none holds an object directly): the tenants of
        // freshly flushed blocks, before any compactor wrote their index.json.gz.
        using var store = s3.CreateStore();
        await store.PutAsync("tenant-b/0b7f3c52-9d3e-4a5e-9c39-4c1f3a0f0d01/meta.json", "{}"u8.ToArray());
        await store.PutAsync("tenant-a/1c7f3c52-9d3e-4a5e-9c39-4c1f3a0f0d02/meta.json", "{}"u8.ToArray());
        await store.PutAsync("tenant-a/2c7f3c52-9d3e-4a5e-9c39-4c1f3a0f0d03/data.parquet", "x"u8.ToArray());
        await store.PutAsync("tenant-a0/3c7f3c52-9d3e-4a5e-9c39-4c1f3a0f0d04/meta.json", "{}"u8.ToArray());
        await store.PutAsync("tenant-c/index.json.gz", "{}"u8.ToArray());
        await store.PutAsync("top-level-object", "x"u8.ToArray());

        (await store.ListFoldersAsync("").ToListAsync()).Should().Equal("tenant-a", "tenant-a0", "tenant-b", "tenant-c");
        (await store.ListFoldersAsync("tenant-a/").ToListAsync()).Should().Equal(
            "1c7f3c52-9d3e-4a5e-9c39-4c1f3a0f0d02", "2c7f3c52-9d3e-4a5e-9c39-4c1f3a0f0d03");
    }

    [Fact]
    public async Task A_wrong_access_key_is_a_clear_credentials_error_and_writes_nothing()
    {
        var options = s3.Options();
        using var wrong = new S3ObjectStore(options with { AccessKey = "WRONG", MaxAttempts = 4 });
        using var right = new S3ObjectStore(options);

        var act = () => wrong.PutAsync("t/x", "secret"u8.ToArray());

        var error = (await act.Should().ThrowAsync<BackendException>()).Which;
        error.Should().NotBeOfType<ObjectNotFoundException>();
        error.Message.Should().Be(
            $"s3 bucket '{S3rverFixture.BucketName}' at {s3.Server.Endpoint}: the credentials were rejected " +
            "(InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.)");
        (await right.ListAsync("").ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_bucket_is_named_with_the_endpoint()
    {
        using var store = new S3ObjectStore(s3.Options() with { Bucket = "no-such-bucket" });

        var put = () => store.PutAsync("t/x", "x"u8.ToArray());
        var list = async () => await store.ListAsync("").ToListAsync();

        (await put.Should().ThrowAsync<BackendException>()).Which.Message
            .Should().Be($"s3 bucket 'no-such-bucket' does not exist at {s3.Server.Endpoint}");
        (await list.Should().ThrowAsync<BackendException>()).Which.Message.Should().Contain("does not exist");
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_named_in_the_error()
    {
        var endpoint = $"http://127.0.0.1:{S3rverProcess.FreePort()}";
        using var store = new S3ObjectStore(s3.Options() with { Endpoint = endpoint, MaxAttempts = 2 });

        var act = () => store.GetAsync("t/x");

        (await act.Should().ThrowAsync<BackendException>()).Which.Message
            .Should().StartWith($"s3 bucket '{S3rverFixture.BucketName}' at {endpoint}: cannot reach the endpoint {endpoint}");
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_the_request_succeeds()
    {
        await using var fake = new FakeS3Endpoint(n => n switch
        {
            1 => (503, "SlowDown", []),
            2 => (500, "InternalError", []),
            _ => (200, null, "hello"u8.ToArray()),
        });
        using var store = new S3ObjectStore(s3.Options("") with { Endpoint = fake.Endpoint, MaxAttempts = 4 });

        var content = await store.GetAsync("t/x");

        content.Should().Equal("hello"u8.ToArray());
        fake.Requests.Should().Be(3);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_attempts()
    {
        await using var fake = new FakeS3Endpoint(_ => (503, "SlowDown", []));
        using var store = new S3ObjectStore(s3.Options("") with { Endpoint = fake.Endpoint, MaxAttempts = 3 });

        var act = () => store.PutAsync("t/x", "x"u8.ToArray());

        (await act.Should().ThrowAsync<BackendException>()).Which.Message.Should().Contain("HTTP 503 SlowDown");
        fake.Requests.Should().Be(3);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        await using var fake = new FakeS3Endpoint(_ => (400, "InvalidArgument", []));
        using var store = new S3ObjectStore(s3.Options("") with { Endpoint = fake.Endpoint, MaxAttempts = 4 });

        var act = () => store.GetAsync("t/x");

        (await act.Should().ThrowAsync<BackendException>()).Which.Message.Should().Contain("HTTP 400 InvalidArgument");
        fake.Requests.Should().Be(1);
    }

    [Fact]
    public void Options_are_validated_with_the_setting_named()
    {
        var small = () => new S3ObjectStore(s3.Options() with { PartSizeBytes = 1024 });
        var noBucket = () => new S3ObjectStore(s3.Options() with { Bucket = "" });
        var halfKeys = () => new S3ObjectStore(s3.Options() with { SecretKey = null, AccessKey = "A" });

        small.Should().Throw<ArgumentException>().WithMessage("*part size 1024 bytes is below*");
        noBucket.Should().Throw<ArgumentException>().WithMessage("*bucket is required*");
        if (Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is null)
        {
            halfKeys.Should().Throw<ArgumentException>().WithMessage("*set both access_key and secret_key*");
        }
    }

    [Fact]
    public void Endpoint_without_a_scheme_follows_insecure_like_Tempo()
    {
        (S3BackendOptions.Default with { Endpoint = "minio:9000", Insecure = true }).EndpointUrl.Should().Be("http://minio:9000");
        (S3BackendOptions.Default with { Endpoint = "minio:9000" }).EndpointUrl.Should().Be("https://minio:9000");
        (S3BackendOptions.Default with { Endpoint = "http://x:1" }).EndpointUrl.Should().Be("http://x:1");
    }
}

internal static class AsyncEnumerableExtensions
{
    public static async Task<List<string>> ToListAsync(this IAsyncEnumerable<string> source)
    {
        var list = new List<string>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
