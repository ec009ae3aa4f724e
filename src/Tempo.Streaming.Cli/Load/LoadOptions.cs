using Tempo.Streaming.Cli.Load.Transport;

namespace Tempo.Streaming.Cli.Load;

/// <summary>
/// Settings of one <c>load</c> run. Exactly one source: the generated shop workload (default) or
/// <see cref="InputFile"/>. Exactly one sink: the server at <see cref="Endpoint"/> (default) or
/// <see cref="OutputFile"/>. Call <see cref="Validate"/> before running.
/// </summary>
public sealed record LoadOptions
{
    public static LoadOptions Default { get; } = new();

    /// <summary>Server address; null means <c>localhost:4317</c> for gRPC and <c>http://localhost:4318</c> for HTTP.</summary>
    public string? Endpoint { get; init; }

    public LoadProtocol Protocol { get; init; } = LoadProtocol.OtlpGrpc;

    public long Seed { get; init; } = 42;

    /// <summary>Stop after this many traces (counted from <see cref="FirstTrace"/>).</summary>
    public long? Traces { get; init; }

    /// <summary>Stop starting new batches after this long. With neither limit, a generated run lasts 30 s.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Target spans per second; 0 sends as fast as the server acknowledges.</summary>
    public double Rate { get; init; }

    public int BatchSpans { get; init; } = 1000;

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Separate HTTP/2 connections for gRPC (requests are spread over them).</summary>
    public int Connections { get; init; } = 2;

    /// <summary>Sent as <c>X-Scope-OrgID</c> (Tempo's tenant header) when set.</summary>
    public string? Tenant { get; init; }

    public bool Gzip { get; init; }

    /// <summary>Write the batches to this file instead of sending them.</summary>
    public string? OutputFile { get; init; }

    /// <summary>Send the batches recorded in this file instead of generating them.</summary>
    public string? InputFile { get; init; }

    /// <summary>Append "index&lt;TAB&gt;trace-id-hex" for every trace of every acknowledged batch.</summary>
    public string? AckedOutputFile { get; init; }

    /// <summary>Base time of the workload; null = now.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Index of the first trace to generate (to continue an earlier run's sequence).</summary>
    public long FirstTrace { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns the problems with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BatchSpans < 1)
        {
            problems.Add($"--batch-spans must be at least 1 (got {BatchSpans})");
        }
        if (Concurrency < 1)
        {
            problems.Add($"--concurrency must be at least 1 (got {Concurrency})");
        }
        if (Connections < 1)
        {
            problems.Add($"--connections must be at least 1 (got {Connections})");
        }
        if (Rate < 0 || double.IsNaN(Rate) || double.IsInfinity(Rate))
        {
            problems.Add($"--rate must be 0 (unlimited) or a positive number of spans per second (got {Rate})");
        }
        if (Traces is < 1)
        {
            problems.Add($"--traces must be at least 1 (got {Traces})");
        }
        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            problems.Add($"--duration must be positive (got {duration})");
        }
        if (FirstTrace < 0)
        {
            problems.Add($"--first-trace must not be negative (got {FirstTrace})");
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("--timeout must be positive");
        }
        if (OutputFile is not null && InputFile is not null)
        {
            problems.Add("--out and --in cannot be combined: --in replays a file to a server, --out records one");
        }
        if (OutputFile is not null && AckedOutputFile is not null)
        {
            problems.Add("--acked-out needs a server to acknowledge batches; it cannot be used with --out");
        }
        if (OutputFile is not null && Traces is null && Duration is null)
        {
            problems.Add("--out needs --traces (or --duration) to know how much to record");
        }
        if (InputFile is not null && !File.Exists(InputFile))
        {
            problems.Add($"--in file '{InputFile}' does not exist");
        }
        if (Tenant is { Length: 0 })
        {
            problems.Add("--tenant must not be empty");
        }
        if (StartTime is { } start && start < DateTimeOffset.UnixEpoch)
        {
            problems.Add("--start-time must be after 1970-01-01");
        }
        return problems;
    }

    /// <summary>The URI requests go to, from <see cref="Endpoint"/> and the protocol's default port and path.</summary>
    public Uri ResolveEndpoint()
    {
        var endpoint = Endpoint ?? (Protocol == LoadProtocol.OtlpGrpc ? "localhost:4317" : "http://localhost:4318");
        if (!endpoint.Contains("://", StringComparison.Ordinal))
        {
            endpoint = "http://" + endpoint;
        }
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--endpoint '{Endpoint}' is not host:port or an http(s):// URL");
        }
        if (Protocol == LoadProtocol.OtlpGrpc)
        {
            return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        }
        // OTLP/HTTP: a bare base URL gets the signal path appended, as the OTel SDKs do for OTEL_EXPORTER_OTLP_ENDPOINT.
        return uri.AbsolutePath is "" or "/" ? new Uri(uri, "/v1/traces") : uri;
    }
}
