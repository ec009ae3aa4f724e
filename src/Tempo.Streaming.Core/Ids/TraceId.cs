using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Tempo.Streaming.Core.Ids;

/// <summary>
/// A 16-byte trace ID. The value type is for keys and sorting (ordering equals byte-wise order, which is the order of
/// Tempo's block rows); the static span-based members parse, format and check raw IDs without allocating.
/// </summary>
/// <remarks>
/// Tempo's rules (<c>pkg/util/traceid.go</c>): hex input may be upper or lower case, may omit leading zeros and may
/// have an odd number of digits (an implied leading '0'); it is left-padded with zero bytes to 16 bytes; more than
/// 16 bytes is an error. Search results print trace IDs as lowercase hex WITHOUT leading zeros
/// (<c>util.TraceIDToHexString</c>), everything else uses the full 32 characters.
/// </remarks>
public readonly struct TraceId : IEquatable<TraceId>, IComparable<TraceId>, ISpanFormattable
{
    /// <summary>Bytes in a trace ID.</summary>
    public const int Length = 16;

    /// <summary>Characters in the full hex form.</summary>
    public const int HexLength = 32;

    private const string IdName = "trace";

    // Big-endian halves, so comparing (high, low) as unsigned numbers is byte-wise comparison.
    private readonly ulong _high;
    private readonly ulong _low;

    private TraceId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Reads exactly <see cref="Length"/> bytes.</summary>
    public static TraceId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"a trace ID is {Length} bytes, got {bytes.Length}", nameof(bytes));
        }

        return new TraceId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>True when every byte is zero (an invalid trace ID per the OTLP spec).</summary>
    public bool IsZero => (_high | _low) == 0;

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, a trace ID needs {Length}", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    public byte[] ToByteArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>32 lowercase hex characters.</summary>
    public override string ToString() => string.Create(HexLength, this, static (chars, id) =>
    {
        Span<byte> bytes = stackalloc byte[Length];
        id.WriteTo(bytes);
        HexId.FormatLower(bytes, chars);
    });

    /// <summary>Lowercase hex without leading zeros, as Tempo's search results print trace IDs.</summary>
    public string ToSearchHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return ToSearchHex(bytes);
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < HexLength)
        {
            charsWritten = 0;
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        charsWritten = HexId.FormatLower(bytes, destination);
        return true;
    }

    public bool Equals(TraceId other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is TraceId other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public int CompareTo(TraceId other)
    {
        var high = _high.CompareTo(other._high);
        return high != 0 ? high : _low.CompareTo(other._low);
    }

    public static bool operator ==(TraceId left, TraceId right) => left.Equals(right);

    public static bool operator !=(TraceId left, TraceId right) => !left.Equals(right);

    public static bool operator <(TraceId left, TraceId right) => left.CompareTo(right) < 0;

    public static bool operator >(TraceId left, TraceId right) => left.CompareTo(right) > 0;

    public static bool operator <=(TraceId left, TraceId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(TraceId left, TraceId right) => left.CompareTo(right) >= 0;

    // ---- span-based helpers over raw IDs ----

    /// <summary>
    /// Parses up to 32 hex digits (any case, leading zeros optional, odd length allowed) into the 16 bytes of
    /// <paramref name="destination"/>, left-padding with zeros (Tempo's <c>util.HexStringToTraceID</c>).
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

        return HexId.TryParseRightAligned(hex, destination, skipLeadingZeros: false, IdName, out error);
    }

    /// <inheritdoc cref="TryParseHex(ReadOnlySpan{char}, Span{byte})"/>
    public static bool TryParseHex(ReadOnlySpan<char> hex, out TraceId id, out HexIdParseError error)
    {
        Span<byte> bytes = stackalloc byte[Length];
        if (!HexId.TryParseRightAligned(hex, bytes, skipLeadingZeros: false, IdName, out error))
        {
            id = default;
            return false;
        }

        id = FromBytes(bytes);
        return true;
    }

    /// <summary>Parses like <see cref="TryParseHex(ReadOnlySpan{char}, Span{byte})"/>; throws <see cref="FormatException"/> with Tempo's message.</summary>
    public static TraceId ParseHex(ReadOnlySpan<char> hex)
    {
        if (!TryParseHex(hex, out var id, out var error))
        {
            ThrowFormat(error);
        }

        return id;
    }

    /// <summary>Writes lowercase hex of every byte of <paramref name="id"/> (32 characters for a valid ID); returns the count.</summary>
    public static int FormatHex(ReadOnlySpan<byte> id, Span<char> destination) => HexId.FormatLower(id, destination);

    public static string ToHex(ReadOnlySpan<byte> id) => Convert.ToHexStringLower(id);

    /// <summary>
    /// Writes lowercase hex without leading zeros (Tempo's <c>util.TraceIDToHexString</c>, used for
    /// <c>traceID</c> in search results); returns the count. An all-zero ID writes nothing, as in Tempo.
    /// </summary>
    public static int FormatSearchHex(ReadOnlySpan<byte> id, Span<char> destination) => HexId.FormatLowerTrimmed(id, destination);

    /// <inheritdoc cref="FormatSearchHex"/>
    public static string ToSearchHex(ReadOnlySpan<byte> id)
    {
        var length = HexId.TrimmedLength(id);
        return length == 0
            ? string.Empty
            : string.Create(length, id, static (chars, bytes) => HexId.FormatLowerTrimmed(bytes, chars));
    }

    /// <summary>True when every byte is zero (also for an empty span).</summary>
    public static bool IsAllZero(ReadOnlySpan<byte> id) => id.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>The distributor's rule (OTLP spec, Tempo's validation): exactly 16 bytes, not all zero.</summary>
    public static bool IsValid(ReadOnlySpan<byte> id) => id.Length == Length && !IsAllZero(id);

    /// <summary>
    /// Normalises a raw ID of any length to 16 bytes the way Tempo's <c>util.PadTraceIDTo16Bytes</c> does: shorter IDs
    /// (e.g. Zipkin/Jaeger 64-bit trace IDs) are left-padded with zeros, longer ones keep their last 16 bytes.
    /// </summary>
    public static void PadTo16Bytes(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length != Length)
        {
            throw new ArgumentException($"destination must be exactly {Length} bytes, got {destination.Length}", nameof(destination));
        }

        if (source.Length >= Length)
        {
            source[^Length..].CopyTo(destination);
            return;
        }

        destination[..(Length - source.Length)].Clear();
        source.CopyTo(destination[(Length - source.Length)..]);
    }

    [DoesNotReturn]
    private static void ThrowFormat(HexIdParseError error) => throw new FormatException(error.Message);
}
