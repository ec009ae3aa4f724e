using System.Text;

namespace Tempo.Streaming.Query.Http;

/// <summary>
/// The forms and error texts of github.com/google/uuid <c>Parse</c>, which Tempo uses for <c>blockStart</c>/<c>blockEnd</c>:
/// 36 characters with dashes, 38 with any one-character wrapper (<c>{...}</c>), 45 with a <c>urn:uuid:</c> prefix, or 32 bare hex digits.
/// </summary>
public static class GoUuid
{
    private static readonly int[] DashedOffsets = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

    /// <returns><c>null</c> on success, else google/uuid's error text.</returns>
    public static string? Parse(string text, out Guid value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = Guid.Empty;
        // google/uuid measures Go string length, i.e. UTF-8 bytes.
        var length = Encoding.UTF8.GetByteCount(text);
        var s = text.AsSpan();
        Span<byte> bytes = stackalloc byte[16];
        switch (length)
        {
            case 36:
                break;
            case 45:
                if (!s[..9].Equals("urn:uuid:", StringComparison.OrdinalIgnoreCase))
                {
                    return $"invalid urn prefix: {GoStrconv.Quote(text[..9])}";
                }

                s = s[9..];
                break;
            case 38:
                s = s[1..];
                break;
            case 32:
                for (var i = 0; i < 16; i++)
                {
                    if (!TryHexByte(s[i * 2], s[(i * 2) + 1], out bytes[i]))
                    {
                        return "invalid UUID format";
                    }
                }

                value = new Guid(bytes, bigEndian: true);
                return null;
            default:
                return $"invalid UUID length: {length}";
        }

        if (s.Length < 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        {
            return "invalid UUID format";
        }

        for (var i = 0; i < DashedOffsets.Length; i++)
        {
            var at = DashedOffsets[i];
            if (!TryHexByte(s[at], s[at + 1], out bytes[i]))
            {
                return "invalid UUID format";
            }
        }

        value = new Guid(bytes, bigEndian: true);
        return null;
    }

    private static bool TryHexByte(char high, char low, out byte value)
    {
        var h = HexValue(high);
        var l = HexValue(low);
        value = (byte)((h << 4) | l);
        return h >= 0 && l >= 0;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
