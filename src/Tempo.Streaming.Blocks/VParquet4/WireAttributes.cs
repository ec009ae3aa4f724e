using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>One encoded <c>KeyValue</c> as the row writer needs it: offsets of its key and value, the decoded scalar.</summary>
internal struct WireAttribute
{
    public int KeyStart;
    public int KeyLength;
    public AttributeValueType Type;
    /// <summary>The value's oneof field number (0: none): 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes.</summary>
    public int Case;
    public int ValueStart; // string bytes or the ArrayValue message
    public int ValueLength;
    public long Int;
    public double Double;
    public bool Bool;
    public int AnyStart; // the AnyValue message, for the "not supported" JSON
    public int AnyLength; // -1: the KeyValue has no value

    private static readonly JsonFormatter UnsupportedValueJson = new(JsonFormatter.Settings.Default);

    public readonly ReadOnlySpan<byte> Key(ReadOnlySpan<byte> bytes) => bytes.Slice(KeyStart, KeyLength);

    public readonly ReadOnlySpan<byte> StringValue(ReadOnlySpan<byte> bytes) => bytes.Slice(ValueStart, ValueLength);

    /// <summary>Google.Protobuf's JSON of an unsupported value (what Tempo keeps in ValueDropped).</summary>
    public readonly string UnsupportedJson(ReadOnlySpan<byte> bytes) =>
        UnsupportedValueJson.Format(AnyLength < 0 ? new AnyValue() : AnyValue.Parser.ParseFrom(bytes.Slice(AnyStart, AnyLength)));

    /// <summary>
    /// Reads the KeyValue at <paramref name="bytes"/>[start..end); false when the row writer cannot copy it as it is
    /// (a key or value given twice, two values of the oneof, invalid UTF-8 in the key, a string value or a string
    /// array element): Google.Protobuf would read something else from these bytes. <paramref name="checkUtf8"/> false:
    /// the bytes were written by Google.Protobuf (only the repetitions are checked).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, int start, int end, out WireAttribute item, bool checkUtf8 = true)
    {
        item = new WireAttribute { AnyLength = -1 };
        if (TryReadPlain(bytes, start, end, ref item))
        {
            return !checkUtf8 || (WireUtf8.IsValid(item.Key(bytes)) && (item.Case != 1 || WireUtf8.IsValid(item.StringValue(bytes))));
        }
        var valid = true;
        var keySeen = false;
        var reader = new ProtoReader(bytes, start, end, "KeyValue");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                valid &= !keySeen;
                keySeen = true;
                (item.KeyStart, item.KeyLength) = reader.ReadLengthDelimited(field);
                valid &= !checkUtf8 || WireUtf8.IsValid(bytes.Slice(item.KeyStart, item.KeyLength));
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                valid &= item.AnyLength < 0;
                (item.AnyStart, item.AnyLength) = reader.ReadLengthDelimited(field);
                valid &= ReadAnyValue(bytes, item.AnyStart, item.AnyStart + item.AnyLength, ref item, checkUtf8);
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }
        item.Type = TypeOf(bytes, item, ref valid, checkUtf8);
        return valid;
    }

    /// <summary>
    /// The shape nearly every SDK writes — key (field 1), then value (field 2) holding one string, bool, int or double,
    /// each once, lengths under 16 KiB — read without the general tag loop (the attribute scan was a fifth of a cut).
    /// False, with <paramref name="item"/> untouched but for scratch, for anything else: the general reader decides.
    /// </summary>
    private static bool TryReadPlain(ReadOnlySpan<byte> bytes, int start, int end, ref WireAttribute item)
    {
        var p = start;
        if (p >= end || bytes[p] != 0x0A || !TryReadShortLength(bytes, ref p, end, out var keyLength))
        {
            return false;
        }
        var keyStart = p;
        p += keyLength;
        if (p >= end || bytes[p] != 0x12 || !TryReadShortLength(bytes, ref p, end, out var anyLength) || p + anyLength != end
            || anyLength == 0)
        {
            return false;
        }
        var anyStart = p;
        var tag = bytes[p];
        switch (tag)
        {
            case 0x0A: // string_value
                if (!TryReadShortLength(bytes, ref p, end, out var stringLength) || p + stringLength != end)
                {
                    return false;
                }
                item.ValueStart = p;
                item.ValueLength = stringLength;
                item.Type = AttributeValueType.String;
                break;
            case 0x10 or 0x18: // bool_value, int_value
                p++;
                ulong value = 0;
                for (var shift = 0; ; shift += 7)
                {
                    if (p >= end || shift > 63)
                    {
                        return false;
                    }
                    var b = bytes[p++];
                    value |= (ulong)(b & 0x7F) << shift;
                    if (b < 0x80)
                    {
                        break;
                    }
                }
                if (p != end)
                {
                    return false;
                }
                if (tag == 0x10)
                {
                    item.Bool = value != 0;
                    item.Type = AttributeValueType.Bool;
                }
                else
                {
                    item.Int = unchecked((long)value);
                    item.Type = AttributeValueType.Int;
                }
                break;
            case 0x21: // double_value
                if (anyLength != 9)
                {
                    return false;
                }
                item.Double = BitConverter.UInt64BitsToDouble(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(p + 1, 8)));
                item.Type = AttributeValueType.Double;
                break;
            default:
                return false;
        }
        item.Case = tag >> 3;
        item.KeyStart = keyStart;
        item.KeyLength = keyLength;
        item.AnyStart = anyStart;
        item.AnyLength = anyLength;
        return true;
    }

    /// <summary>Steps over the tag at <paramref name="p"/> and reads a length of one or two varint bytes that fits before <paramref name="end"/>.</summary>
    private static bool TryReadShortLength(ReadOnlySpan<byte> bytes, ref int p, int end, out int length)
    {
        length = 0;
        if (p + 1 >= end)
        {
            return false;
        }
        int first = bytes[p + 1];
        if (first < 0x80)
        {
            length = first;
            p += 2;
        }
        else
        {
            if (p + 2 >= end || bytes[p + 2] >= 0x80)
            {
                return false;
            }
            length = (first & 0x7F) | (bytes[p + 2] << 7);
            p += 3;
        }
        return length <= end - p;
    }

    /// <summary>The oneof of one AnyValue; false when it holds two values or a string that is not UTF-8.</summary>
    internal static bool ReadAnyValue(ReadOnlySpan<byte> bytes, int start, int end, ref WireAttribute item, bool checkUtf8 = true)
    {
        item.Case = 0;
        var values = 0;
        var reader = new ProtoReader(bytes, start, end, "AnyValue");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 or 5 or 6 or 7 when wireType == WireType.LengthDelimited:
                    (item.ValueStart, item.ValueLength) = reader.ReadLengthDelimited(field);
                    break;
                case 2 when wireType == WireType.Varint:
                    item.Bool = reader.ReadVarint(field) != 0;
                    break;
                case 3 when wireType == WireType.Varint:
                    item.Int = unchecked((long)reader.ReadVarint(field));
                    break;
                case 4 when wireType == WireType.Fixed64:
                    item.Double = BitConverter.UInt64BitsToDouble(reader.ReadFixed64(field, wireType));
                    break;
                default:
                    reader.Skip(field, wireType);
                    continue;
            }
            item.Case = field;
            values++;
        }
        return values <= 1 && (item.Case != 1 || !checkUtf8 || WireUtf8.IsValid(item.StringValue(bytes)));
    }

    /// <summary>The ValueType Tempo gives the value; arrays are checked for one element type (empty: a string array).</summary>
    private static AttributeValueType TypeOf(ReadOnlySpan<byte> bytes, in WireAttribute item, ref bool valid, bool checkUtf8)
    {
        switch (item.Case)
        {
            case 1: return AttributeValueType.String;
            case 2: return AttributeValueType.Bool;
            case 3: return AttributeValueType.Int;
            case 4: return AttributeValueType.Double;
            case 5:
                var elementCase = -1;
                var array = new ProtoReader(bytes, item.ValueStart, item.ValueStart + item.ValueLength, "ArrayValue");
                var element = default(WireAttribute);
                while (array.TryReadTag(out var field, out var wireType))
                {
                    if (field != 1 || wireType != WireType.LengthDelimited)
                    {
                        array.Skip(field, wireType);
                        continue;
                    }
                    var (start, length) = array.ReadLengthDelimited(field);
                    valid &= ReadAnyValue(bytes, start, start + length, ref element, checkUtf8);
                    if (elementCase >= 0 && element.Case != elementCase)
                    {
                        // a mixed array reaches the columns only as Google.Protobuf's JSON of the parsed value
                        return AttributeValueType.NotSupported;
                    }
                    elementCase = element.Case;
                }
                return elementCase switch
                {
                    -1 => AttributeValueType.StringArray,
                    1 => AttributeValueType.StringArray,
                    2 => AttributeValueType.BoolArray,
                    3 => AttributeValueType.IntArray,
                    4 => AttributeValueType.DoubleArray,
                    _ => AttributeValueType.NotSupported,
                };
            default:
                return AttributeValueType.NotSupported;
        }
    }
}

/// <summary>
/// The attributes of one owner read while its row is written (scope, event, link), from a fragment
/// <see cref="WireTraceLayout"/> checked. Reused.
/// </summary>
internal sealed class WireAttributeList
{
    public WireAttribute[] Items = new WireAttribute[16];
    public int Count;

    public ReadOnlySpan<WireAttribute> All => Items.AsSpan(0, Count);

    public void Clear() => Count = 0;

    /// <summary>Adds the KeyValue at <paramref name="bytes"/>[start..end).</summary>
    public void Add(ReadOnlySpan<byte> bytes, int start, int end)
    {
        if (Count == Items.Length)
        {
            Array.Resize(ref Items, Items.Length * 2);
        }
        WireAttribute.TryRead(bytes, start, end, out Items[Count++]);
    }
}
