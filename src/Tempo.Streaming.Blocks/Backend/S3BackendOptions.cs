namespace Tempo.Streaming.Blocks.Backend;

/// <summary>
/// The S3 backend settings, named after Tempo's <c>storage.trace.s3</c> keys (bucket, endpoint, region, access_key,
/// secret_key, insecure, forcepathstyle, prefix, part_size) plus the SDK switches S3-compatible servers need.
/// </summary>
public sealed record S3BackendOptions
{
    /// <summary>Tempo's minimum multipart part size (S3 rejects smaller non-final parts).</summary>
    public const int MinPartSizeBytes = 5 * 1024 * 1024;

    public static S3BackendOptions Default { get; } = new() { Bucket = "tempo" };

    /// <summary><c>bucket</c> (required).</summary>
    public required string Bucket { get; init; }

    /// <summary>
    /// <c>endpoint</c>: <c>host:port</c> as in Tempo (scheme from <see cref="Insecure"/>), or a full <c>http(s)://</c> URL.
    /// Null means AWS S3 in <see cref="Region"/>.
    /// </summary>
    public string? Endpoint { get; init; }

    /// <summary><c>region</c>: the signing region; MinIO and s3rver accept us-east-1.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary><c>access_key</c>; when null, <c>AWS_ACCESS_KEY_ID</c>, else the SDK's default credential chain (IAM roles).</summary>
    public string? AccessKey { get; init; }

    /// <summary><c>secret_key</c>; when null, <c>AWS_SECRET_ACCESS_KEY</c>.</summary>
    public string? SecretKey { get; init; }

    /// <summary><c>insecure</c>: talk plain http to <see cref="Endpoint"/>.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>forcepathstyle</c>: <c>http://host/bucket/key</c> instead of virtual-host buckets (MinIO, s3rver).</summary>
    public bool ForcePathStyle { get; init; } = true;

    /// <summary><c>prefix</c>: a folder inside the bucket under which every key lives ("" = bucket root).</summary>
    public string Prefix { get; init; } = "";

    /// <summary>
    /// Send uploads as <c>aws-chunked</c> signed chunks. Off by default: s3rver stores the chunk framing as object bytes
    /// (MinIO decodes it); turn on only for servers that require streaming signatures.
    /// </summary>
    public bool UseChunkEncoding { get; init; }

    /// <summary><c>part_size</c>: streams longer than this are uploaded as multipart uploads of parts of this size.</summary>
    public int PartSizeBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Keys per ListObjectsV2 page (S3 caps it at 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>Attempts per request, the first included, for transient failures (5xx, throttling, timeouts, I/O).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Per-request HTTP timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            throw new ArgumentException("s3 backend: bucket is required");
        }

        if (Endpoint is not null && (Endpoint.Length == 0 || !Uri.TryCreate(EndpointUrl, UriKind.Absolute, out _)))
        {
            throw new ArgumentException($"s3 backend: endpoint '{Endpoint}' is not host:port or an http(s) URL");
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException("s3 backend: region is required (us-east-1 for MinIO and most S3-compatible servers)");
        }

        if (PartSizeBytes < MinPartSizeBytes)
        {
            throw new ArgumentException($"s3 backend: part size {PartSizeBytes} bytes is below S3's minimum of {MinPartSizeBytes} (5 MiB)");
        }

        if (ListPageSize is < 1 or > 1000)
        {
            throw new ArgumentException($"s3 backend: list page size {ListPageSize} must be 1..1000");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"s3 backend: max attempts {MaxAttempts} must be at least 1");
        }

        if (Prefix.Length > 0)
        {
            ObjectKeys.ValidatePrefix(Prefix, mustBeFolder: false, nameof(Prefix));
        }
    }

    /// <summary>The endpoint as a URL (<c>http://</c> when <see cref="Insecure"/>), or null for AWS.</summary>
    public string? EndpointUrl => Endpoint is null ? null
        : Endpoint.Contains("://", StringComparison.Ordinal) ? Endpoint
        : (Insecure ? "http://" : "https://") + Endpoint;

    /// <summary>The key prefix normalised to "" or "folder/".</summary>
    internal string NormalizedPrefix => Prefix.Length == 0 || Prefix.EndsWith('/') ? Prefix : Prefix + "/";
}
