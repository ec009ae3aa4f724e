using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Tempo.Streaming.Core.Ids;

/// <summary>
/// An 8-byte span ID: a value type for keys, plus span-based helpers over raw IDs.
/// </summary>
/// <remarks>
/// Tempo's rules (<c>pkg/util/traceid.go</c>): <c>HexStringToSpanID</c> strips leading '0' characters before
/// checking the length, so any number of leading zeros is accepted as long as at most 16 significant digits remain;
/// <c>SpanIDToHexString</c> always prints at least 16 characters (left-padded with zeros).
/// </remarks>
public readonly struct SpanId : IEquatable<SpanId>, IComparable<SpanId>, ISpanFormattable
{
    /// <summary>Bytes in a span ID.</summary>
    public const int Length = 8;

    /// <summary>Characters in the hex form.</summary>
    public const int HexLength = 16;

    private const string IdName = "span";

    // Big-endian, so numeric order is byte-wise order.
    private readonly ulong _value;

    private SpanId(ulong value) => _value = value;

    /// <summary>Reads exactly <see cref="Length"/> bytes.</summary>
    public static SpanId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"a span ID is {Length} bytes, got {bytes.Length}", nameof(bytes));
        }

        return new SpanId(BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    /// <summary>True when every byte is zero (an invalid span ID per the OTLP spec).</summary>
    public bool IsZero => _value == 0;

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, a span ID needs {Length}", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _value);
    }

    public byte[] ToByteArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>16 lowercase hex characters.</summary>
    public override string ToString() => _value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        _value.TryFormat(destination, out charsWritten, "x16", System.Globalization.CultureInfo.InvariantCulture);

    public bool Equals(SpanId other) => _value == other._value;

    public override bool Equals(object? obj) => obj is SpanId other && Equals(other);

    public override int GetHashCode() => _value.GetHashCode();

    public int CompareTo(SpanId other) => _value.CompareTo(other._value);

    public static bool operator ==(SpanId left, SpanId right) => left.Equals(right);

    public static bool operator !=(SpanId left, SpanId right) => !left.Equals(right);

    public static bool operator <(SpanId left, SpanId right) => left.CompareTo(right) < 0;

    public static bool operator >(SpanId left, SpanId right) => left.CompareTo(right) > 0;

    public static bool operator <=(SpanId left, SpanId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SpanId left, SpanId right) => left.CompareTo(right) >= 0;

    // ---- span-based helpers over raw IDs ----

    /// <summary>
    /// Parses hex (any case, any number of leading zeros, odd length allowed, at most 16 significant digits) into the
    /// 8 bytes of <paramref name="destination"/>, left-padding with zeros.
    /// </summary>
    public static bool TryParseHex(ReadOnlySpan<char> hex, Span<byte> destination) => TryParseHex(hex, destination, out _);

    /// <inheritdoc cref="TryParseHex(ReadOnlySpan{char}, Span{byte})"/>
    /// <param name="error">Why parsing failed; its <see cref="HexIdParseError.Message"/> uses Tempo's wording.</param>
    public static bool TryParseHex(ReadOnlySpan<char> hex, Span<byte> destination, out HexIdParseError error)
    {
        if (destination.Length != Length)
        {
            throw new ArgumentException($"destination must be exactly {Length} bytes, got {destination.Length}", nameof(destination));
        }

        return HexId.TryParseRightAligned(hex, destination, skipLeadingZeros: true, IdName, out error);
    }

    /// <inheritdoc cref="TryParseHex(ReadOnlySpan{char}, Span{byte})"/>
    public static bool TryParseHex(ReadOnlySpan<char> hex, out SpanId id, out HexIdParseError error)
    {
        Span<byte> bytes = stackalloc byte[Length];
        if (!HexId.TryParseRightAligned(hex, bytes, skipLeadingZeros: true, IdName, out error))
        {
            id = default;
            return false;
        }

        id = FromBytes(bytes);
        return true;
    }

    /// <summary>Parses like <see cref="TryParseHex(ReadOnlySpan{char}, Span{byte})"/>; throws <see cref="FormatException"/> with Tempo's message.</summary>
    public static SpanId ParseHex(ReadOnlySpan<char> hex)
    {
        if (!TryParseHex(hex, out var id, out var error))
        {
            ThrowFormat(error);
        }

        return id;
    }

    /// <summary>
    /// Writes the hex form Tempo prints span IDs in (<c>util.SpanIDToHexString</c>): lowercase, leading zeros removed
    /// and then left-padded to at least 16 characters. For an 8-byte ID that is simply its 16 hex digits. Returns the
    /// number of characters written.
    /// </summary>
    public static int FormatHex(ReadOnlySpan<byte> id, Span<char> destination)
    {
        var significant = HexId.TrimmedLength(id);
        var length = Math.Max(significant, HexLength);
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination holds {destination.Length} characters but the span ID needs {length}", nameof(destination));
        }

        destination[..(length - significant)].Fill('0');
        HexId.FormatLowerTrimmed(id, destination[(length - significant)..]);
        return length;
    }

    /// <inheritdoc cref="FormatHex"/>
    public static string ToHex(ReadOnlySpan<byte> id)
    {
        var length = Math.Max(HexId.TrimmedLength(id), HexLength);
        return string.Create(length, id, static (chars, bytes) => FormatHex(bytes, chars));
    }

    /// <summary>True when every byte is zero (also for an empty span).</summary>
    public static bool IsAllZero(ReadOnlySpan<byte> id) => id.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>The distributor's rule (OTLP spec, Tempo's validation): exactly 8 bytes, not all zero.</summary>
    public static bool IsValid(ReadOnlySpan<byte> id) => id.Length == Length && !IsAllZero(id);

    [DoesNotReturn]
    private static void ThrowFormat(HexIdParseError error) => throw new FormatException(error.Message);
}
