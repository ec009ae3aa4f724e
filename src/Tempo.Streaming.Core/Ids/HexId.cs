using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Tempo.Streaming.Core.Ids;

/// <summary>Hex parsing and formatting shared by <see cref="TraceId"/> and <see cref="SpanId"/>.</summary>
internal static class HexId
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>
    /// Parses <paramref name="hex"/> into <paramref name="destination"/> right-aligned, zero-filling the bytes on the
    /// left: odd digit counts get an implied leading zero and short IDs are left-padded, as Tempo's
    /// <c>util.hexStringToID</c> does. Characters are checked first (so the reported position is exact), then length.
    /// </summary>
    public static bool TryParseRightAligned(
        ReadOnlySpan<char> hex,
        Span<byte> destination,
        bool skipLeadingZeros,
        string idName,
        out HexIdParseError error)
    {
        var maxBits = destination.Length * 8;
        if (hex.IsEmpty)
        {
            error = new HexIdParseError(HexIdErrorKind.Empty, idName, maxBits);
            return false;
        }

        var invalid = hex.IndexOfAnyExcept(HexDigits);
        if (invalid >= 0)
        {
            error = new HexIdParseError(HexIdErrorKind.InvalidCharacter, idName, maxBits, invalid + 1, hex[invalid]);
            return false;
        }

        if (skipLeadingZeros)
        {
            hex = hex.TrimStart('0');
        }

        if (hex.Length > destination.Length * 2)
        {
            error = new HexIdParseError(HexIdErrorKind.TooLong, idName, maxBits);
            return false;
        }

        destination.Clear();
        var target = destination[(destination.Length - ((hex.Length + 1) / 2))..];
        if ((hex.Length & 1) == 1)
        {
            target[0] = (byte)NibbleValue(hex[0]);
            hex = hex[1..];
            target = target[1..];
        }

        var status = Convert.FromHexString(hex, target, out _, out var written);
        Debug.Assert(status == OperationStatus.Done && written == target.Length, "characters were validated above");
        error = default;
        return true;
    }

    /// <summary>Writes lowercase hex of every byte; returns the number of characters written.</summary>
    public static int FormatLower(ReadOnlySpan<byte> id, Span<char> destination)
    {
        if (!Convert.TryToHexStringLower(id, destination, out var written))
        {
            ThrowDestinationTooSmall(id.Length * 2, destination.Length);
        }

        return written;
    }

    /// <summary>
    /// Lowercase hex with leading zero characters removed (Tempo's <c>util.TraceIDToHexString</c>, which trims '0'
    /// from the left of the full hex string). An all-zero or empty ID yields no characters, as in Tempo.
    /// </summary>
    public static int FormatLowerTrimmed(ReadOnlySpan<byte> id, Span<char> destination)
    {
        var first = id.IndexOfAnyExcept((byte)0);
        if (first < 0)
        {
            return 0;
        }

        var significant = id[first..];
        var highNibbleIsZero = significant[0] < 0x10;
        var length = (significant.Length * 2) - (highNibbleIsZero ? 1 : 0);
        if (destination.Length < length)
        {
            ThrowDestinationTooSmall(length, destination.Length);
        }

        if (highNibbleIsZero)
        {
            destination[0] = LowerHexDigit(significant[0]);
            significant = significant[1..];
            destination = destination[1..];
        }

        Convert.TryToHexStringLower(significant, destination, out _);
        return length;
    }

    /// <summary>The number of characters <see cref="FormatLowerTrimmed"/> writes for <paramref name="id"/>.</summary>
    public static int TrimmedLength(ReadOnlySpan<byte> id)
    {
        var first = id.IndexOfAnyExcept((byte)0);
        return first < 0 ? 0 : ((id.Length - first) * 2) - (id[first] < 0x10 ? 1 : 0);
    }

    private static int NibbleValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };

    private static char LowerHexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);

    [DoesNotReturn]
    private static void ThrowDestinationTooSmall(int needed, int actual) =>
        throw new ArgumentException($"destination holds {actual} characters but the hex ID needs {needed}", "destination");
}
