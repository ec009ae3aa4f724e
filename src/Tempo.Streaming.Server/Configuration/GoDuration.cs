using System.Globalization;
using System.Text;

namespace Tempo.Streaming.Server.Configuration;

/// <summary>
/// Durations in Go's <c>time.ParseDuration</c> syntax, which Tempo's YAML uses: a sequence of decimal numbers with a unit
/// (<c>ns</c>, <c>us</c>/<c>µs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), e.g. <c>15m</c>, <c>1h30m</c>, <c>500ms</c>,
/// <c>1.5h</c>; a bare <c>0</c> is allowed. There is no day unit (as in Go).
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var s = text.AsSpan();
        if (s.IsEmpty)
        {
            error = "empty duration";
            return false;
        }

        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            error = $"invalid duration \"{text}\"";
            return false;
        }

        decimal totalNanos = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            var sawDigit = false;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                sawDigit |= char.IsAsciiDigit(s[numberLength]);
                numberLength++;
            }

            if (!sawDigit ||
                !decimal.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"invalid duration \"{text}\" (expected a number followed by a unit: ns, us, ms, s, m, h)";
                return false;
            }

            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            decimal? nanosPerUnit = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60m * 1_000_000_000m,
                "h" => 3600m * 1_000_000_000m,
                _ => null,
            };
            if (nanosPerUnit is null)
            {
                error = unitLength == 0
                    ? $"invalid duration \"{text}\" (missing unit: ns, us, ms, s, m or h)"
                    : $"invalid duration \"{text}\" (unknown unit \"{s[..unitLength].ToString()}\"; use ns, us, ms, s, m or h)";
                return false;
            }

            totalNanos += number * nanosPerUnit.Value;
            s = s[unitLength..];
        }

        // Go's limit: a Duration is an int64 of nanoseconds.
        if (totalNanos > long.MaxValue)
        {
            error = $"invalid duration \"{text}\" (overflows)";
            return false;
        }

        value = TimeSpan.FromTicks((long)(totalNanos / 100m));
        if (negative)
        {
            value = value.Negate();
        }

        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String()</c>: <c>24h0m0s</c>, <c>1m30s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Duration();
        }

        var nanos = (decimal)value.Ticks * 100m;
        if (value < TimeSpan.FromSeconds(1))
        {
            var (divisor, unit) = nanos switch
            {
                < 1_000m => (1m, "ns"),
                < 1_000_000m => (1_000m, "µs"),
                _ => (1_000_000m, "ms"),
            };
            sb.Append(Trim(nanos / divisor)).Append(unit);
            return sb.ToString();
        }

        var hours = (long)(nanos / (3600m * 1_000_000_000m));
        nanos -= hours * 3600m * 1_000_000_000m;
        var minutes = (long)(nanos / (60m * 1_000_000_000m));
        nanos -= minutes * 60m * 1_000_000_000m;
        var seconds = nanos / 1_000_000_000m;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        sb.Append(Trim(seconds)).Append('s');
        return sb.ToString();
    }

    private static string Trim(decimal value) =>
        value.ToString("0.#########", CultureInfo.InvariantCulture);
}
