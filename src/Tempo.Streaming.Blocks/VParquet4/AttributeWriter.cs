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
    public int WriteList(ColumnWriter[] columns, VParquet4Columns.AttributeColumns list, ReadOnlySpan<byte> bytes,
        ReadOnlySpan<WireAttribute> items, int[]? classes, int repetition)
    {
        var total = items.Length;
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
            var type = items[i].Type;
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
            key.WriteBytes(items[indexes[k]].Key(bytes), levels[k]);
            valueType.WriteInt32((int)types[k], levels[k]);
        }
        WriteValues(columns[list.Value], list, bytes, items, indexes, types, levels, used, AttributeValueType.String, AttributeValueType.StringArray);
        WriteValues(columns[list.ValueInt], list, bytes, items, indexes, types, levels, used, AttributeValueType.Int, AttributeValueType.IntArray);
        WriteValues(columns[list.ValueDouble], list, bytes, items, indexes, types, levels, used, AttributeValueType.Double, AttributeValueType.DoubleArray);
        WriteValues(columns[list.ValueBool], list, bytes, items, indexes, types, levels, used, AttributeValueType.Bool, AttributeValueType.BoolArray);

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
                dropped.WriteString(items[indexes[k]].UnsupportedJson(bytes), levels[k]);
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
    private static void WriteValues(ColumnWriter column, VParquet4Columns.AttributeColumns list, ReadOnlySpan<byte> bytes,
        ReadOnlySpan<WireAttribute> items, ReadOnlySpan<int> indexes, ReadOnlySpan<AttributeValueType> types, ReadOnlySpan<byte> levels, int used,
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
            ref readonly var item = ref items[indexes[k]];
            if (type == scalar)
            {
                WriteScalar(column, bytes, item, levels[k]);
            }
            else if (type == array && WriteArray(column, bytes, item, levels[k], defined + 1))
            {
                continue;
            }
            else
            {
                column.WriteNull(defined, levels[k]);
            }
        }
    }

    private static void WriteScalar(ColumnWriter column, ReadOnlySpan<byte> bytes, in WireAttribute value, int level)
    {
        switch (value.Case)
        {
            case 1: column.WriteBytes(value.StringValue(bytes), level); break;
            case 3: column.WriteInt64(value.Int, level); break;
            case 4: column.WriteDouble(value.Double, level); break;
            default: column.WriteBoolean(value.Bool, level); break;
        }
    }

    /// <summary>The elements of a typed array attribute; false when it has none (its list is then empty).</summary>
    private static bool WriteArray(ColumnWriter column, ReadOnlySpan<byte> bytes, in WireAttribute attribute, int firstLevel, int nextLevel)
    {
        var written = false;
        var element = default(WireAttribute);
        var array = new Core.Wire.ProtoReader(bytes, attribute.ValueStart, attribute.ValueStart + attribute.ValueLength, "ArrayValue");
        while (array.TryReadTag(out var field, out var wireType))
        {
            if (field != 1 || wireType != Core.Wire.WireType.LengthDelimited)
            {
                array.Skip(field, wireType);
                continue;
            }
            var (start, length) = array.ReadLengthDelimited(field);
            WireAttribute.ReadAnyValue(bytes, start, start + length, ref element);
            WriteScalar(column, bytes, element, written ? nextLevel : firstLevel);
            written = true;
        }
        return written;
    }
}
