using System.Globalization;
using System.Text;

namespace Tempo.Streaming.Query.Http;

/// <summary>
/// Go's <c>strconv.ParseInt(s, 10, bitSize)</c> and <c>strconv.Quote</c>, so parameter errors carry the exact text Tempo
/// returns (<c>invalid start: strconv.ParseInt: parsing "x": invalid syntax</c>).
/// </summary>
public static class GoStrconv
{
    /// <summary>Parses a base-10 integer with an optional sign into the range of a signed <paramref name="bitSize"/>-bit integer.</summary>
    /// <returns><c>null</c> on success, else the Go error text.</returns>
    public static string? ParseInt(string text, int bitSize, out long value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        var digits = text.AsSpan();
        var negative = false;
        if (digits.Length > 0 && (digits[0] == '+' || digits[0] == '-'))
        {
            negative = digits[0] == '-';
            digits = digits[1..];
        }

        if (digits.Length == 0)
        {
            return Error(text, "invalid syntax");
        }

        // Go checks syntax over the whole string before reporting a range error.
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return Error(text, "invalid syntax");
            }
        }

        var limit = bitSize >= 64 ? (UInt128)long.MaxValue : (UInt128)((1L << (bitSize - 1)) - 1);
        UInt128 magnitude = 0;
        foreach (var c in digits)
        {
            magnitude = (magnitude * 10) + (uint)(c - '0');
            if (magnitude > limit + 1)
            {
                return Error(text, "value out of range");
            }
        }

        if ((!negative && magnitude > limit) || (negative && magnitude > limit + 1))
        {
            return Error(text, "value out of range");
        }

        value = negative ? (long)(0 - (Int128)magnitude) : (long)magnitude;
        return null;
    }

    /// <summary>Go's <c>strconv.ParseUint(s, 10, 32)</c> success test (Tempo's frontend reads <c>limit</c> this way and ignores failures).</summary>
    public static bool TryParseUInt32(string? text, out uint value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Go's <c>strconv.Quote</c>: double quotes, Go escapes for quotes, backslashes and non-printable runes.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2);
        builder.Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\a': builder.Append("\\a"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\v': builder.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        builder.Append("\\x").Append(rune.Value.ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format
                        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                    {
                        builder.Append(rune.Value <= 0xFFFF ? "\\u" : "\\U")
                            .Append(rune.Value.ToString(rune.Value <= 0xFFFF ? "x4" : "x8", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(rune.ToString());
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    private static string Error(string text, string reason) => $"strconv.ParseInt: parsing {Quote(text)}: {reason}";
}
