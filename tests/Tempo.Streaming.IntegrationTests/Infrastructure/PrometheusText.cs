using System.Globalization;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>Reads samples out of the Prometheus text exposition format that <c>/metrics</c> serves.</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of every sample named exactly <paramref name="name"/>, optionally only those whose label set contains
    /// <paramref name="labelFilter"/> (e.g. <c>reason="trace_too_large"</c>); 0 when there is none.
    /// </summary>
    public static double Sum(string exposition, string name, string? labelFilter = null)
    {
        var sum = 0.0;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line.AsSpan(name.Length);
            string labels = "";
            if (rest.Length > 0 && rest[0] == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0) throw new FormatException($"unterminated label set: {line}");
                labels = rest[1..close].ToString();
                rest = rest[(close + 1)..];
            }
            else if (rest.Length == 0 || rest[0] != ' ')
            {
                continue; // a longer metric name that starts with this one
            }

            if (labelFilter is not null && !labels.Contains(labelFilter, StringComparison.Ordinal)) continue;
            var fields = rest.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) throw new FormatException($"sample without a value: {line}");
            sum += double.Parse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return sum;
    }
}
