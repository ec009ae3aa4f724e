using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>
/// parquet.thrift <c>FileMetaData</c>: the footer, stored compact-encoded just before the 4-byte footer length and
/// the closing "PAR1". Encryption fields (8, 9) are skipped; <see cref="HasEncryptionAlgorithm"/> tells a reader
/// that the column data is encrypted and cannot be read.
/// </summary>
public sealed class FileMetaData
{
    public int Version { get; set; } = 1;
    public List<SchemaElement> Schema { get; set; } = [];
    public long NumRows { get; set; }
    public List<RowGroup> RowGroups { get; set; } = [];
    public List<KeyValue>? KeyValueMetadata { get; set; }
    public string? CreatedBy { get; set; }

    /// <summary>One per leaf column, in schema order; written so readers know how min/max values are ordered.</summary>
    public List<ColumnOrder>? ColumnOrders { get; set; }

    /// <summary>Set when the footer names an encryption algorithm (a plaintext-footer encrypted file).</summary>
    public bool HasEncryptionAlgorithm { get; private set; }

    /// <summary>Decodes a serialized footer; corrupt bytes raise <see cref="ParquetFormatException"/>.</summary>
    public static FileMetaData Deserialize(ReadOnlySpan<byte> footer)
    {
        var reader = new ThriftCompactReader(footer);
        return Read(ref reader);
    }

    public static FileMetaData Read(ref ThriftCompactReader reader)
    {
        const string Owner = "FileMetaData";
        var m = new FileMetaData();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: m.Version = reader.ReadI32(); seen |= 1 << 1; break;
                case 2 when type == ThriftType.List: m.Schema = ThriftFields.ReadStructList(ref reader, SchemaElement.Read, Owner, "schema"); seen |= 1 << 2; break;
                case 3 when type == ThriftType.I64: m.NumRows = reader.ReadI64(); seen |= 1 << 3; break;
                case 4 when type == ThriftType.List: m.RowGroups = ThriftFields.ReadStructList(ref reader, RowGroup.Read, Owner, "row_groups"); seen |= 1 << 4; break;
                case 5 when type == ThriftType.List: m.KeyValueMetadata = ThriftFields.ReadStructList(ref reader, KeyValue.Read, Owner, "key_value_metadata"); break;
                case 6 when type == ThriftType.Binary: m.CreatedBy = reader.ReadString(); break;
                case 7 when type == ThriftType.List: m.ColumnOrders = ThriftFields.ReadStructList(ref reader, ReadColumnOrder, Owner, "column_orders"); break;
                case 8 when type == ThriftType.Struct: m.HasEncryptionAlgorithm = true; reader.Skip(type); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "version");
        ThriftFields.Require(seen, 2, Owner, "schema");
        ThriftFields.Require(seen, 3, Owner, "num_rows");
        ThriftFields.Require(seen, 4, Owner, "row_groups");
        return m;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, Version);
        writer.WriteFieldBegin(2, ThriftType.List);
        writer.WriteListBegin(ThriftType.Struct, Schema.Count);
        foreach (var e in Schema)
        {
            e.Write(writer);
        }

        writer.WriteI64Field(3, NumRows);
        writer.WriteFieldBegin(4, ThriftType.List);
        writer.WriteListBegin(ThriftType.Struct, RowGroups.Count);
        foreach (var g in RowGroups)
        {
            g.Write(writer);
        }

        if (KeyValueMetadata is not null) KeyValue.WriteList(writer, 5, KeyValueMetadata);
        if (CreatedBy is not null) writer.WriteStringField(6, CreatedBy);
        if (ColumnOrders is not null)
        {
            writer.WriteFieldBegin(7, ThriftType.List);
            writer.WriteListBegin(ThriftType.Struct, ColumnOrders.Count);
            foreach (var order in ColumnOrders)
            {
                WriteColumnOrder(writer, order);
            }
        }

        writer.WriteStructEnd();
    }

    /// <summary>Appends the serialized footer to <paramref name="output"/>.</summary>
    public void Serialize(ByteBuffer output) => Write(new ThriftCompactWriter(output));

    public byte[] Serialize()
    {
        var output = new ByteBuffer(4096);
        Serialize(output);
        return output.ToArray();
    }

    private static ColumnOrder ReadColumnOrder(ref ThriftCompactReader reader)
    {
        var order = ColumnOrder.Unknown;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            if (type == ThriftType.Struct && id is >= 1 and <= 3)
            {
                order = (ColumnOrder)id;
            }

            reader.Skip(type);
        }

        reader.ReadStructEnd();
        return order;
    }

    private static void WriteColumnOrder(ThriftCompactWriter writer, ColumnOrder order)
    {
        if (order == ColumnOrder.Unknown)
        {
            throw new InvalidOperationException("a column order of an unknown kind cannot be written");
        }

        writer.WriteStructBegin();
        writer.WriteFieldBegin((short)order, ThriftType.Struct);
        writer.WriteStructBegin();
        writer.WriteStructEnd();
        writer.WriteStructEnd();
    }
}
