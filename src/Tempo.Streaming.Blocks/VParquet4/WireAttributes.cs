using System.Text.Unicode;
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
                valid &= !checkUtf8 || Utf8.IsValid(bytes.Slice(item.KeyStart, item.KeyLength));
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
        return values <= 1 && (item.Case != 1 || !checkUtf8 || Utf8.IsValid(item.StringValue(bytes)));
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
