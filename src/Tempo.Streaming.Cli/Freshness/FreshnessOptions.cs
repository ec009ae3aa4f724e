using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Querying;

namespace Tempo.Streaming.Cli.Freshness;

/// <summary>
/// Settings of a <c>freshness</c> run: push the shop workload with <see cref="Load"/> and, for every
/// <see cref="SampleEvery"/>-th acknowledged trace, poll trace-by-ID on <see cref="QueryEndpoint"/> until the whole
/// trace is returned. Call <see cref="Validate"/> before running.
/// </summary>
public sealed record FreshnessOptions
{
    /// <summary>How the workload is pushed (generated shop traces only: a probe needs to know each trace's span count).</summary>
    public required LoadOptions Load { get; init; }

    /// <summary>Base URL of the Tempo HTTP API (the server's :3200).</summary>
    public required Uri QueryEndpoint { get; init; }

    /// <summary>Probe trace indexes divisible by this (1 = every acknowledged trace).</summary>
    public int SampleEvery { get; init; } = 10;

    /// <summary>
    /// Once a probe has waited this share of its delay so far is longer than <see cref="PollInterval"/>, it polls at that
    /// pace instead: 5% keeps a late trace's measured delay within 5% while bounding the requests of lagging probes.
    /// </summary>
    public const double RelativePollResolution = 0.05;

    /// <summary>Pause between two polls of one trace (the resolution of short delays; see <see cref="RelativePollResolution"/>).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A trace not complete this long after its acknowledgement counts as timed out.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Probes polling at once; a sample arriving when this many are busy is skipped (and counted).</summary>
    public int MaxProbes { get; init; } = 4096;

    /// <summary>HTTP connections the probes share.</summary>
    public int QueryConnections { get; init; } = 16;

    public TraceResponseFormat Format { get; init; } = TraceResponseFormat.Protobuf;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(Load.Validate());
        if (Load.InputFile is not null || Load.OutputFile is not null)
        {
            problems.Add("freshness generates the shop workload itself: --in and --out do not apply");
        }

        if (SampleEvery < 1)
        {
            problems.Add($"--sample-every must be at least 1 (got {SampleEvery})");
        }

        if (PollInterval < TimeSpan.Zero)
        {
            problems.Add("--poll-interval must not be negative");
        }

        if (ProbeTimeout <= TimeSpan.Zero)
        {
            problems.Add("--probe-timeout must be positive");
        }

        if (MaxProbes < 1)
        {
            problems.Add($"--max-probes must be at least 1 (got {MaxProbes})");
        }

        if (QueryConnections < 1)
        {
            problems.Add($"--query-connections must be at least 1 (got {QueryConnections})");
        }

        return problems;
    }
}
