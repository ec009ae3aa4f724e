using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>
/// parquet.thrift <c>ColumnChunk</c>: a column's metadata in one row group plus where its page index lives.
/// Encrypted chunks (fields 8, 9) are skipped: such a chunk reads with <see cref="MetaData"/> null.
/// </summary>
public sealed class ColumnChunk
{
    public string? FilePath { get; set; }
    public long FileOffset { get; set; }
    public ColumnMetaData? MetaData { get; set; }
    public long? OffsetIndexOffset { get; set; }
    public int? OffsetIndexLength { get; set; }
    public long? ColumnIndexOffset { get; set; }
    public int? ColumnIndexLength { get; set; }

    public static ColumnChunk Read(ref ThriftCompactReader reader)
    {
        var c = new ColumnChunk();
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.Binary: c.FilePath = reader.ReadString(); break;
                case 2 when type == ThriftType.I64: c.FileOffset = reader.ReadI64(); break;
                case 3 when type == ThriftType.Struct: c.MetaData = ColumnMetaData.Read(ref reader); break;
                case 4 when type == ThriftType.I64: c.OffsetIndexOffset = reader.ReadI64(); break;
                case 5 when type == ThriftType.I32: c.OffsetIndexLength = reader.ReadI32(); break;
                case 6 when type == ThriftType.I64: c.ColumnIndexOffset = reader.ReadI64(); break;
                case 7 when type == ThriftType.I32: c.ColumnIndexLength = reader.ReadI32(); break;
                default: reader.Skip(type); break;
            }
        }

        // file_offset is "required" in the IDL but deprecated; writers that omit it are accepted (it defaults to 0)
        reader.ReadStructEnd();
        return c;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        if (FilePath is not null) writer.WriteStringField(1, FilePath);
        writer.WriteI64Field(2, FileOffset);
        if (MetaData is not null)
        {
            writer.WriteFieldBegin(3, ThriftType.Struct);
            MetaData.Write(writer);
        }

        if (OffsetIndexOffset is { } offsetIndexOffset) writer.WriteI64Field(4, offsetIndexOffset);
        if (OffsetIndexLength is { } offsetIndexLength) writer.WriteI32Field(5, offsetIndexLength);
        if (ColumnIndexOffset is { } columnIndexOffset) writer.WriteI64Field(6, columnIndexOffset);
        if (ColumnIndexLength is { } columnIndexLength) writer.WriteI32Field(7, columnIndexLength);
        writer.WriteStructEnd();
    }
}
