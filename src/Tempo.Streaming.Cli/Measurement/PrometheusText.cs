using System.Globalization;

namespace Tempo.Streaming.Cli.Measurement;

/// <summary>
/// Reads one metric out of a Prometheus text exposition (format 0.0.4: <c>name{labels} value [timestamp]</c>, one
/// sample per line, <c>#</c> lines are HELP/TYPE comments), as the server's /metrics writes it.
/// </summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of every sample of <paramref name="metric"/> over all its label sets (e.g. a counter split by
    /// partition), or null when the exposition has no sample of that name.
    /// </summary>
    public static double? Sum(string exposition, string metric)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        double? sum = null;
        foreach (var range in exposition.AsSpan().Split('\n'))
        {
            var line = exposition.AsSpan(range).TrimEnd('\r');
            if (line.Length <= metric.Length || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal))
            {
                continue;
            }

            // The name must end here: "foo_total" must not match "foo_total_created" or "foo_totals".
            var rest = line[metric.Length..];
            if (rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                {
                    throw new FormatException($"unterminated label set in /metrics line '{line}'");
                }

                rest = rest[(close + 1)..];
            }
            else if (rest[0] != ' ')
            {
                continue;
            }

            rest = rest.TrimStart(' ');
            var space = rest.IndexOf(' ');
            var value = space < 0 ? rest : rest[..space];
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var sample))
            {
                throw new FormatException($"sample value '{value}' of {metric} in /metrics is not a number");
            }

            sum = (sum ?? 0) + sample;
        }

        return sum;
    }
}
