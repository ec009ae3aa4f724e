using System.CommandLine;
using Tempo.Streaming.Blocks.Backend;

namespace Tempo.Streaming.Cli.Commands;

/// <summary>
/// The block-storage options every <c>blocks</c> command takes: the same choices as the server's
/// <c>storage.trace</c> section (<c>backend: local|s3</c>, <c>local.path</c>, <c>s3.*</c> with Tempo's key names).
/// </summary>
internal sealed class BackendOptionSet
{
    private readonly Option<string> _backend = new("--backend") { Description = "Block storage: local or s3", DefaultValueFactory = _ => "local" };
    private readonly Option<string?> _path = new("--path") { Description = "local: the blocks folder (the server's storage.trace.local.path)" };
    private readonly Option<string?> _bucket = new("--s3.bucket") { Description = "s3: bucket" };
    private readonly Option<string?> _endpoint = new("--s3.endpoint") { Description = "s3: host:port (scheme from --s3.insecure) or an http(s) URL; default AWS" };
    private readonly Option<string> _region = new("--s3.region") { Description = "s3: signing region", DefaultValueFactory = _ => "us-east-1" };
    private readonly Option<string?> _accessKey = new("--s3.access-key") { Description = "s3: access key (default $AWS_ACCESS_KEY_ID)" };
    private readonly Option<string?> _secretKey = new("--s3.secret-key") { Description = "s3: secret key (default $AWS_SECRET_ACCESS_KEY)" };
    private readonly Option<bool> _insecure = new("--s3.insecure") { Description = "s3: plain http to the endpoint" };
    private readonly Option<string> _prefix = new("--s3.prefix") { Description = "s3: folder inside the bucket", DefaultValueFactory = _ => "" };
    private readonly Option<bool> _chunkEncoding = new("--s3.chunk-encoding") { Description = "s3: aws-chunked uploads (off for s3rver)" };

    public BackendOptionSet() => _backend.AcceptOnlyFromAmong("local", "s3");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _backend, _path, _bucket, _endpoint, _region, _accessKey, _secretKey, _insecure, _prefix, _chunkEncoding })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The object store the options name, or null with the problem added.</summary>
    public IObjectStore? Open(ParseResult parse, List<string> problems)
    {
        if (parse.GetValue(_backend) == "local")
        {
            var path = parse.GetValue(_path);
            if (string.IsNullOrWhiteSpace(path))
            {
                problems.Add("--path is required with --backend local (the server's storage.trace.local.path)");
                return null;
            }
            if (!Directory.Exists(path))
            {
                problems.Add($"--path '{path}' is not a folder");
                return null;
            }
            return new LocalObjectStore(path);
        }

        var bucket = parse.GetValue(_bucket);
        if (string.IsNullOrWhiteSpace(bucket))
        {
            problems.Add("--s3.bucket is required with --backend s3");
            return null;
        }
        var options = new S3BackendOptions
        {
            Bucket = bucket,
            Endpoint = parse.GetValue(_endpoint),
            Region = parse.GetValue(_region)!,
            AccessKey = parse.GetValue(_accessKey),
            SecretKey = parse.GetValue(_secretKey),
            Insecure = parse.GetValue(_insecure),
            Prefix = parse.GetValue(_prefix)!,
            UseChunkEncoding = parse.GetValue(_chunkEncoding),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            problems.Add(e.Message);
            return null;
        }
        return new S3ObjectStore(options);
    }
}
