using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Core.Wire;

/// <summary>
/// Base-128 varints and ZigZag (protobuf encoding spec, "Base 128 Varints" and "Signed Integers"): seven bits per byte,
/// least significant group first, the high bit set on every byte but the last. A 64-bit value takes at most ten bytes,
/// the tenth carrying only bit 63. Encoders here always write the minimal form, as protobuf serialisers do.
/// </summary>
public static class Varint
{
    /// <summary>The longest varint: a 64-bit value in seven-bit groups.</summary>
    public const int MaxLength = 10;

    /// <summary>Bytes the minimal varint of <paramref name="value"/> takes (1 to 5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Size(uint value) =>
        // 1 + floor(log2(v)) / 7 with v | 1 so that zero takes one byte; (x * 9 + 73) >> 6 is that division for x <= 63.
        (int)(((uint)(31 - BitOperations.LeadingZeroCount(value | 1)) * 9 + 73) >> 6);

    /// <summary>Bytes the minimal varint of <paramref name="value"/> takes (1 to 10).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Size(ulong value) =>
        (int)(((uint)(63 - BitOperations.LeadingZeroCount(value | 1)) * 9 + 73) >> 6);

    /// <summary>
    /// Writes the minimal varint of <paramref name="value"/> at the start of <paramref name="destination"/> and returns
    /// its length; throws if the destination is shorter than <see cref="Size(ulong)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }

    /// <summary>
    /// Reads the varint at the start of <paramref name="source"/>: <see cref="OperationStatus.Done"/> with its value and
    /// length; <see cref="OperationStatus.NeedMoreData"/> when the source ends inside it (truncated);
    /// <see cref="OperationStatus.InvalidData"/> when it runs past ten bytes or its tenth byte has bits beyond the 64th
    /// (overlong, or a value that does not fit 64 bits). Non-minimal forms within ten bytes are accepted, as protobuf
    /// parsers accept them.
    /// </summary>
    public static OperationStatus Read(ReadOnlySpan<byte> source, out ulong value, out int length)
    {
        ulong result = 0;
        for (var i = 0; i < MaxLength; i++)
        {
            if (i >= source.Length)
            {
                value = 0;
                length = 0;
                return OperationStatus.NeedMoreData;
            }

            var b = source[i];
            if (i == MaxLength - 1 && b > 1)
            {
                break;
            }

            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                value = result;
                length = i + 1;
                return OperationStatus.Done;
            }
        }

        value = 0;
        length = 0;
        return OperationStatus.InvalidData;
    }

    /// <summary>ZigZag-encodes a <c>sint32</c>: small magnitudes of either sign become small unsigned values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ZigZagEncode(int value) => (uint)((value << 1) ^ (value >> 31));

    /// <summary>ZigZag-encodes a <c>sint64</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ZigZagEncode(long value) => (ulong)((value << 1) ^ (value >> 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ZigZagDecode(uint value) => (int)(value >> 1) ^ -(int)(value & 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ZigZagDecode(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
