using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>
/// parquet.thrift <c>Statistics</c> of a column chunk or page. Values are PLAIN-encoded without the BYTE_ARRAY length
/// prefix. <see cref="MinValue"/>/<see cref="MaxValue"/> (fields 6/5) follow the column order; the legacy
/// <see cref="Min"/>/<see cref="Max"/> (fields 2/1) are signed-order only and kept for old writers' files.
/// </summary>
public sealed class Statistics
{
    public byte[]? Max { get; set; }
    public byte[]? Min { get; set; }
    public long? NullCount { get; set; }
    public long? DistinctCount { get; set; }
    public byte[]? MaxValue { get; set; }
    public byte[]? MinValue { get; set; }
    public bool? IsMaxValueExact { get; set; }
    public bool? IsMinValueExact { get; set; }
    public long? NanCount { get; set; }

    public static Statistics Read(ref ThriftCompactReader reader)
    {
        var s = new Statistics();
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.Binary: s.Max = reader.ReadBinaryArray(); break;
                case 2 when type == ThriftType.Binary: s.Min = reader.ReadBinaryArray(); break;
                case 3 when type == ThriftType.I64: s.NullCount = reader.ReadI64(); break;
                case 4 when type == ThriftType.I64: s.DistinctCount = reader.ReadI64(); break;
                case 5 when type == ThriftType.Binary: s.MaxValue = reader.ReadBinaryArray(); break;
                case 6 when type == ThriftType.Binary: s.MinValue = reader.ReadBinaryArray(); break;
                case 7 when type == ThriftType.Bool: s.IsMaxValueExact = reader.ReadBool(); break;
                case 8 when type == ThriftType.Bool: s.IsMinValueExact = reader.ReadBool(); break;
                case 9 when type == ThriftType.I64: s.NanCount = reader.ReadI64(); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        return s;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        if (Max is not null) writer.WriteBinaryField(1, Max);
        if (Min is not null) writer.WriteBinaryField(2, Min);
        if (NullCount is { } nullCount) writer.WriteI64Field(3, nullCount);
        if (DistinctCount is { } distinct) writer.WriteI64Field(4, distinct);
        if (MaxValue is not null) writer.WriteBinaryField(5, MaxValue);
        if (MinValue is not null) writer.WriteBinaryField(6, MinValue);
        if (IsMaxValueExact is { } maxExact) writer.WriteBoolField(7, maxExact);
        if (IsMinValueExact is { } minExact) writer.WriteBoolField(8, minExact);
        if (NanCount is { } nanCount) writer.WriteI64Field(9, nanCount);
        writer.WriteStructEnd();
    }
}
