using Tempo.Streaming.Cli.Load;

namespace Tempo.Streaming.Cli.Measurement;

/// <summary>
/// Percentiles of measured values (milliseconds, spans/s...). Nearest-rank, so every reported figure is a value that
/// was actually observed (p99 of 100 samples is the 99th smallest), which is what latency figures usually mean.
/// </summary>
public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="quantile"/> (0..1] of ascending <paramref name="sorted"/>; 0 when empty.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double quantile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (quantile is <= 0 or > 1 || double.IsNaN(quantile))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "a quantile is in (0, 1]");
        }

        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(quantile * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    /// <summary>p50/p90/p99/max and count of <paramref name="values"/>, which this sorts in place.</summary>
    public static LatencySummary Summarize(List<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        values.Sort();
        return new LatencySummary(NearestRank(values, 0.50), NearestRank(values, 0.90), NearestRank(values, 0.99),
            values.Count == 0 ? 0 : values[^1], values.Count);
    }

    /// <summary>
    /// The median as a statistician reports a "median of runs": the middle value, or the mean of the two middle values
    /// for an even count (the same rule as scripts/bench-*.sh). NaN when empty.
    /// </summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = new double[values.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = values[i];
        }

        Array.Sort(sorted);
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
