using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Writes generic attribute lists straight into the column writers: each element
/// <c>{Key, ValueType, Value[], ValueInt[], ValueDouble[], ValueBool[], ValueDropped}</c> the way Tempo's
/// <c>attrToParquet</c> fills it: a scalar goes into the one-element list of its type; a homogeneous array into the
/// list of its element type (an empty array counts as a string array); anything else is "not supported" — ValueType
/// 0 and the value's protobuf JSON in ValueDropped. Levels per <see cref="VParquet4Columns"/>: elements at list depth
/// d, their value lists at d + 1. Not thread-safe: one per <see cref="TraceRowWriter"/> (it reuses scratch arrays).
/// </summary>
internal sealed class AttributeWriter
{
    // per list: the generic attributes' indexes, their value types and the repetition level of each element
    private int[] _attributes = new int[16];
    private AttributeValueType[] _types = new AttributeValueType[16];
    private byte[] _repetition = new byte[16];

    /// <summary>
    /// Writes the Attrs list of an owner whose entries start at <paramref name="repetition"/>, with the attributes
    /// <paramref name="classes"/> marks generic (all when null); returns how many were "not supported". Column by
    /// column: a value list no element uses (most lists hold strings only: no ints, doubles, bools or dropped values)
    /// is one bulk null per element (<see cref="ColumnWriter.WriteNulls"/>).
    /// </summary>
    public int WriteList(ColumnWriter[] columns, VParquet4Columns.AttributeColumns list, RepeatedField<KeyValue>? attributes,
        int[]? classes, int repetition)
    {
        var total = attributes?.Count ?? 0;
        if (_attributes.Length < total)
        {
            var size = Math.Max(total, _attributes.Length * 2);
            _attributes = new int[size];
            _types = new AttributeValueType[size];
            _repetition = new byte[size];
        }
        var count = 0;
        var used = 0; // bit per AttributeValueType present
        for (var i = 0; i < total; i++)
        {
            if (!TraceRowWriter.IsGeneric(classes, i))
            {
                continue;
            }
            var type = TypeOf(attributes![i].Value);
            _attributes[count] = i;
            _types[count] = type;
            _repetition[count] = (byte)(count == 0 ? repetition : list.Depth);
            used |= 1 << (int)type;
            count++;
        }
        if (count == 0)
        {
            // an empty list: one null per column, defined at the owner's level
            TraceRowWriter.Nulls(columns, list.All, list.Depth - 1, repetition);
            return 0;
        }

        var indexes = _attributes.AsSpan(0, count);
        var types = _types.AsSpan(0, count);
        var levels = _repetition.AsSpan(0, count);
        var key = columns[list.Key];
        var valueType = columns[list.ValueType];
        for (var k = 0; k < count; k++)
        {
            key.WriteString(attributes![indexes[k]].Key, levels[k]);
            valueType.WriteInt32((int)types[k], levels[k]);
        }
        WriteValues(columns[list.Value], list, attributes!, indexes, types, levels, used, AttributeValueType.String, AttributeValueType.StringArray);
        WriteValues(columns[list.ValueInt], list, attributes!, indexes, types, levels, used, AttributeValueType.Int, AttributeValueType.IntArray);
        WriteValues(columns[list.ValueDouble], list, attributes!, indexes, types, levels, used, AttributeValueType.Double, AttributeValueType.DoubleArray);
        WriteValues(columns[list.ValueBool], list, attributes!, indexes, types, levels, used, AttributeValueType.Bool, AttributeValueType.BoolArray);

        var dropped = columns[list.ValueDropped];
        if ((used & (1 << (int)AttributeValueType.NotSupported)) == 0)
        {
            dropped.WriteNulls(list.Depth, levels);
            return 0;
        }
        var unsupported = 0;
        for (var k = 0; k < count; k++)
        {
            if (types[k] == AttributeValueType.NotSupported)
            {
                dropped.WriteString(TraceRowWriter.UnsupportedJson(attributes![indexes[k]].Value), levels[k]);
                unsupported++;
            }
            else
            {
                dropped.WriteNull(list.Depth, levels[k]);
            }
        }
        return unsupported;
    }

    /// <summary>
    /// One value list column (<paramref name="scalar"/> and <paramref name="array"/> typed attributes fill it): a scalar
    /// is a one-element list, an array's elements repeat at the value list's depth (the first at the attribute's
    /// level), every other element's list is empty (a null defined at the element).
    /// </summary>
    private static void WriteValues(ColumnWriter column, VParquet4Columns.AttributeColumns list, RepeatedField<KeyValue> attributes,
        ReadOnlySpan<int> indexes, ReadOnlySpan<AttributeValueType> types, ReadOnlySpan<byte> levels, int used,
        AttributeValueType scalar, AttributeValueType array)
    {
        var defined = list.Depth;
        if ((used & ((1 << (int)scalar) | (1 << (int)array))) == 0)
        {
            column.WriteNulls(defined, levels);
            return;
        }
        for (var k = 0; k < types.Length; k++)
        {
            var type = types[k];
            var value = attributes[indexes[k]].Value;
            if (type == scalar)
            {
                switch (type)
                {
                    case AttributeValueType.String: column.WriteString(value.StringValue, levels[k]); break;
                    case AttributeValueType.Int: column.WriteInt64(value.IntValue, levels[k]); break;
                    case AttributeValueType.Double: column.WriteDouble(value.DoubleValue, levels[k]); break;
                    default: column.WriteBoolean(value.BoolValue, levels[k]); break;
                }
            }
            else if (type == array && value.ArrayValue?.Values is { Count: > 0 } values)
            {
                for (var i = 0; i < values.Count; i++)
                {
                    var item = values[i];
                    var level = i == 0 ? levels[k] : defined + 1;
                    switch (type)
                    {
                        case AttributeValueType.StringArray: column.WriteString(item.StringValue, level); break;
                        case AttributeValueType.IntArray: column.WriteInt64(item.IntValue, level); break;
                        case AttributeValueType.DoubleArray: column.WriteDouble(item.DoubleValue, level); break;
                        default: column.WriteBoolean(item.BoolValue, level); break;
                    }
                }
            }
            else
            {
                column.WriteNull(defined, levels[k]);
            }
        }
    }

    /// <summary>The ValueType Tempo gives <paramref name="value"/>; arrays are checked for one element type.</summary>
    public static AttributeValueType TypeOf(AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue:
                return AttributeValueType.String;
            case AnyValue.ValueOneofCase.IntValue:
                return AttributeValueType.Int;
            case AnyValue.ValueOneofCase.DoubleValue:
                return AttributeValueType.Double;
            case AnyValue.ValueOneofCase.BoolValue:
                return AttributeValueType.Bool;
            case AnyValue.ValueOneofCase.ArrayValue:
                var values = value!.ArrayValue?.Values;
                if (values is null || values.Count == 0)
                {
                    return AttributeValueType.StringArray;
                }
                var elementCase = values[0]?.ValueCase ?? AnyValue.ValueOneofCase.None;
                for (var i = 1; i < values.Count; i++)
                {
                    if ((values[i]?.ValueCase ?? AnyValue.ValueOneofCase.None) != elementCase)
                    {
                        return AttributeValueType.NotSupported;
                    }
                }
                return elementCase switch
                {
                    AnyValue.ValueOneofCase.StringValue => AttributeValueType.StringArray,
                    AnyValue.ValueOneofCase.IntValue => AttributeValueType.IntArray,
                    AnyValue.ValueOneofCase.DoubleValue => AttributeValueType.DoubleArray,
                    AnyValue.ValueOneofCase.BoolValue => AttributeValueType.BoolArray,
                    _ => AttributeValueType.NotSupported,
                };
            default:
                return AttributeValueType.NotSupported;
        }
    }
}
