using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Tempo.Streaming.Core;

/// <summary>
/// Durations as Go writes them, which is how Tempo's flags and YAML take them: the grammar of Go's
/// <c>time.ParseDuration</c>, <c>[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+</c> with the units <c>ns</c>, <c>us</c> (or <c>µs</c>,
/// <c>μs</c>), <c>ms</c>, <c>s</c>, <c>m</c> and <c>h</c> — e.g. <c>30s</c>, <c>1h30m</c>, <c>1.5h</c>, <c>-2m3.4s</c>;
/// a bare <c>0</c> needs no unit; there is no day unit; no spaces. Like Go, a value is a count of nanoseconds that must
/// fit an int64 (about 292 years) and a fraction is scaled in floating point; the result is then truncated to
/// <see cref="TimeSpan"/>'s 100 ns ticks. <see cref="Format"/> is Go's <c>Duration.String()</c>.
/// </summary>
public static class GoDuration
{
    private const string Units = "ns, us, ms, s, m or h";

    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <param name="error">Why <paramref name="text"/> is not a duration (null on success), quoting it.</param>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            error = "empty duration";
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            error = null;
            return true;
        }

        if (s.IsEmpty)
        {
            error = $"invalid duration \"{text}\"";
            return false;
        }

        const ulong limit = 1UL << 63;
        ulong total = 0;
        while (!s.IsEmpty)
        {
            // A number: [0-9]*(\.[0-9]*)? with at least one digit.
            var digits = s.Length - s.TrimStart("0123456789").Length;
            if (!TryLeadingInt(s[..digits], out var whole))
            {
                error = $"invalid duration \"{text}\" (overflows)";
                return false;
            }

            s = s[digits..];
            var hasDigits = digits > 0;
            ulong fraction = 0;
            var scale = 1.0;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var fractionDigits = s.Length - s.TrimStart("0123456789").Length;
                (fraction, scale) = LeadingFraction(s[..fractionDigits]);
                s = s[fractionDigits..];
                hasDigits |= fractionDigits > 0;
            }

            if (!hasDigits)
            {
                error = $"invalid duration \"{text}\" (expected a number followed by a unit: ns, us, ms, s, m, h)";
                return false;
            }

            // A unit: everything up to the next number.
            var unitLength = s.IndexOfAny("0123456789.");
            if (unitLength < 0)
            {
                unitLength = s.Length;
            }

            var unit = UnitNanoseconds(s[..unitLength]);
            if (unit == 0)
            {
                error = unitLength == 0
                    ? $"invalid duration \"{text}\" (missing unit: {Units})"
                    : $"invalid duration \"{text}\" (unknown unit \"{s[..unitLength].ToString()}\"; use {Units})";
                return false;
            }

            s = s[unitLength..];
            if (whole > limit / unit)
            {
                error = $"invalid duration \"{text}\" (overflows)";
                return false;
            }

            var nanoseconds = whole * unit;
            if (fraction > 0)
            {
                // As Go does: float64 keeps about 16 significant digits, beyond a nanosecond for any unit.
                nanoseconds += (ulong)(fraction * (unit / scale));
                if (nanoseconds > limit)
                {
                    error = $"invalid duration \"{text}\" (overflows)";
                    return false;
                }
            }

            total += nanoseconds;
            if (total > limit)
            {
                error = $"invalid duration \"{text}\" (overflows)";
                return false;
            }
        }

        // 2^63 ns is representable only as a negative duration (int64's minimum).
        if (!negative && total > long.MaxValue)
        {
            error = $"invalid duration \"{text}\" (overflows)";
            return false;
        }

        var ticks = (long)(total / (ulong)TimeSpan.NanosecondsPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        error = null;
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String()</c>: <c>24h0m0s</c>, <c>1m30s</c>, <c>1.5s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        // TimeSpan.MinValue has no positive counterpart: take the magnitude as unsigned ticks.
        var ticks = value.Ticks;
        if (ticks < 0)
        {
            sb.Append('-');
        }

        var magnitude = ticks < 0 ? (ulong)-(ticks + 1) + 1 : (ulong)ticks;
        if (magnitude < TimeSpan.TicksPerSecond)
        {
            // Below a second Go picks the largest unit that keeps a non-zero integer part.
            var nanoseconds = magnitude * (ulong)TimeSpan.NanosecondsPerTick;
            var (divisor, unit) = nanoseconds switch
            {
                < 1_000 => (1m, "ns"),
                < 1_000_000 => (1_000m, "µs"),
                _ => (1_000_000m, "ms"),
            };
            return sb.Append(Decimal(nanoseconds / divisor)).Append(unit).ToString();
        }

        var hours = magnitude / TimeSpan.TicksPerHour;
        var minutes = magnitude % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var seconds = (decimal)(magnitude % TimeSpan.TicksPerMinute) / TimeSpan.TicksPerSecond;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return sb.Append(Decimal(seconds)).Append('s').ToString();
    }

    private static string Decimal(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);

    /// <summary>Go's <c>leadingInt</c>: the digits as an integer, failing beyond 2^63.</summary>
    private static bool TryLeadingInt(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (value > (1UL << 63) / 10)
            {
                return false;
            }

            value = value * 10 + (ulong)(c - '0');
            if (value > 1UL << 63)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Go's <c>leadingFraction</c>: digits past int64 precision are dropped, not an error.</summary>
    private static (ulong Fraction, double Scale) LeadingFraction(ReadOnlySpan<char> digits)
    {
        ulong fraction = 0;
        var scale = 1.0;
        foreach (var c in digits)
        {
            if (fraction > long.MaxValue / 10)
            {
                break;
            }

            var next = fraction * 10 + (ulong)(c - '0');
            if (next > 1UL << 63)
            {
                break;
            }

            fraction = next;
            scale *= 10;
        }

        return (fraction, scale);
    }

    private static ulong UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1,
        "us" or "µs" or "μs" => 1_000, // U+00B5 micro sign and U+03BC Greek mu, as Go accepts both
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60 * 1_000_000_000UL,
        "h" => 3_600 * 1_000_000_000UL,
        _ => 0,
    };
}
