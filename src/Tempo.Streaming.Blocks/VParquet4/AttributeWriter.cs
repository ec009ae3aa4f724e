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
/// d, their value lists at d + 1.
/// </summary>
internal static class AttributeWriter
{
    /// <summary>
    /// Writes the Attrs list of an owner whose entries start at <paramref name="repetition"/>, with the attributes
    /// <paramref name="classes"/> marks generic (all when null); returns how many were "not supported".
    /// </summary>
    public static int WriteList(ColumnWriter[] columns, VParquet4Columns.AttributeColumns list, RepeatedField<KeyValue>? attributes,
        int[]? classes, int repetition)
    {
        var count = attributes?.Count ?? 0;
        var unsupported = 0;
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TraceRowWriter.IsGeneric(classes, i))
            {
                continue;
            }
            if (!Write(columns, list, attributes![i], written == 0 ? repetition : list.Depth))
            {
                unsupported++;
            }
            written++;
        }
        if (written == 0)
        {
            // an empty list: one null per column, defined at the owner's level
            TraceRowWriter.Nulls(columns, list.All, list.Depth - 1, repetition);
        }
        return unsupported;
    }

    /// <summary>Writes one element; false when the value was not supported.</summary>
    private static bool Write(ColumnWriter[] columns, VParquet4Columns.AttributeColumns list, KeyValue attribute, int repetition)
    {
        var defined = list.Depth;
        columns[list.Key].WriteString(attribute.Key, repetition);

        var value = attribute.Value;
        var type = TypeOf(value);
        columns[list.ValueType].WriteInt32((int)type, repetition);

        // Scalars are one-element lists; the lists of the other types are empty (a null defined at the element).
        switch (type)
        {
            case AttributeValueType.String:
                columns[list.Value].WriteString(value!.StringValue, repetition);
                columns[list.ValueInt].WriteNull(defined, repetition);
                columns[list.ValueDouble].WriteNull(defined, repetition);
                columns[list.ValueBool].WriteNull(defined, repetition);
                break;
            case AttributeValueType.Int:
                columns[list.Value].WriteNull(defined, repetition);
                columns[list.ValueInt].WriteInt64(value!.IntValue, repetition);
                columns[list.ValueDouble].WriteNull(defined, repetition);
                columns[list.ValueBool].WriteNull(defined, repetition);
                break;
            case AttributeValueType.Double:
                columns[list.Value].WriteNull(defined, repetition);
                columns[list.ValueInt].WriteNull(defined, repetition);
                columns[list.ValueDouble].WriteDouble(value!.DoubleValue, repetition);
                columns[list.ValueBool].WriteNull(defined, repetition);
                break;
            case AttributeValueType.Bool:
                columns[list.Value].WriteNull(defined, repetition);
                columns[list.ValueInt].WriteNull(defined, repetition);
                columns[list.ValueDouble].WriteNull(defined, repetition);
                columns[list.ValueBool].WriteBoolean(value!.BoolValue, repetition);
                break;
            case AttributeValueType.StringArray:
            case AttributeValueType.IntArray:
            case AttributeValueType.DoubleArray:
            case AttributeValueType.BoolArray:
                WriteArray(columns, list, type, value!.ArrayValue?.Values, repetition);
                break;
            default:
                columns[list.Value].WriteNull(defined, repetition);
                columns[list.ValueInt].WriteNull(defined, repetition);
                columns[list.ValueDouble].WriteNull(defined, repetition);
                columns[list.ValueBool].WriteNull(defined, repetition);
                columns[list.ValueDropped].WriteString(TraceRowWriter.UnsupportedJson(value), repetition);
                return false;
        }
        columns[list.ValueDropped].WriteNull(defined, repetition);
        return true;
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

    /// <summary>The array's elements in the list of its type (the first at the element's repetition, the rest at the
    /// value list's depth); the other three lists, and an empty array's own, are empty.</summary>
    private static void WriteArray(ColumnWriter[] columns, VParquet4Columns.AttributeColumns list, AttributeValueType type,
        RepeatedField<AnyValue>? values, int repetition)
    {
        var count = values?.Count ?? 0;
        var defined = list.Depth;
        var valueDepth = list.Depth + 1;
        for (var kind = AttributeValueType.StringArray; kind <= AttributeValueType.BoolArray; kind++)
        {
            var column = columns[kind switch
            {
                AttributeValueType.StringArray => list.Value,
                AttributeValueType.IntArray => list.ValueInt,
                AttributeValueType.DoubleArray => list.ValueDouble,
                _ => list.ValueBool,
            }];
            if (kind != type || count == 0)
            {
                column.WriteNull(defined, repetition);
                continue;
            }
            for (var i = 0; i < count; i++)
            {
                var item = values![i];
                var itemRepetition = i == 0 ? repetition : valueDepth;
                switch (type)
                {
                    case AttributeValueType.StringArray:
                        column.WriteString(item.StringValue, itemRepetition);
                        break;
                    case AttributeValueType.IntArray:
                        column.WriteInt64(item.IntValue, itemRepetition);
                        break;
                    case AttributeValueType.DoubleArray:
                        column.WriteDouble(item.DoubleValue, itemRepetition);
                        break;
                    default:
                        column.WriteBoolean(item.BoolValue, itemRepetition);
                        break;
                }
            }
        }
    }
}
