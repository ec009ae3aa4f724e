using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>
/// Reads and writes the parquet.thrift <c>LogicalType</c> union straight to and from the public
/// <see cref="LogicalType"/> record. Union members (field ids): 1 STRING, 2 MAP, 3 LIST, 4 ENUM, 5 DECIMAL, 6 DATE,
/// 7 TIME, 8 TIMESTAMP, 10 INTEGER, 11 UNKNOWN, 12 JSON, 13 BSON, 14 UUID, 15 FLOAT16; anything else (VARIANT,
/// GEOMETRY, ... from newer writers) reads as <see cref="LogicalTypeKind.Other"/> so the file still opens.
/// DECIMAL's scale/precision and TIME/TIMESTAMP's unit and UTC flag are carried on <see cref="SchemaElement"/>.
/// </summary>
internal static class LogicalTypeCodec
{
    public static LogicalType Read(ref ThriftCompactReader reader, SchemaElement element)
    {
        LogicalType? result = null;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            if (type != ThriftType.Struct || result is not null)
            {
                reader.Skip(type);
                continue;
            }

            switch (id)
            {
                case 1: result = Empty(ref reader, LogicalTypeKind.String); break;
                case 2: result = Empty(ref reader, LogicalTypeKind.Map); break;
                case 3: result = Empty(ref reader, LogicalTypeKind.List); break;
                case 4: result = Empty(ref reader, LogicalTypeKind.Enum); break;
                case 5: result = ReadDecimal(ref reader, element); break;
                case 6: result = Empty(ref reader, LogicalTypeKind.Date); break;
                case 7: result = ReadTime(ref reader, element, LogicalTypeKind.Time); break;
                case 8: result = ReadTime(ref reader, element, LogicalTypeKind.Timestamp); break;
                case 10: result = ReadInteger(ref reader); break;
                case 11: result = Empty(ref reader, LogicalTypeKind.Unknown); break;
                case 12: result = Empty(ref reader, LogicalTypeKind.Json); break;
                case 13: result = Empty(ref reader, LogicalTypeKind.Bson); break;
                case 14: result = Empty(ref reader, LogicalTypeKind.Uuid); break;
                case 15: result = Empty(ref reader, LogicalTypeKind.Float16); break;
                default: result = Empty(ref reader, LogicalTypeKind.Other); break;
            }
        }

        reader.ReadStructEnd();
        return result ?? new LogicalType(LogicalTypeKind.Other);
    }

    /// <summary>Writes the union; returns false (nothing written) for <see cref="LogicalTypeKind.Other"/>, which has no known member.</summary>
    public static bool CanWrite(LogicalType logicalType) => logicalType.Kind != LogicalTypeKind.Other;

    public static void Write(ThriftCompactWriter writer, LogicalType logicalType, SchemaElement element)
    {
        writer.WriteStructBegin();
        switch (logicalType.Kind)
        {
            case LogicalTypeKind.String: WriteEmpty(writer, 1); break;
            case LogicalTypeKind.Map: WriteEmpty(writer, 2); break;
            case LogicalTypeKind.List: WriteEmpty(writer, 3); break;
            case LogicalTypeKind.Enum: WriteEmpty(writer, 4); break;
            case LogicalTypeKind.Decimal:
                if (element.Scale is not { } scale || element.Precision is not { } precision)
                {
                    throw new InvalidOperationException($"schema element '{element.Name}' is DECIMAL but has no Scale/Precision");
                }

                writer.WriteFieldBegin(5, ThriftType.Struct);
                writer.WriteStructBegin();
                writer.WriteI32Field(1, scale);
                writer.WriteI32Field(2, precision);
                writer.WriteStructEnd();
                break;
            case LogicalTypeKind.Date: WriteEmpty(writer, 6); break;
            case LogicalTypeKind.Time: WriteTime(writer, 7, element); break;
            case LogicalTypeKind.Timestamp: WriteTime(writer, 8, element); break;
            case LogicalTypeKind.Integer:
                writer.WriteFieldBegin(10, ThriftType.Struct);
                writer.WriteStructBegin();
                writer.WriteByteField(1, (sbyte)logicalType.BitWidth);
                writer.WriteBoolField(2, logicalType.IsSigned);
                writer.WriteStructEnd();
                break;
            case LogicalTypeKind.Unknown: WriteEmpty(writer, 11); break;
            case LogicalTypeKind.Json: WriteEmpty(writer, 12); break;
            case LogicalTypeKind.Bson: WriteEmpty(writer, 13); break;
            case LogicalTypeKind.Uuid: WriteEmpty(writer, 14); break;
            case LogicalTypeKind.Float16: WriteEmpty(writer, 15); break;
            default: throw new InvalidOperationException($"logical type {logicalType.Kind} cannot be written");
        }

        writer.WriteStructEnd();
    }

    private static LogicalType Empty(ref ThriftCompactReader reader, LogicalTypeKind kind)
    {
        reader.Skip(ThriftType.Struct); // the member struct has no fields we use
        return kind switch
        {
            LogicalTypeKind.String => LogicalType.String,
            LogicalTypeKind.List => LogicalType.List,
            LogicalTypeKind.Map => LogicalType.Map,
            _ => new LogicalType(kind),
        };
    }

    private static LogicalType ReadDecimal(ref ThriftCompactReader reader, SchemaElement element)
    {
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: element.Scale = reader.ReadI32(); break;
                case 2 when type == ThriftType.I32: element.Precision = reader.ReadI32(); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        return new LogicalType(LogicalTypeKind.Decimal);
    }

    private static LogicalType ReadTime(ref ThriftCompactReader reader, SchemaElement element, LogicalTypeKind kind)
    {
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.Bool: element.IsAdjustedToUtc = reader.ReadBool(); break;
                case 2 when type == ThriftType.Struct: element.TimeUnit = ReadTimeUnit(ref reader); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        return new LogicalType(kind);
    }

    private static TimeUnit? ReadTimeUnit(ref ThriftCompactReader reader)
    {
        TimeUnit? unit = null;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            if (type == ThriftType.Struct && id is >= 1 and <= 3)
            {
                unit = (TimeUnit)id;
            }

            reader.Skip(type);
        }

        reader.ReadStructEnd();
        return unit;
    }

    private static LogicalType ReadInteger(ref ThriftCompactReader reader)
    {
        int? bitWidth = null;
        var signed = true;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.Byte: bitWidth = reader.ReadByte(); break;
                case 2 when type == ThriftType.Bool: signed = reader.ReadBool(); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        if (bitWidth is not (8 or 16 or 32 or 64))
        {
            throw new ParquetFormatException($"Parquet metadata is corrupt: INTEGER logical type with bit width {bitWidth?.ToString() ?? "(missing)"}");
        }

        return LogicalType.Integer(bitWidth.Value, signed);
    }

    private static void WriteEmpty(ThriftCompactWriter writer, short fieldId)
    {
        writer.WriteFieldBegin(fieldId, ThriftType.Struct);
        writer.WriteStructBegin();
        writer.WriteStructEnd();
    }

    private static void WriteTime(ThriftCompactWriter writer, short fieldId, SchemaElement element)
    {
        if (element.TimeUnit is not { } unit || element.IsAdjustedToUtc is not { } utc)
        {
            throw new InvalidOperationException($"schema element '{element.Name}' is TIME/TIMESTAMP but has no TimeUnit/IsAdjustedToUtc");
        }

        writer.WriteFieldBegin(fieldId, ThriftType.Struct);
        writer.WriteStructBegin();
        writer.WriteBoolField(1, utc);
        writer.WriteFieldBegin(2, ThriftType.Struct);
        writer.WriteStructBegin();
        WriteEmpty(writer, (short)unit);
        writer.WriteStructEnd();
        writer.WriteStructEnd();
    }
}
