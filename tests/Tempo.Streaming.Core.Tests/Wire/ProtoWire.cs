using System.Buffers.Binary;
using System.Text;

namespace Tempo.Streaming.Core.Tests.Wire;

/// <summary>
/// A deliberately tiny, independent protobuf encoder for expected values: every field is written from a field
/// number typed into the test (taken from the published .proto files), so the golden tests check our generated
/// code's field numbers and wire types without trusting protoc. Encoding rules: protobuf "Encoding" guide —
/// tag = field &lt;&lt; 3 | wire type; 0 = varint, 1 = 64-bit little-endian, 2 = length-delimited, 5 = 32-bit.
/// </summary>
internal static class ProtoWire
{
    private const int VarintType = 0;
    private const int Fixed64Type = 1;
    private const int LengthDelimitedType = 2;
    private const int Fixed32Type = 5;

    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>(10);
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    public static byte[] Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    public static byte[] UInt(int field, ulong value) => [.. Tag(field, VarintType), .. Varint(value)];

    /// <summary>int32/int64/enum: negative values are sign-extended to 10 bytes.</summary>
    public static byte[] Int(int field, long value) => UInt(field, unchecked((ulong)value));

    public static byte[] Bool(int field, bool value) => UInt(field, value ? 1UL : 0UL);

    public static byte[] Fixed64(int field, ulong value)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, value);
        return [.. Tag(field, Fixed64Type), .. payload];
    }

    public static byte[] Fixed32(int field, uint value)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, value);
        return [.. Tag(field, Fixed32Type), .. payload];
    }

    public static byte[] Double(int field, double value) => Fixed64(field, BitConverter.DoubleToUInt64Bits(value));

    public static byte[] Bytes(int field, byte[] payload) =>
        [.. Tag(field, LengthDelimitedType), .. Varint((ulong)payload.Length), .. payload];

    public static byte[] String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>An embedded message: its encoded fields, concatenated, as a length-delimited field.</summary>
    public static byte[] Message(int field, params byte[][] fields) => Bytes(field, Concat(fields));

    /// <summary>One map entry: key = field 1, value = field 2 of an implicit entry message.</summary>
    public static byte[] MapEntry(int field, byte[] key, byte[] value) => Message(field, key, value);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(static p => p)];

    public static byte[] FromHex(string hex) => Convert.FromHexString(string.Concat(hex.Where(static c => !char.IsWhiteSpace(c))));
}
