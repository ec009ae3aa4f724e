using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.Blocks.Tests.Infrastructure;

/// <summary>
/// One s3rver for every test class in <see cref="S3rverCollection"/>. Tests isolate themselves with a unique key
/// prefix (<see cref="CreateStore"/> gives each store its own).
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string BucketName = "tempo-test";

    private S3rverProcess? _server;

    public S3rverProcess Server => _server ?? throw new InvalidOperationException("s3rver is not started");

    public async Task InitializeAsync() => _server = await S3rverProcess.StartAsync(BucketName);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Options for the fixture's server; override what a test needs with <c>with</c>.</summary>
    public S3BackendOptions Options(string? prefix = null) => new()
    {
        Bucket = BucketName,
        Endpoint = Server.Endpoint,
        AccessKey = S3rverProcess.AccessKey,
        SecretKey = S3rverProcess.SecretKey,
        Insecure = true,
        Prefix = prefix ?? "test-" + Guid.NewGuid().ToString("N"),
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    };

    /// <summary>A store under a fresh prefix in the fixture's bucket.</summary>
    public S3ObjectStore CreateStore(Func<S3BackendOptions, S3BackendOptions>? configure = null)
    {
        var options = Options();
        return new S3ObjectStore(configure is null ? options : configure(options));
    }
}

/// <summary>Test classes that share the s3rver process: <c>[Collection(S3rverCollection.Name)]</c> and take <see cref="S3rverFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}
