using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Parquet;

using Tempo.Streaming.Blocks.VParquet4;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

/// <summary>
/// The reference attribute path of <see cref="RecordWriterTraceRowWriter"/> (the generic RecordWriter shredding).
/// Writes one generic attribute element <c>{Key, ValueType, Value[], ValueInt[], ValueDouble[], ValueBool[], ValueDropped}</c>
/// the way Tempo's <c>attrToParquet</c> fills it: a scalar goes into the one-element list of its type; a homogeneous
/// array into the list of its element type (an empty array counts as a string array); anything else is "not
/// supported" — ValueType 0 and the value's protobuf JSON in ValueDropped.
/// </summary>
internal static class RecordWriterAttributeWriter
{
    /// <summary>Writes the element group (the caller entered the list's element field); false when the value was not supported.</summary>
    public static bool Write(RecordWriter writer, KeyValue attribute)
    {
        writer.BeginGroup();
        writer.WriteStringField(AttributeFields.Key, attribute.Key);

        var value = attribute.Value;
        var type = TypeOf(value);
        writer.WriteInt32Field(AttributeFields.ValueType, (int)type);

        // Scalars are one-element lists: one call writes the element's levels (RecordWriter.Write*Field).
        switch (type)
        {
            case AttributeValueType.String:
                writer.WriteStringField(AttributeFields.Value, value!.StringValue);
                EmptyList(writer, AttributeFields.ValueInt);
                EmptyList(writer, AttributeFields.ValueDouble);
                EmptyList(writer, AttributeFields.ValueBool);
                break;
            case AttributeValueType.Int:
                EmptyList(writer, AttributeFields.Value);
                writer.WriteInt64Field(AttributeFields.ValueInt, value!.IntValue);
                EmptyList(writer, AttributeFields.ValueDouble);
                EmptyList(writer, AttributeFields.ValueBool);
                break;
            case AttributeValueType.Double:
                EmptyList(writer, AttributeFields.Value);
                EmptyList(writer, AttributeFields.ValueInt);
                writer.WriteDoubleField(AttributeFields.ValueDouble, value!.DoubleValue);
                EmptyList(writer, AttributeFields.ValueBool);
                break;
            case AttributeValueType.Bool:
                EmptyList(writer, AttributeFields.Value);
                EmptyList(writer, AttributeFields.ValueInt);
                EmptyList(writer, AttributeFields.ValueDouble);
                writer.WriteBooleanField(AttributeFields.ValueBool, value!.BoolValue);
                break;
            case AttributeValueType.StringArray:
            case AttributeValueType.IntArray:
            case AttributeValueType.DoubleArray:
            case AttributeValueType.BoolArray:
                WriteArray(writer, type, value!.ArrayValue?.Values);
                break;
            default:
                EmptyList(writer, AttributeFields.Value);
                EmptyList(writer, AttributeFields.ValueInt);
                EmptyList(writer, AttributeFields.ValueDouble);
                EmptyList(writer, AttributeFields.ValueBool);
                writer.WriteStringField(AttributeFields.ValueDropped, UnsupportedJson(value));
                break;
        }

        writer.EndGroup();
        return type != AttributeValueType.NotSupported;
    }

    private static void WriteArray(RecordWriter writer, AttributeValueType type, RepeatedField<AnyValue>? values)
    {
        var count = values?.Count ?? 0;
        for (var field = AttributeFields.Value; field <= AttributeFields.ValueBool; field++)
        {
            var mine = field - AttributeFields.Value == type - AttributeValueType.StringArray;
            if (!mine || count == 0)
            {
                EmptyList(writer, field);
                continue;
            }

            writer.BeginList(field);
            for (var i = 0; i < count; i++)
            {
                writer.BeginListElement();
                var item = values![i];
                switch (type)
                {
                    case AttributeValueType.StringArray:
                        writer.WriteString(item.StringValue);
                        break;
                    case AttributeValueType.IntArray:
                        writer.WriteInt64(item.IntValue);
                        break;
                    case AttributeValueType.DoubleArray:
                        writer.WriteDouble(item.DoubleValue);
                        break;
                    default:
                        writer.WriteBoolean(item.BoolValue);
                        break;
                }
                writer.EndListElement();
            }
            writer.EndList();
        }
    }

    private static void EmptyList(RecordWriter writer, int field) => writer.WriteEmptyGroup(field);

    private static readonly JsonFormatter UnsupportedValueJson = new(JsonFormatter.Settings.Default);

    /// <summary>Google.Protobuf's JSON of a value Tempo does not support (ValueDropped).</summary>
    public static string UnsupportedJson(AnyValue? value) => UnsupportedValueJson.Format(value ?? new AnyValue());

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
