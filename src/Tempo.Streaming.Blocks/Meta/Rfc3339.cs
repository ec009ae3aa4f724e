using System.Globalization;

namespace Tempo.Streaming.Blocks.Meta;

/// <summary>
/// Go's <c>time.Time</c> JSON form (RFC 3339 with up to nine fraction digits, trailing zeros trimmed), which Tempo uses
/// for <c>startTime</c>, <c>endTime</c>, <c>compactedTime</c> and <c>created_at</c>. Hand-written because .NET's
/// round-trip format always prints seven fraction digits and its parser rejects more than seven.
/// </summary>
internal static class Rfc3339
{
    public static string Format(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fractionTicks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fractionTicks == 0)
        {
            return text + "Z";
        }

        // Ticks are 100 ns: seven digits, then trimmed like Go's RFC3339Nano.
        var fraction = fractionTicks.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "." + fraction + "Z";
    }

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        // yyyy-MM-ddTHH:mm:ss is 19 characters, then optional .fraction, then Z or ±hh:mm.
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
            text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day) ||
            !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) ||
            !TryDigits(text, 17, 2, out var second))
        {
            return false;
        }

        var pos = 19;
        long fractionTicks = 0;
        if (text[pos] == '.')
        {
            pos++;
            var digits = 0;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                // Keep 100 ns precision; digits past the seventh are dropped (DateTimeOffset cannot hold them).
                if (digits < 7)
                {
                    fractionTicks = fractionTicks * 10 + (text[pos] - '0');
                }

                digits++;
                pos++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (var d = digits; d < 7; d++)
            {
                fractionTicks *= 10;
            }
        }

        if (pos >= text.Length)
        {
            return false;
        }

        TimeSpan offset;
        if ((text[pos] == 'Z' || text[pos] == 'z') && pos == text.Length - 1)
        {
            offset = TimeSpan.Zero;
        }
        else if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.Length && text[pos + 3] == ':' &&
                 TryDigits(text, pos + 1, 2, out var offsetHours) && TryDigits(text, pos + 4, 2, out var offsetMinutes))
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (text[pos] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = value * 10 + (text[i] - '0');
        }

        return true;
    }
}
