using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Core.Wire;

/// <summary>Field tags: <c>(field_number &lt;&lt; 3) | wire_type</c>, written as a varint (protobuf encoding spec, "Message Structure").</summary>
public static class WireTag
{
    /// <summary>The largest field number protobuf allows (2^29 - 1).</summary>
    public const int MaxFieldNumber = (1 << 29) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Make(int field, WireType wireType) => ((uint)field << 3) | (uint)wireType;

    /// <summary>
    /// The tag of a field numbered 1 to 15, whose varint is a single byte: encoders that write such tags as one byte
    /// (and size them as one) take it from here, so a field number that would need two bytes fails at start-up.
    /// </summary>
    public static byte SingleByte(int field, WireType wireType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(field, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(field, 15);
        return (byte)Make(field, wireType);
    }
}
