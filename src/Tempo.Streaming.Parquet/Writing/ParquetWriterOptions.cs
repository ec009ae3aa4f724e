namespace Tempo.Streaming.Parquet;

/// <summary>How values of one column are encoded in data pages.</summary>
public enum ColumnEncoding
{
    /// <summary>Dictionary (RLE_DICTIONARY) while the dictionary stays under the size limit, PLAIN after it overflows.</summary>
    Dictionary,
    Plain,
    /// <summary>DELTA_BINARY_PACKED; INT32 and INT64 columns only.</summary>
    DeltaBinaryPacked,
}

public enum DataPageVersion { V1 = 1, V2 = 2 }

/// <summary>Per-column overrides of the file-wide options.</summary>
public sealed record ColumnWriteOptions(ColumnEncoding? Encoding = null, CompressionCodec? Compression = null);

public sealed class ParquetWriterOptions
{
    public CompressionCodec Compression { get; init; } = CompressionCodec.Snappy;

    /// <summary>Codec level (zstd 1–22, gzip maps to <c>CompressionLevel</c>); null = the codec's default.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>Default value encoding for columns without an override.</summary>
    public ColumnEncoding DefaultEncoding { get; init; } = ColumnEncoding.Dictionary;

    /// <summary>Target uncompressed size of one data page.</summary>
    public int DataPageSize { get; init; } = 1 << 20;

    /// <summary>A dictionary larger than this falls back to PLAIN for the rest of the column chunk.</summary>
    public int DictionaryPageSizeLimit { get; init; } = 1 << 20;

    public DataPageVersion PageVersion { get; init; } = DataPageVersion.V1;

    /// <summary>Min/max/null-count statistics in every column chunk and data page header.</summary>
    public bool WriteStatistics { get; init; } = true;

    /// <summary>ColumnIndex and OffsetIndex after the row groups (readers skip pages with them).</summary>
    public bool WritePageIndex { get; init; } = true;

    /// <summary>Overrides by column dotted path (<see cref="ColumnDescriptor.DottedPath"/>).</summary>
    public IReadOnlyDictionary<string, ColumnWriteOptions> Columns { get; init; } = new Dictionary<string, ColumnWriteOptions>();

    public string CreatedBy { get; init; } = "Tempo.Streaming";
}
