using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>parquet.thrift <c>PageEncodingStats</c>: how many pages of a type used an encoding.</summary>
public sealed class PageEncodingStats
{
    public PageType PageType { get; set; }
    public Encoding Encoding { get; set; }
    public int Count { get; set; }

    public static PageEncodingStats Read(ref ThriftCompactReader reader)
    {
        var s = new PageEncodingStats();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: s.PageType = (PageType)reader.ReadI32(); seen |= 1; break;
                case 2 when type == ThriftType.I32: s.Encoding = (Encoding)reader.ReadI32(); seen |= 2; break;
                case 3 when type == ThriftType.I32: s.Count = reader.ReadI32(); seen |= 4; break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 0, "PageEncodingStats", "page_type");
        ThriftFields.Require(seen, 1, "PageEncodingStats", "encoding");
        ThriftFields.Require(seen, 2, "PageEncodingStats", "count");
        return s;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, (int)PageType);
        writer.WriteI32Field(2, (int)Encoding);
        writer.WriteI32Field(3, Count);
        writer.WriteStructEnd();
    }
}

/// <summary>parquet.thrift <c>ColumnMetaData</c>: where a column chunk's pages are and what they hold.</summary>
public sealed class ColumnMetaData
{
    public PhysicalType Type { get; set; }
    public List<Encoding> Encodings { get; set; } = [];
    public List<string> PathInSchema { get; set; } = [];
    public CompressionCodec Codec { get; set; }
    public long NumValues { get; set; }
    public long TotalUncompressedSize { get; set; }
    public long TotalCompressedSize { get; set; }
    public List<KeyValue>? KeyValueMetadata { get; set; }
    public long DataPageOffset { get; set; }
    public long? IndexPageOffset { get; set; }
    public long? DictionaryPageOffset { get; set; }
    public Statistics? Statistics { get; set; }
    public List<PageEncodingStats>? EncodingStats { get; set; }
    public long? BloomFilterOffset { get; set; }
    public int? BloomFilterLength { get; set; }

    public static ColumnMetaData Read(ref ThriftCompactReader reader)
    {
        const string Owner = "ColumnMetaData";
        var m = new ColumnMetaData();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: m.Type = (PhysicalType)reader.ReadI32(); seen |= 1 << 1; break;
                case 2 when type == ThriftType.List:
                    var raw = ThriftFields.ReadI32List(ref reader, Owner, "encodings");
                    m.Encodings = new List<Encoding>(raw.Count);
                    foreach (var e in raw)
                    {
                        m.Encodings.Add((Encoding)e);
                    }

                    seen |= 1 << 2;
                    break;
                case 3 when type == ThriftType.List: m.PathInSchema = ThriftFields.ReadStringList(ref reader, Owner, "path_in_schema"); seen |= 1 << 3; break;
                case 4 when type == ThriftType.I32: m.Codec = (CompressionCodec)reader.ReadI32(); seen |= 1 << 4; break;
                case 5 when type == ThriftType.I64: m.NumValues = reader.ReadI64(); seen |= 1 << 5; break;
                case 6 when type == ThriftType.I64: m.TotalUncompressedSize = reader.ReadI64(); seen |= 1 << 6; break;
                case 7 when type == ThriftType.I64: m.TotalCompressedSize = reader.ReadI64(); seen |= 1 << 7; break;
                case 8 when type == ThriftType.List: m.KeyValueMetadata = ThriftFields.ReadStructList(ref reader, KeyValue.Read, Owner, "key_value_metadata"); break;
                case 9 when type == ThriftType.I64: m.DataPageOffset = reader.ReadI64(); seen |= 1 << 9; break;
                case 10 when type == ThriftType.I64: m.IndexPageOffset = reader.ReadI64(); break;
                case 11 when type == ThriftType.I64: m.DictionaryPageOffset = reader.ReadI64(); break;
                case 12 when type == ThriftType.Struct: m.Statistics = Statistics.Read(ref reader); break;
                case 13 when type == ThriftType.List: m.EncodingStats = ThriftFields.ReadStructList(ref reader, PageEncodingStats.Read, Owner, "encoding_stats"); break;
                case 14 when type == ThriftType.I64: m.BloomFilterOffset = reader.ReadI64(); break;
                case 15 when type == ThriftType.I32: m.BloomFilterLength = reader.ReadI32(); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "type");
        ThriftFields.Require(seen, 2, Owner, "encodings");
        ThriftFields.Require(seen, 3, Owner, "path_in_schema");
        ThriftFields.Require(seen, 4, Owner, "codec");
        ThriftFields.Require(seen, 5, Owner, "num_values");
        ThriftFields.Require(seen, 6, Owner, "total_uncompressed_size");
        ThriftFields.Require(seen, 7, Owner, "total_compressed_size");
        ThriftFields.Require(seen, 9, Owner, "data_page_offset");
        return m;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, (int)Type);
        writer.WriteFieldBegin(2, ThriftType.List);
        writer.WriteListBegin(ThriftType.I32, Encodings.Count);
        foreach (var e in Encodings)
        {
            writer.WriteI32((int)e);
        }

        ThriftFields.WriteStringList(writer, 3, PathInSchema);
        writer.WriteI32Field(4, (int)Codec);
        writer.WriteI64Field(5, NumValues);
        writer.WriteI64Field(6, TotalUncompressedSize);
        writer.WriteI64Field(7, TotalCompressedSize);
        if (KeyValueMetadata is not null) KeyValue.WriteList(writer, 8, KeyValueMetadata);
        writer.WriteI64Field(9, DataPageOffset);
        if (IndexPageOffset is { } indexPage) writer.WriteI64Field(10, indexPage);
        if (DictionaryPageOffset is { } dictionaryPage) writer.WriteI64Field(11, dictionaryPage);
        if (Statistics is not null)
        {
            writer.WriteFieldBegin(12, ThriftType.Struct);
            Statistics.Write(writer);
        }

        if (EncodingStats is not null)
        {
            writer.WriteFieldBegin(13, ThriftType.List);
            writer.WriteListBegin(ThriftType.Struct, EncodingStats.Count);
            foreach (var s in EncodingStats)
            {
                s.Write(writer);
            }
        }

        if (BloomFilterOffset is { } bloomOffset) writer.WriteI64Field(14, bloomOffset);
        if (BloomFilterLength is { } bloomLength) writer.WriteI32Field(15, bloomLength);
        writer.WriteStructEnd();
    }
}
