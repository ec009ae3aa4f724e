using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Tempo.Streaming.Query.Json;

/// <summary>
/// Doubles the way Go's <c>encoding/json</c> prints a <c>float64</c> (which gogo's jsonpb also uses for finite
/// doubles): the shortest digits that round-trip, in plain notation when 1e-6 ≤ |v| &lt; 1e21 (<c>0.000001</c>,
/// <c>100000000000000000000</c>), otherwise in exponent form with the exponent's leading zero dropped (<c>1e-7</c>,
/// <c>1e+21</c>, <c>1.5e-10</c>). This is ES6's Number-to-String, so JavaScript clients print the same text.
/// Utf8JsonWriter's own double format differs (<c>1E+16</c>), hence this writer.
/// </summary>
public static class GoJsonFloat
{
    /// <summary>Enough for "-" + 17 digits + "." + "e-324".</summary>
    public const int MaxLength = 32;

    /// <summary>
    /// Writes a finite <paramref name="value"/> as a JSON number. jsonpb writes NaN and ±Inf as the strings
    /// <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> (proto3 JSON mapping); so does this method.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        Span<byte> buffer = stackalloc byte[MaxLength];
        var length = Format(value, buffer);
        writer.WriteRawValue(buffer[..length], skipInputValidation: true);
    }

    /// <summary>Formats a finite double into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes).</summary>
    public static int Format(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "only finite doubles have a JSON number form");
        }

        // .NET's "R" gives the shortest round-trip digits (the digits Go's shortest mode picks), as "1.5E-07" or "123.25".
        Span<char> roundTrip = stackalloc char[MaxLength];
        value.TryFormat(roundTrip, out var written, "R", CultureInfo.InvariantCulture);
        ReadOnlySpan<char> text = roundTrip[..written];

        var position = 0;
        if (text[0] == '-')
        {
            destination[position++] = (byte)'-';
            text = text[1..];
        }

        var exponentAt = text.IndexOfAny('E', 'e');
        var mantissa = exponentAt >= 0 ? text[..exponentAt] : text;
        var exponent = exponentAt >= 0 ? int.Parse(text[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;

        // Collect the significant digits and the decimal exponent of the first one (value = d.ddd × 10^pointExponent).
        Span<byte> digits = stackalloc byte[24];
        var digitCount = 0;
        var integerDigits = mantissa.IndexOf('.');
        if (integerDigits < 0)
        {
            integerDigits = mantissa.Length;
        }

        var leadingZeros = 0;
        var seenNonZero = false;
        foreach (var c in mantissa)
        {
            if (c == '.')
            {
                continue;
            }

            if (!seenNonZero && c == '0')
            {
                leadingZeros++;
                continue;
            }

            seenNonZero = true;
            digits[digitCount++] = (byte)c;
        }

        while (digitCount > 1 && digits[digitCount - 1] == (byte)'0')
        {
            digitCount--;
        }

        if (digitCount == 0)
        {
            // Zero (either sign): Go prints "0" / "-0".
            destination[position++] = (byte)'0';
            return position;
        }

        var pointExponent = exponent + integerDigits - leadingZeros - 1;
        if (pointExponent < -6 || pointExponent >= 21)
        {
            destination[position++] = digits[0];
            if (digitCount > 1)
            {
                destination[position++] = (byte)'.';
                digits[1..digitCount].CopyTo(destination[position..]);
                position += digitCount - 1;
            }

            destination[position++] = (byte)'e';
            destination[position++] = pointExponent < 0 ? (byte)'-' : (byte)'+';
            var magnitude = Math.Abs(pointExponent);
            // strconv writes at least two exponent digits; encoding/json then turns "e-07" into "e-7" (but keeps "e+21").
            if (magnitude < 10 && pointExponent > 0)
            {
                destination[position++] = (byte)'0';
            }

            Utf8Formatter.TryFormat(magnitude, destination[position..], out var exponentLength);
            return position + exponentLength;
        }

        if (pointExponent < 0)
        {
            destination[position++] = (byte)'0';
            destination[position++] = (byte)'.';
            for (var i = 0; i < -pointExponent - 1; i++)
            {
                destination[position++] = (byte)'0';
            }

            digits[..digitCount].CopyTo(destination[position..]);
            return position + digitCount;
        }

        var wholeDigits = pointExponent + 1;
        for (var i = 0; i < wholeDigits; i++)
        {
            destination[position++] = i < digitCount ? digits[i] : (byte)'0';
        }

        if (digitCount > wholeDigits)
        {
            destination[position++] = (byte)'.';
            digits[wholeDigits..digitCount].CopyTo(destination[position..]);
            position += digitCount - wholeDigits;
        }

        return position;
    }
}
