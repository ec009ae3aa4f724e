using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>
/// parquet.thrift <c>SchemaElement</c>: one node of the schema, listed depth-first in <see cref="FileMetaData.Schema"/>
/// (the first is the root). Groups have <see cref="NumChildren"/>; leaves have <see cref="Type"/>.
/// </summary>
public sealed class SchemaElement
{
    public PhysicalType? Type { get; set; }
    public int? TypeLength { get; set; }
    public Repetition? RepetitionType { get; set; }
    public string Name { get; set; } = "";
    public int? NumChildren { get; set; }
    public ConvertedType? ConvertedType { get; set; }
    public int? Scale { get; set; }
    public int? Precision { get; set; }
    public int? FieldId { get; set; }
    public LogicalType? LogicalType { get; set; }

    /// <summary>Unit of a TIME/TIMESTAMP logical type (the public <see cref="Parquet.LogicalType"/> record does not carry it).</summary>
    public TimeUnit? TimeUnit { get; set; }

    /// <summary>isAdjustedToUTC of a TIME/TIMESTAMP logical type.</summary>
    public bool? IsAdjustedToUtc { get; set; }

    public static SchemaElement Read(ref ThriftCompactReader reader)
    {
        var e = new SchemaElement();
        var seenName = false;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: e.Type = (PhysicalType)reader.ReadI32(); break;
                case 2 when type == ThriftType.I32: e.TypeLength = reader.ReadI32(); break;
                case 3 when type == ThriftType.I32:
                    var repetition = reader.ReadI32();
                    if (repetition is < 0 or > 2)
                    {
                        // 3 = VECTOR (a newer addition) and anything else: levels would be computed wrongly, so refuse
                        throw new ParquetFormatException($"schema element has repetition type {repetition}, which this reader does not support");
                    }

                    e.RepetitionType = (Repetition)repetition;
                    break;
                case 4 when type == ThriftType.Binary: e.Name = reader.ReadString(); seenName = true; break;
                case 5 when type == ThriftType.I32: e.NumChildren = reader.ReadI32(); break;
                case 6 when type == ThriftType.I32: e.ConvertedType = (ConvertedType)reader.ReadI32(); break;
                case 7 when type == ThriftType.I32: e.Scale = reader.ReadI32(); break;
                case 8 when type == ThriftType.I32: e.Precision = reader.ReadI32(); break;
                case 9 when type == ThriftType.I32: e.FieldId = reader.ReadI32(); break;
                case 10 when type == ThriftType.Struct: e.LogicalType = LogicalTypeCodec.Read(ref reader, e); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        if (!seenName)
        {
            ThriftFields.Missing("SchemaElement", "name");
        }

        return e;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        if (Type is { } physical) writer.WriteI32Field(1, (int)physical);
        if (TypeLength is { } length) writer.WriteI32Field(2, length);
        if (RepetitionType is { } repetition) writer.WriteI32Field(3, (int)repetition);
        writer.WriteStringField(4, Name);
        if (NumChildren is { } children) writer.WriteI32Field(5, children);
        if (ConvertedType is { } converted) writer.WriteI32Field(6, (int)converted);
        if (Scale is { } scale) writer.WriteI32Field(7, scale);
        if (Precision is { } precision) writer.WriteI32Field(8, precision);
        if (FieldId is { } fieldId) writer.WriteI32Field(9, fieldId);
        if (LogicalType is { } logical && LogicalTypeCodec.CanWrite(logical))
        {
            writer.WriteFieldBegin(10, ThriftType.Struct);
            LogicalTypeCodec.Write(writer, logical, this);
        }

        writer.WriteStructEnd();
    }
}
