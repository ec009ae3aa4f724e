using System.Buffers.Text;
using System.Globalization;

namespace Tempo.Streaming.Receivers.Otlp.Json;

/// <summary>
/// Numbers of the proto3 JSON mapping: integers may be JSON numbers or decimal strings (64-bit ones usually are
/// strings, since JavaScript numbers lose precision past 2^53), written plainly or with a fraction or exponent that
/// leaves an integer ("1.0", "1e3"); doubles may also be the strings "NaN", "Infinity" and "-Infinity".
/// Quoted numbers follow Google.Protobuf's JsonParser: no leading '+', no leading zeros, no spaces.
/// Unlike JsonParser, a JSON number is read exactly rather than through a double, so an unquoted
/// <c>startTimeUnixNano</c> above 2^53 keeps its value.
/// </summary>
internal static class JsonNumbers
{
    private const NumberStyles IntegerStyles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public static bool TryParseUnsigned(ReadOnlySpan<byte> text, bool quoted, ulong max, out ulong value)
    {
        if (quoted && !IsCanonicalQuoted(text))
        {
            value = 0;
            return false;
        }

        if (text.Length > 0 && text[0] != '+' && Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length)
        {
            return value <= max;
        }

        if (TryParseIntegral(text, out var number) && number >= 0 && number <= max)
        {
            value = (ulong)number;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryParseSigned(ReadOnlySpan<byte> text, bool quoted, long min, long max, out long value)
    {
        if (quoted && !IsCanonicalQuoted(text))
        {
            value = 0;
            return false;
        }

        if (text.Length > 0 && text[0] != '+' && Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length)
        {
            return value >= min && value <= max;
        }

        if (TryParseIntegral(text, out var number) && number >= min && number <= max)
        {
            value = (long)number;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryParseDouble(ReadOnlySpan<byte> text, bool quoted, out double value)
    {
        if (quoted)
        {
            if (text.SequenceEqual("NaN"u8))
            {
                value = double.NaN;
                return true;
            }

            if (text.SequenceEqual("Infinity"u8))
            {
                value = double.PositiveInfinity;
                return true;
            }

            if (text.SequenceEqual("-Infinity"u8))
            {
                value = double.NegativeInfinity;
                return true;
            }

            if (!IsCanonicalQuoted(text))
            {
                value = 0;
                return false;
            }
        }

        // Any other spelling of NaN or infinity, and numbers beyond double's range, are refused (as JsonParser does).
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>"1.0", "1e3", "-0": decimal holds every 64-bit integer exactly, so the check is exact.</summary>
    private static bool TryParseIntegral(ReadOnlySpan<byte> text, out decimal value) =>
        decimal.TryParse(text, IntegerStyles, CultureInfo.InvariantCulture, out value) && decimal.Truncate(value) == value;

    private static bool IsCanonicalQuoted(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text[0] == '+')
        {
            return false;
        }

        var digits = text[0] == '-' ? text[1..] : text;
        if (digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit((char)digits[1]))
        {
            return false;
        }

        // A JSON number never has spaces; a quoted one must not either.
        foreach (var c in text)
        {
            if (c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                return false;
            }
        }

        return true;
    }
}
