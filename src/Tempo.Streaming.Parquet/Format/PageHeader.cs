using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet.Format;

/// <summary>parquet.thrift <c>DataPageHeader</c> (DATA_PAGE, v1): levels are inside the compressed body.</summary>
public sealed class DataPageHeader
{
    public int NumValues { get; set; }
    public Encoding Encoding { get; set; }
    public Encoding DefinitionLevelEncoding { get; set; } = Encoding.Rle;
    public Encoding RepetitionLevelEncoding { get; set; } = Encoding.Rle;
    public Statistics? Statistics { get; set; }

    public static DataPageHeader Read(ref ThriftCompactReader reader)
    {
        const string Owner = "DataPageHeader";
        var h = new DataPageHeader();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: h.NumValues = reader.ReadI32(); seen |= 1 << 1; break;
                case 2 when type == ThriftType.I32: h.Encoding = (Encoding)reader.ReadI32(); seen |= 1 << 2; break;
                case 3 when type == ThriftType.I32: h.DefinitionLevelEncoding = (Encoding)reader.ReadI32(); seen |= 1 << 3; break;
                case 4 when type == ThriftType.I32: h.RepetitionLevelEncoding = (Encoding)reader.ReadI32(); seen |= 1 << 4; break;
                case 5 when type == ThriftType.Struct: h.Statistics = Statistics.Read(ref reader); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "num_values");
        ThriftFields.Require(seen, 2, Owner, "encoding");
        ThriftFields.Require(seen, 3, Owner, "definition_level_encoding");
        ThriftFields.Require(seen, 4, Owner, "repetition_level_encoding");
        if (h.NumValues < 0)
        {
            throw new ParquetFormatException($"Parquet page header is corrupt: {Owner}.num_values is {h.NumValues}");
        }

        return h;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, NumValues);
        writer.WriteI32Field(2, (int)Encoding);
        writer.WriteI32Field(3, (int)DefinitionLevelEncoding);
        writer.WriteI32Field(4, (int)RepetitionLevelEncoding);
        if (Statistics is not null)
        {
            writer.WriteFieldBegin(5, ThriftType.Struct);
            Statistics.Write(writer);
        }

        writer.WriteStructEnd();
    }
}

/// <summary>
/// parquet.thrift <c>DataPageHeaderV2</c>: levels come first, uncompressed and without length prefixes (their byte
/// lengths are here); only the values section is compressed, and only when <see cref="IsCompressed"/>.
/// </summary>
public sealed class DataPageHeaderV2
{
    public int NumValues { get; set; }
    public int NumNulls { get; set; }
    public int NumRows { get; set; }
    public Encoding Encoding { get; set; }
    public int DefinitionLevelsByteLength { get; set; }
    public int RepetitionLevelsByteLength { get; set; }

    /// <summary>Defaults to true when absent (parquet.thrift <c>is_compressed = true</c>).</summary>
    public bool IsCompressed { get; set; } = true;

    public Statistics? Statistics { get; set; }

    public static DataPageHeaderV2 Read(ref ThriftCompactReader reader)
    {
        const string Owner = "DataPageHeaderV2";
        var h = new DataPageHeaderV2();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: h.NumValues = reader.ReadI32(); seen |= 1 << 1; break;
                case 2 when type == ThriftType.I32: h.NumNulls = reader.ReadI32(); seen |= 1 << 2; break;
                case 3 when type == ThriftType.I32: h.NumRows = reader.ReadI32(); seen |= 1 << 3; break;
                case 4 when type == ThriftType.I32: h.Encoding = (Encoding)reader.ReadI32(); seen |= 1 << 4; break;
                case 5 when type == ThriftType.I32: h.DefinitionLevelsByteLength = reader.ReadI32(); seen |= 1 << 5; break;
                case 6 when type == ThriftType.I32: h.RepetitionLevelsByteLength = reader.ReadI32(); seen |= 1 << 6; break;
                case 7 when type == ThriftType.Bool: h.IsCompressed = reader.ReadBool(); break;
                case 8 when type == ThriftType.Struct: h.Statistics = Statistics.Read(ref reader); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "num_values");
        ThriftFields.Require(seen, 2, Owner, "num_nulls");
        ThriftFields.Require(seen, 3, Owner, "num_rows");
        ThriftFields.Require(seen, 4, Owner, "encoding");
        ThriftFields.Require(seen, 5, Owner, "definition_levels_byte_length");
        ThriftFields.Require(seen, 6, Owner, "repetition_levels_byte_length");
        if (h.NumValues < 0 || h.NumNulls < 0 || h.NumNulls > h.NumValues || h.NumRows < 0
            || h.DefinitionLevelsByteLength < 0 || h.RepetitionLevelsByteLength < 0)
        {
            throw new ParquetFormatException(
                $"Parquet page header is corrupt: {Owner} has num_values {h.NumValues}, num_nulls {h.NumNulls}, num_rows {h.NumRows}, " +
                $"level lengths {h.DefinitionLevelsByteLength}/{h.RepetitionLevelsByteLength}");
        }

        return h;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, NumValues);
        writer.WriteI32Field(2, NumNulls);
        writer.WriteI32Field(3, NumRows);
        writer.WriteI32Field(4, (int)Encoding);
        writer.WriteI32Field(5, DefinitionLevelsByteLength);
        writer.WriteI32Field(6, RepetitionLevelsByteLength);
        writer.WriteBoolField(7, IsCompressed);
        if (Statistics is not null)
        {
            writer.WriteFieldBegin(8, ThriftType.Struct);
            Statistics.Write(writer);
        }

        writer.WriteStructEnd();
    }
}

/// <summary>parquet.thrift <c>DictionaryPageHeader</c>: the chunk's one dictionary page, values PLAIN-encoded.</summary>
public sealed class DictionaryPageHeader
{
    public int NumValues { get; set; }
    public Encoding Encoding { get; set; } = Encoding.Plain;
    public bool? IsSorted { get; set; }

    public static DictionaryPageHeader Read(ref ThriftCompactReader reader)
    {
        const string Owner = "DictionaryPageHeader";
        var h = new DictionaryPageHeader();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: h.NumValues = reader.ReadI32(); seen |= 1 << 1; break;
                case 2 when type == ThriftType.I32: h.Encoding = (Encoding)reader.ReadI32(); seen |= 1 << 2; break;
                case 3 when type == ThriftType.Bool: h.IsSorted = reader.ReadBool(); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "num_values");
        ThriftFields.Require(seen, 2, Owner, "encoding");
        if (h.NumValues < 0)
        {
            throw new ParquetFormatException($"Parquet page header is corrupt: {Owner}.num_values is {h.NumValues}");
        }

        return h;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, NumValues);
        writer.WriteI32Field(2, (int)Encoding);
        if (IsSorted is { } sorted) writer.WriteBoolField(3, sorted);
        writer.WriteStructEnd();
    }
}

/// <summary>
/// parquet.thrift <c>PageHeader</c>: precedes every page in a column chunk. Exactly one of the type-specific headers
/// is set, matching <see cref="Type"/>; INDEX_PAGE headers (field 6) are skipped.
/// </summary>
public sealed class PageHeader
{
    public PageType Type { get; set; }
    public int UncompressedPageSize { get; set; }
    public int CompressedPageSize { get; set; }
    public int? Crc { get; set; }
    public DataPageHeader? DataPageHeader { get; set; }
    public DictionaryPageHeader? DictionaryPageHeader { get; set; }
    public DataPageHeaderV2? DataPageHeaderV2 { get; set; }

    /// <summary>
    /// Reads a page header at the start of <paramref name="data"/>; <paramref name="headerLength"/> is its size, so
    /// the page body starts there. A header cut off by the end of <paramref name="data"/> raises
    /// <see cref="ParquetFormatException"/> (a reader fetching by range can retry with more bytes).
    /// </summary>
    public static PageHeader Read(ReadOnlySpan<byte> data, out int headerLength)
    {
        var reader = new ThriftCompactReader(data);
        var header = Read(ref reader);
        headerLength = reader.Position;
        return header;
    }

    public static PageHeader Read(ref ThriftCompactReader reader)
    {
        const string Owner = "PageHeader";
        var h = new PageHeader();
        uint seen = 0;
        reader.ReadStructBegin();
        while (reader.ReadFieldHeader(out var id, out var type))
        {
            switch (id)
            {
                case 1 when type == ThriftType.I32: h.Type = (PageType)reader.ReadI32(); seen |= 1 << 1; break;
                case 2 when type == ThriftType.I32: h.UncompressedPageSize = reader.ReadI32(); seen |= 1 << 2; break;
                case 3 when type == ThriftType.I32: h.CompressedPageSize = reader.ReadI32(); seen |= 1 << 3; break;
                case 4 when type == ThriftType.I32: h.Crc = reader.ReadI32(); break;
                case 5 when type == ThriftType.Struct: h.DataPageHeader = DataPageHeader.Read(ref reader); break;
                case 7 when type == ThriftType.Struct: h.DictionaryPageHeader = DictionaryPageHeader.Read(ref reader); break;
                case 8 when type == ThriftType.Struct: h.DataPageHeaderV2 = DataPageHeaderV2.Read(ref reader); break;
                default: reader.Skip(type); break;
            }
        }

        reader.ReadStructEnd();
        ThriftFields.Require(seen, 1, Owner, "type");
        ThriftFields.Require(seen, 2, Owner, "uncompressed_page_size");
        ThriftFields.Require(seen, 3, Owner, "compressed_page_size");
        if (h.UncompressedPageSize < 0 || h.CompressedPageSize < 0)
        {
            throw new ParquetFormatException(
                $"Parquet page header is corrupt: page sizes {h.CompressedPageSize} (compressed) / {h.UncompressedPageSize} (uncompressed)");
        }

        var missing = h.Type switch
        {
            PageType.DataPage when h.DataPageHeader is null => "data_page_header",
            PageType.DataPageV2 when h.DataPageHeaderV2 is null => "data_page_header_v2",
            PageType.DictionaryPage when h.DictionaryPageHeader is null => "dictionary_page_header",
            _ => null,
        };
        if (missing is not null)
        {
            throw new ParquetFormatException($"Parquet page header is corrupt: a {h.Type} page has no {missing}");
        }

        return h;
    }

    public void Write(ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, (int)Type);
        writer.WriteI32Field(2, UncompressedPageSize);
        writer.WriteI32Field(3, CompressedPageSize);
        if (Crc is { } crc) writer.WriteI32Field(4, crc);
        if (DataPageHeader is not null)
        {
            writer.WriteFieldBegin(5, ThriftType.Struct);
            DataPageHeader.Write(writer);
        }

        if (DictionaryPageHeader is not null)
        {
            writer.WriteFieldBegin(7, ThriftType.Struct);
            DictionaryPageHeader.Write(writer);
        }

        if (DataPageHeaderV2 is not null)
        {
            writer.WriteFieldBegin(8, ThriftType.Struct);
            DataPageHeaderV2.Write(writer);
        }

        writer.WriteStructEnd();
    }

    /// <summary>Appends the serialized header to <paramref name="output"/>.</summary>
    public void Serialize(ByteBuffer output) => Write(new ThriftCompactWriter(output));
}
