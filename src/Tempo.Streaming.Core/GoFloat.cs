using System.Globalization;

namespace Tempo.Streaming.Core;

/// <summary>
/// Go's <c>strconv.FormatFloat(f, 'g', -1, 64)</c>, the form in which Tempo prints float attribute values (tag values,
/// TraceQL statics): the shortest digits that round-trip, in plain notation unless the decimal exponent is below -4 or
/// at least 6 (Go decides with precision 6 when the shortest form is asked for), else in exponent form with at least two exponent digits (<c>1e+06</c>, <c>1.5e-07</c>), and <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>.
/// </summary>
public static class GoFloat
{
    public static string FormatG(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // "R" gives the shortest round-trip digits in .NET Core 3.0+, the same digits Go's shortest mode picks.
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip[0] == '-';
        var text = negative ? roundTrip[1..] : roundTrip;

        // Split "R" output into digits and a decimal exponent.
        var exponentIndex = text.IndexOfAny(['E', 'e']);
        var mantissa = exponentIndex >= 0 ? text[..exponentIndex] : text;
        var exponent = exponentIndex >= 0 ? int.Parse(text[(exponentIndex + 1)..], CultureInfo.InvariantCulture) : 0;
        var point = mantissa.IndexOf('.');
        var digits = point >= 0 ? mantissa.Remove(point, 1) : mantissa;
        var integerDigits = point >= 0 ? point : mantissa.Length;
        var leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = digits[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // Decimal exponent of the first significant digit.
        var decimalExponent = exponent + integerDigits - leadingZeros - 1;
        var result = decimalExponent < -4 || decimalExponent >= 6
            ? Exponential(digits, decimalExponent)
            : Plain(digits, decimalExponent);
        return negative ? "-" + result : result;
    }

    private static string Exponential(string digits, int exponent)
    {
        var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        var sign = exponent < 0 ? '-' : '+';
        var magnitude = Math.Abs(exponent);
        return mantissa + "e" + sign + (magnitude < 10 ? "0" : "") + magnitude.ToString(CultureInfo.InvariantCulture);
    }

    private static string Plain(string digits, int exponent)
    {
        if (exponent < 0)
        {
            return "0." + new string('0', -exponent - 1) + digits;
        }

        if (digits.Length <= exponent + 1)
        {
            return digits + new string('0', exponent + 1 - digits.Length);
        }

        return digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
    }
}
