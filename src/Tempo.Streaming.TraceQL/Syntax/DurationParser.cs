using System.Globalization;
using System.Text.RegularExpressions;

namespace Tempo.Streaming.TraceQL.Syntax;

/// <summary>
/// Durations as Tempo reads them: Prometheus' units first (<c>1y2w3d4h5m6s7ms</c>, integers only, a year is 365 days),
/// then Go's (<c>1.5h</c>, <c>300ms</c>, <c>2h45m</c>, <c>10us</c>, <c>10µs</c>, <c>10ns</c>).
/// </summary>
internal static partial class DurationParser
{
    [GeneratedRegex(@"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PrometheusDuration();

    [GeneratedRegex(@"\G(\d*(?:\.\d*)?)(ns|us|µs|ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex GoDurationPart();

    private static readonly decimal[] PrometheusUnitNanos =
    [
        365m * 24 * 3600 * 1e9m, 7m * 24 * 3600 * 1e9m, 24m * 3600 * 1e9m, 3600m * 1e9m, 60m * 1e9m, 1e9m, 1e6m,
    ];

    public static bool TryParse(string text, out long nanoseconds)
    {
        nanoseconds = 0;
        decimal nanos = 0;
        var prometheus = PrometheusDuration().Match(text);
        if (text.Length > 0 && prometheus.Success)
        {
            for (var i = 0; i < PrometheusUnitNanos.Length; i++)
            {
                if (prometheus.Groups[i + 1].Success)
                {
                    nanos += decimal.Parse(prometheus.Groups[i + 1].Value, CultureInfo.InvariantCulture) * PrometheusUnitNanos[i];
                }
            }
            return ToNanoseconds(nanos, out nanoseconds);
        }

        var position = 0;
        while (position < text.Length)
        {
            var part = GoDurationPart().Match(text, position);
            if (!part.Success || part.Groups[1].Length == 0 || part.Groups[1].Value == ".")
            {
                return false;
            }
            var unit = part.Groups[2].Value switch
            {
                "ns" => 1m, "us" or "µs" => 1e3m, "ms" => 1e6m, "s" => 1e9m, "m" => 60e9m, _ => 3600e9m,
            };
            nanos += decimal.Parse(part.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture) * unit;
            position += part.Length;
        }
        return position > 0 && ToNanoseconds(nanos, out nanoseconds);
    }

    // Go's time.Duration: int64 nanoseconds, fractions of a nanosecond dropped.
    private static bool ToNanoseconds(decimal nanos, out long nanoseconds)
    {
        nanoseconds = 0;
        if (nanos > long.MaxValue)
        {
            return false;
        }
        nanoseconds = (long)nanos;
        return true;
    }
}
