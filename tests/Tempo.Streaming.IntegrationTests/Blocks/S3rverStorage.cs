using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Tests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>An s3rver bucket as the servers' <c>storage.trace</c> backend, and the same bucket read directly.</summary>
public static class S3rverStorage
{
    /// <summary><c>storage.trace</c> pointing at the server (Tempo's keys; endpoint without a scheme, insecure = http).</summary>
    public static string StorageYaml(this S3rverProcess s3, TimeSpan blocklistPoll) => $"""
        storage:
          trace:
            backend: s3
            blocklist_poll: {(int)blocklistPoll.TotalMilliseconds}ms
            s3:
              bucket: {s3.Bucket}
              endpoint: 127.0.0.1:{s3.Port}
              access_key: {S3rverProcess.AccessKey}
              secret_key: {S3rverProcess.SecretKey}
              insecure: true
              forcepathstyle: true

        """;

    /// <summary>The store the server processes write to, for reading their blocks directly.</summary>
    public static S3ObjectStore CreateStore(this S3rverProcess s3) => new(new S3BackendOptions
    {
        Bucket = s3.Bucket,
        Endpoint = $"127.0.0.1:{s3.Port}",
        AccessKey = S3rverProcess.AccessKey,
        SecretKey = S3rverProcess.SecretKey,
        Insecure = true,
    });
}
