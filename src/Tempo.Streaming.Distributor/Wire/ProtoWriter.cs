using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Distributor.Wire;

/// <summary>
/// Writes protobuf into a span that was sized exactly beforehand (sizes come from <see cref="VarintSize"/> and
/// <see cref="LengthDelimitedSize"/>), so encoding is one pass with no growth checks and no intermediate objects.
/// Output is canonical: minimal varints, fields in the order the caller writes them.
/// </summary>
internal ref struct ProtoWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _position;

    public readonly int Position => _position;

    /// <summary>Tag byte of a length-delimited field with a number below 16 (all fields this writer emits).</summary>
    public static byte LengthDelimitedTag(int field) => (byte)((field << 3) | (int)WireType.LengthDelimited);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int VarintSize(uint value) => (31 - System.Numerics.BitOperations.LeadingZeroCount(value | 1)) / 7 + 1;

    /// <summary>Bytes a length-delimited field with a one-byte tag and a payload of <paramref name="length"/> takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LengthDelimitedSize(int length) => 1 + VarintSize((uint)length) + length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLengthPrefix(byte tag, int length)
    {
        _destination[_position++] = tag;
        var value = (uint)length;
        while (value >= 0x80)
        {
            _destination[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _destination[_position++] = (byte)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLengthDelimited(byte tag, ReadOnlySpan<byte> value)
    {
        WriteLengthPrefix(tag, value.Length);
        WriteRaw(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_destination[_position..]);
        _position += value.Length;
    }
}
