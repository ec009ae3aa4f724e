using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>parquet.thrift <c>PageLocation</c>: a data page's file offset, size with header, and first row in its row group.</summary>
public readonly record struct PageLocation(long Offset, int CompressedPageSize, long FirstRowIndex)
{
    public static PageLocation Read(ref ThriftCompactReader reader)
    {
        long offset = 0, firstRow = 0;
        var size = 0;
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I64: offset = reader.ReadI64(); seen |= 1 << 1; break;
                case 2 when type == ThriftType.I32: size = reader.ReadI32(); seen |= 1 << 2; break;
                case 3 when type == ThriftType.I64: firstRow = reader.ReadI64(); seen |= 1 << 3; break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, "PageLocation", "offset");
        ThriftFields.Require(seen, 2, "PageLocation", "compressed_page_size");
        ThriftFields.Require(seen, 3, "PageLocation", "first_row_index");
        return new PageLocation(offset, size, firstRow);
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI64Field(1, Offset);
        writer.WriteI32Field(2, CompressedPageSize);
        writer.WriteI64Field(3, FirstRowIndex);
        writer.WriteStructEnd();
    }
}

/// <summary>parquet.thrift <c>OffsetIndex</c>: where each data page of a column chunk is (page index, part 1).</summary>
public sealed class OffsetIndex
{
    public List<PageLocation> PageLocations { get; set; } = [];
    public List<long>? UnencodedByteArrayDataBytes { get; set; }

    public static OffsetIndex Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new ThriftCompactReader(data);
        return Read(ref reader);
    }

    public static OffsetIndex Read(ref ThriftCompactReader reader)
    {
        const string Owner = "OffsetIndex";
        var o = new OffsetIndex();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.List: o.PageLocations = ThriftFields.ReadStructList(ref reader, PageLocation.Read, Owner, "page_locations"); seen |= 1 << 1; break;
                case 2 when type == ThriftType.List: o.UnencodedByteArrayDataBytes = ThriftFields.ReadI64List(ref reader, Owner, "unencoded_byte_array_data_bytes"); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "page_locations");
        return o;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteFieldBegin(1, ThriftType.List);
        writer.WriteListBegin(ThriftType.Struct, PageLocations.Count);
        foreach (var p in PageLocations)
        {
            p.Write(writer);
        }

        if (UnencodedByteArrayDataBytes is not null) ThriftFields.WriteI64List(writer, 2, UnencodedByteArrayDataBytes);
        writer.WriteStructEnd();
    }

    public void Serialize(ByteBuffer output) => Write(new ThriftCompactWriter(output));
}

/// <summary>
/// parquet.thrift <c>ColumnIndex</c>: per data page min/max (PLAIN, no length prefix), all-null flag and null count
/// (page index, part 2). Entry i describes <see cref="OffsetIndex.PageLocations"/>[i].
/// </summary>
public sealed class ColumnIndex
{
    public List<bool> NullPages { get; set; } = [];
    public List<byte[]> MinValues { get; set; } = [];
    public List<byte[]> MaxValues { get; set; } = [];
    public BoundaryOrder BoundaryOrder { get; set; }
    public List<long>? NullCounts { get; set; }
    public List<long>? RepetitionLevelHistograms { get; set; }
    public List<long>? DefinitionLevelHistograms { get; set; }

    public static ColumnIndex Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new ThriftCompactReader(data);
        return Read(ref reader);
    }

    public static ColumnIndex Read(ref ThriftCompactReader reader)
    {
        const string Owner = "ColumnIndex";
        var c = new ColumnIndex();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.List: c.NullPages = ThriftFields.ReadBoolList(ref reader, Owner, "null_pages"); seen |= 1 << 1; break;
                case 2 when type == ThriftType.List: c.MinValues = ThriftFields.ReadBinaryList(ref reader, Owner, "min_values"); seen |= 1 << 2; break;
                case 3 when type == ThriftType.List: c.MaxValues = ThriftFields.ReadBinaryList(ref reader, Owner, "max_values"); seen |= 1 << 3; break;
                case 4 when type == ThriftType.I32: c.BoundaryOrder = (BoundaryOrder)reader.ReadI32(); seen |= 1 << 4; break;
                case 5 when type == ThriftType.List: c.NullCounts = ThriftFields.ReadI64List(ref reader, Owner, "null_counts"); break;
                case 6 when type == ThriftType.List: c.RepetitionLevelHistograms = ThriftFields.ReadI64List(ref reader, Owner, "repetition_level_histograms"); break;
                case 7 when type == ThriftType.List: c.DefinitionLevelHistograms = ThriftFields.ReadI64List(ref reader, Owner, "definition_level_histograms"); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "null_pages");
        ThriftFields.Require(seen, 2, Owner, "min_values");
        ThriftFields.Require(seen, 3, Owner, "max_values");
        ThriftFields.Require(seen, 4, Owner, "boundary_order");
        if (c.MinValues.Count != c.NullPages.Count || c.MaxValues.Count != c.NullPages.Count
            || (c.NullCounts is not null && c.NullCounts.Count != c.NullPages.Count))
        {
            throw new ParquetFormatException(
                $"Parquet page index is corrupt: {Owner} lists differ in length (null_pages {c.NullPages.Count}, " +
                $"min_values {c.MinValues.Count}, max_values {c.MaxValues.Count}, null_counts {c.NullCounts?.Count.ToString() ?? "absent"})");
        }

        return c;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        ThriftFields.WriteBoolList(writer, 1, NullPages);
        ThriftFields.WriteBinaryList(writer, 2, MinValues);
        ThriftFields.WriteBinaryList(writer, 3, MaxValues);
        writer.WriteI32Field(4, (int)BoundaryOrder);
        if (NullCounts is not null) ThriftFields.WriteI64List(writer, 5, NullCounts);
        if (RepetitionLevelHistograms is not null) ThriftFields.WriteI64List(writer, 6, RepetitionLevelHistograms);
        if (DefinitionLevelHistograms is not null) ThriftFields.WriteI64List(writer, 7, DefinitionLevelHistograms);
        writer.WriteStructEnd();
    }

    public void Serialize(ByteBuffer output) => Write(new ThriftCompactWriter(output));
}
