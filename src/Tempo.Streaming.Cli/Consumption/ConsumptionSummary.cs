using Tempo.Streaming.Cli.Load;

namespace Tempo.Streaming.Cli.Consumption;

/// <summary>One reading of the counter: seconds since the run started, spans stored since then, spans acknowledged by then.</summary>
public readonly record struct ConsumptionSample(double Seconds, double StoredSpans, long AcknowledgedSpans);

/// <summary>The outcome of a <c>consumption</c> run.</summary>
public sealed record ConsumptionSummary
{
    public required LoadSummary Load { get; init; }

    /// <summary>Spans the live store stored during the run (counter delta from the first reading).</summary>
    public required double StoredSpans { get; init; }

    /// <summary>Median of the per-interval stored rates while the load ran (intervals that ended before the load did).</summary>
    public required double MedianStoredPerSecondDuringLoad { get; init; }

    /// <summary>Median of the per-interval stored rates from the start until the live store caught up (or the timeout).</summary>
    public required double MedianStoredPerSecondUntilCaughtUp { get; init; }

    /// <summary>Stored spans divided by the time from the first reading to catching up (or the last reading).</summary>
    public required double StoredPerSecondOverall { get; init; }

    /// <summary>Largest gap between acknowledged and stored spans seen at a reading.</summary>
    public required double MaxLagSpans { get; init; }

    /// <summary>Whether the stored count reached the acknowledged count before the catch-up timeout.</summary>
    public required bool CaughtUp { get; init; }

    /// <summary>Time from the end of the load to catching up (or to giving up).</summary>
    public required TimeSpan CatchUp { get; init; }

    public required IReadOnlyList<ConsumptionSample> Samples { get; init; }

    public bool HasErrors => Load.HasErrors || !CaughtUp;
}
