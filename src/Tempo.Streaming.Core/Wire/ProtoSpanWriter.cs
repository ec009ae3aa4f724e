using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Core.Wire;

/// <summary>
/// Writes protobuf into a span that was sized exactly beforehand (sizes come from <see cref="Varint.Size(uint)"/> and
/// <see cref="LengthDelimitedSize"/>), so encoding is one pass with no growth checks and no intermediate objects: the
/// shape for encoders that can measure first, such as the distributor's ingest-log records. Output is canonical:
/// minimal varints, fields in the order the caller writes them. Writing past the span throws.
/// </summary>
public ref struct ProtoSpanWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _position;

    public readonly int Position => _position;

    /// <summary>Bytes a length-delimited field with a one-byte tag and a payload of <paramref name="length"/> takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LengthDelimitedSize(int length) => 1 + Varint.Size((uint)length) + length;

    /// <summary>Writes a one-byte tag (<see cref="WireTag.SingleByte"/>) and the length of the payload that follows.</summary>
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

    /// <summary>Copies bytes that are already protobuf (a marshalled message, or fields of one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_destination[_position..]);
        _position += value.Length;
    }
}
