using Tempo.Streaming.Cli.Load;

namespace Tempo.Streaming.Cli.Freshness;

/// <summary>The outcome of a <c>freshness</c> run.</summary>
public sealed record FreshnessSummary
{
    public required LoadSummary Load { get; init; }

    /// <summary>Acknowledgement → complete trace returned by ID, in milliseconds, over the probes that succeeded.</summary>
    public required LatencySummary Delay { get; init; }

    /// <summary>Acknowledged traces chosen for probing.</summary>
    public required long Sampled { get; init; }

    /// <summary>Sampled traces returned complete before the probe timeout.</summary>
    public required long Found { get; init; }

    /// <summary>Sampled traces still missing or incomplete at the probe timeout.</summary>
    public required long TimedOut { get; init; }

    /// <summary>Sampled traces returned with more spans than were sent (duplicates not merged): a correctness failure.</summary>
    public required long OverComplete { get; init; }

    /// <summary>Samples not probed because <see cref="FreshnessOptions.MaxProbes"/> probes were already polling.</summary>
    public required long Skipped { get; init; }

    /// <summary>Trace-by-ID requests made by all probes.</summary>
    public required long Polls { get; init; }

    /// <summary>Polls answered 200 with only part of the trace (the rest not consumed yet).</summary>
    public required long PartialAnswers { get; init; }

    /// <summary>Polls that failed (not 200/404, transport errors, unreadable bodies), by kind.</summary>
    public required IReadOnlyDictionary<string, long> PollErrorsByKind { get; init; }

    public required IReadOnlyDictionary<string, string> PollErrorExamples { get; init; }

    public bool HasErrors => Load.HasErrors || TimedOut > 0 || OverComplete > 0 || Found == 0;
}
