using Tempo.Streaming.Cli.Querying;

namespace Tempo.Streaming.Cli.QueryBench;

/// <summary>
/// Settings of a <c>query-bench</c> run: <see cref="Requests"/> trace-by-ID requests for IDs drawn at random from a
/// <c>load --acked-out</c> file, <see cref="Concurrency"/> at a time. Call <see cref="Validate"/> before running.
/// </summary>
public sealed record QueryBenchOptions
{
    /// <summary>Base URL of the Tempo HTTP API (the server's :3200).</summary>
    public required Uri QueryEndpoint { get; init; }

    /// <summary>A <c>load --acked-out</c> file: <c>index TAB trace-id-hex</c> per acknowledged trace.</summary>
    public required string IdsFile { get; init; }

    /// <summary>Measured requests (after the warm-up).</summary>
    public int Requests { get; init; } = 20_000;

    public int Concurrency { get; init; } = 4;

    /// <summary>Requests made first and not measured (connections, JIT, caches of the client).</summary>
    public int Warmup { get; init; } = 200;

    /// <summary>Seed of the random choice of IDs, so two runs ask for the same sequence.</summary>
    public int RandomSeed { get; init; } = 1;

    /// <summary>
    /// Workload seed the IDs were generated with: each answer's span count is checked against the generator's. Null
    /// skips the check (for IDs from another source).
    /// </summary>
    public long? WorkloadSeed { get; init; } = 42;

    public TraceResponseFormat Format { get; init; } = TraceResponseFormat.Protobuf;

    /// <summary>Sent as <c>X-Scope-OrgID</c> when set.</summary>
    public string? Tenant { get; init; }

    /// <summary>
    /// Tempo's <c>mode</c> query parameter of trace by ID (<c>all</c>, <c>ingesters</c> or <c>blocks</c>); null sends none
    /// (the server's default, <c>all</c>). <c>blocks</c> measures lookups in object storage only, without the live store.
    /// </summary>
    public string? Mode { get; init; }

    /// <summary>The values Tempo's querier accepts for <see cref="Mode"/>.</summary>
    public static readonly IReadOnlyList<string> Modes = ["all", "ingesters", "blocks"];

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Requests < 1)
        {
            problems.Add($"--requests must be at least 1 (got {Requests})");
        }

        if (Concurrency < 1)
        {
            problems.Add($"--concurrency must be at least 1 (got {Concurrency})");
        }

        if (Warmup < 0)
        {
            problems.Add($"--warmup must not be negative (got {Warmup})");
        }

        if (!File.Exists(IdsFile))
        {
            problems.Add($"--ids file '{IdsFile}' does not exist (write one with `load --acked-out <file>`)");
        }

        if (Tenant is { Length: 0 })
        {
            problems.Add("--tenant must not be empty");
        }

        if (Mode is not null && !Modes.Contains(Mode, StringComparer.Ordinal))
        {
            problems.Add($"--mode must be one of {string.Join(", ", Modes)} (got '{Mode}')");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add("--timeout must be positive");
        }

        return problems;
    }
}
