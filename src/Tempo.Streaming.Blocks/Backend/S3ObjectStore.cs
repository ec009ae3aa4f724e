using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Tempo.Streaming.Blocks.Backend;

/// <summary>
/// Objects in an S3 bucket (AWS, MinIO, any S3-compatible server) through AWSSDK.S3, configured as Tempo's s3 backend:
/// path-style URLs, SigV4 in the configured region, checksums only when required (S3-compatible servers reject the
/// SDK's default CRC trailers). Transient failures are retried with exponential backoff and jitter
/// (<see cref="S3BackendOptions.MaxAttempts"/>); client errors (4xx) are not. A single PUT is atomic; a streamed
/// upload becomes visible only when its multipart upload completes.
/// </summary>
public sealed partial class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly S3BackendOptions _options;
    private readonly AmazonS3Client _client;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly string _endpoint;

    public S3ObjectStore(S3BackendOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _prefix = options.NormalizedPrefix;
        _endpoint = options.EndpointUrl ?? $"https://s3.{options.Region}.amazonaws.com";

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // The SDK's default (checksums on every request) adds trailers that MinIO versions and s3rver mishandle.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // Retries are ours (Polly), so attempts, backoff and the transient/permanent split are in one place.
            MaxErrorRetry = 0,
            Timeout = options.RequestTimeout,
        };
        if (options.EndpointUrl is { } url)
        {
            config.ServiceURL = url;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        var accessKey = options.AccessKey ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secretKey = options.SecretKey ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (accessKey is not null && secretKey is null || accessKey is null && secretKey is not null)
        {
            throw new ArgumentException(
                $"s3 backend: set both access_key and secret_key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), not only the {(accessKey is null ? "secret" : "access")} key");
        }

        // Without static keys Tempo falls back to the AWS credential chain (profile, IAM role); the SDK's default does the same.
        _client = accessKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config)
            : new AmazonS3Client(config);
        _pipeline = BuildRetryPipeline();
        LogMessages.S3Opened(_logger, options.Bucket, _endpoint, options.Region, options.ForcePathStyle, _prefix);
    }

    public string Description => $"s3 bucket '{_options.Bucket}' at {_endpoint}";

    public S3BackendOptions Options => _options;

    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidateKey(key);
        return PutBytesAsync(key, content, cancellationToken);
    }

    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidateKey(key);
        return await ExecuteAsync("GET", key, async (store, ct) =>
        {
            using var response = await store._client.GetObjectAsync(store._options.Bucket, store.FullKey(key), ct).ConfigureAwait(false);
            var length = response.ContentLength;
            var bytes = new byte[length];
            await response.ResponseStream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            return bytes;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReadRangeAsync(string key, long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidateKey(key);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (destination.IsEmpty)
        {
            return;
        }

        await ExecuteAsync("GET", key, async (store, ct) =>
        {
            var request = new GetObjectRequest
            {
                BucketName = store._options.Bucket,
                Key = store.FullKey(key),
                ByteRange = new ByteRange(offset, offset + destination.Length - 1),
            };
            using var response = await store._client.GetObjectAsync(request, ct).ConfigureAwait(false);
            // S3 clamps a range that runs past the end instead of failing: fewer bytes means the caller asked too much.
            if (response.ContentLength != destination.Length)
            {
                throw new BackendException(
                    $"{store.Description}: range {offset}..{offset + destination.Length - 1} of '{key}' is beyond the end of the object " +
                    $"(the server returned {response.ContentLength} bytes)");
            }

            await response.ResponseStream.ReadExactlyAsync(destination, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidateKey(key);
        return await ExecuteAsync("HEAD", key, async (store, ct) =>
        {
            var response = await store._client.GetObjectMetadataAsync(store._options.Bucket, store.FullKey(key), ct).ConfigureAwait(false);
            return response.ContentLength;
        }, cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix, mustBeFolder: false);
        return ListPagesAsync(prefix, delimiter: null, cancellationToken);
    }

    /// <summary>
    /// Folders under <paramref name="prefix"/>. The store's top level (the tenants) is listed by skipping from folder to
    /// folder (<see cref="ScanTopFoldersAsync"/>) rather than with a delimiter listing: some S3-compatible servers
    /// (s3rver 3.7) leave out common prefixes of folders that hold no object directly, and a tenant folder holds only
    /// block folders until a compactor writes its index.json.gz, so a delimiter listing would hide every new tenant
    /// from the queriers and from the compactor itself. Deeper folders (blocks) hold their files directly.
    /// </summary>
    public IAsyncEnumerable<string> ListFoldersAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidatePrefix(prefix, mustBeFolder: true);
        return prefix.Length == 0 ? ScanTopFoldersAsync(cancellationToken) : ListPagesAsync(prefix, delimiter: "/", cancellationToken);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ObjectKeys.ValidateKey(key);
        // S3 answers 204 for a missing key too, so deleting twice is not an error (the contract).
        await ExecuteAsync("DELETE", key, async (store, ct) =>
        {
            await store._client.DeleteObjectAsync(store._options.Bucket, store.FullKey(key), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _client.Dispose();

    private async IAsyncEnumerable<string> ListPagesAsync(string prefix, string? delimiter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var token = continuation;
            var page = await ExecuteAsync("GET", prefix, (store, ct) => store._client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = store._options.Bucket,
                Prefix = store._prefix + prefix,
                Delimiter = delimiter,
                MaxKeys = store._options.ListPageSize,
                ContinuationToken = token,
            }, ct), cancellationToken).ConfigureAwait(false);

            // AWSSDK v4 returns null rather than empty collections.
            if (delimiter is null)
            {
                foreach (var item in page.S3Objects ?? [])
                {
                    yield return item.Key[_prefix.Length..];
                }
            }
            else
            {
                var start = _prefix.Length + prefix.Length;
                foreach (var common in page.CommonPrefixes ?? [])
                {
                    yield return common[start..^1];
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    /// <summary>
    /// The top-level folders in key order, one single-key listing each: the first key after the previous folder names
    /// the next one. "name0" is the smallest string above every "name/…" key ('0' follows '/'), so starting after it
    /// skips the whole folder. Costs one request per folder; tenants are few.
    /// </summary>
    private async IAsyncEnumerable<string> ScanTopFoldersAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? startAfter = null;
        while (true)
        {
            var after = startAfter;
            var page = await ExecuteAsync("GET", "", (store, ct) => store._client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = store._options.Bucket,
                Prefix = store._prefix,
                MaxKeys = 1,
                StartAfter = after,
            }, ct), cancellationToken).ConfigureAwait(false);

            var key = page.S3Objects is [{ } first, ..] ? first.Key : null;
            if (key is null)
            {
                yield break;
            }

            var relative = key[_prefix.Length..];
            var slash = relative.IndexOf('/');
            if (slash < 0)
            {
                // An object at the top level, not a folder.
                startAfter = key;
                continue;
            }

            var name = relative[..slash];
            yield return name;
            startAfter = _prefix + name + "0";
        }
    }

    private string FullKey(string key) => _prefix + key;
}
