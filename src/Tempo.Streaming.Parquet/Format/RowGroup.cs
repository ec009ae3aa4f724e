using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>parquet.thrift <c>SortingColumn</c>: a row group's sort order on one leaf column.</summary>
public sealed class SortingColumn
{
    public int ColumnIdx { get; set; }
    public bool Descending { get; set; }
    public bool NullsFirst { get; set; }

    public static SortingColumn Read(ref ThriftCompactReader reader)
    {
        var s = new SortingColumn();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: s.ColumnIdx = reader.ReadI32(); seen |= 1; break;
                case 2 when type == ThriftType.Bool: s.Descending = reader.ReadBool(); seen |= 2; break;
                case 3 when type == ThriftType.Bool: s.NullsFirst = reader.ReadBool(); seen |= 4; break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 0, "SortingColumn", "column_idx");
        ThriftFields.Require(seen, 1, "SortingColumn", "descending");
        ThriftFields.Require(seen, 2, "SortingColumn", "nulls_first");
        return s;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, ColumnIdx);
        writer.WriteBoolField(2, Descending);
        writer.WriteBoolField(3, NullsFirst);
        writer.WriteStructEnd();
    }
}

/// <summary>parquet.thrift <c>RowGroup</c>.</summary>
public sealed class RowGroup
{
    public List<ColumnChunk> Columns { get; set; } = [];
    public long TotalByteSize { get; set; }
    public long NumRows { get; set; }
    public List<SortingColumn>? SortingColumns { get; set; }
    public long? FileOffset { get; set; }
    public long? TotalCompressedSize { get; set; }
    public short? Ordinal { get; set; }

    public static RowGroup Read(ref ThriftCompactReader reader)
    {
        const string Owner = "RowGroup";
        var g = new RowGroup();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.List: g.Columns = ThriftFields.ReadStructList(ref reader, ColumnChunk.Read, Owner, "columns"); seen |= 1 << 1; break;
                case 2 when type == ThriftType.I64: g.TotalByteSize = reader.ReadI64(); seen |= 1 << 2; break;
                case 3 when type == ThriftType.I64: g.NumRows = reader.ReadI64(); seen |= 1 << 3; break;
                case 4 when type == ThriftType.List: g.SortingColumns = ThriftFields.ReadStructList(ref reader, SortingColumn.Read, Owner, "sorting_columns"); break;
                case 5 when type == ThriftType.I64: g.FileOffset = reader.ReadI64(); break;
                case 6 when type == ThriftType.I64: g.TotalCompressedSize = reader.ReadI64(); break;
                case 7 when type == ThriftType.I16: g.Ordinal = reader.ReadI16(); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "columns");
        ThriftFields.Require(seen, 2, Owner, "total_byte_size");
        ThriftFields.Require(seen, 3, Owner, "num_rows");
        return g;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteFieldBegin(1, ThriftType.List);
        writer.WriteListBegin(ThriftType.Struct, Columns.Count);
        foreach (var c in Columns)
        {
            c.Write(writer);
        }

        writer.WriteI64Field(2, TotalByteSize);
        writer.WriteI64Field(3, NumRows);
        if (SortingColumns is not null)
        {
            writer.WriteFieldBegin(4, ThriftType.List);
            writer.WriteListBegin(ThriftType.Struct, SortingColumns.Count);
            foreach (var s in SortingColumns)
            {
                s.Write(writer);
            }
        }

        if (FileOffset is { } fileOffset) writer.WriteI64Field(5, fileOffset);
        if (TotalCompressedSize is { } compressed) writer.WriteI64Field(6, compressed);
        if (Ordinal is { } ordinal) writer.WriteI16Field(7, ordinal);
        writer.WriteStructEnd();
    }
}
