using Tempo.Streaming.Cli.Load;

namespace Tempo.Streaming.Cli.QueryBench;

/// <summary>The outcome of a <c>query-bench</c> run; latencies are client-side, request sent → body read and counted.</summary>
public sealed record QueryBenchSummary
{
    /// <summary>Distinct trace IDs the requests were drawn from.</summary>
    public required int KnownTraces { get; init; }

    /// <summary>The <c>mode</c> sent with every request, or null when none was (the server's default).</summary>
    public string? Mode { get; init; }

    public required long Requests { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>Milliseconds over every measured request, whatever its answer.</summary>
    public required LatencySummary Latency { get; init; }

    public required double P999Ms { get; init; }

    /// <summary>200 with every span the generator sent (or any 200 when span counts are not checked).</summary>
    public required long Complete { get; init; }

    /// <summary>200 with a different span count than the generator's.</summary>
    public required long WrongSpanCount { get; init; }

    public required long NotFound { get; init; }

    /// <summary>Other statuses, transport errors and unreadable bodies, by kind.</summary>
    public required IReadOnlyDictionary<string, long> ErrorsByKind { get; init; }

    public required IReadOnlyDictionary<string, string> ErrorExamples { get; init; }

    public double RequestsPerSecond => Elapsed.TotalSeconds > 0 ? Requests / Elapsed.TotalSeconds : 0;

    public bool HasErrors => Complete != Requests;
}
