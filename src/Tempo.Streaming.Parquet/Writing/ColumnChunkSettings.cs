namespace Tempo.Streaming.Parquet;

/// <summary>
/// The options of one column chunk after applying the per-column overrides; validated once when the file writer
/// is created, never per value.
/// </summary>
internal sealed record ColumnChunkSettings(
    ColumnEncoding Encoding,
    CompressionCodec Compression,
    int? CompressionLevel,
    int DataPageSize,
    int DictionaryPageSizeLimit,
    DataPageVersion PageVersion,
    bool WriteStatistics,
    bool WritePageIndex)
{
    public static ColumnChunkSettings Resolve(ColumnDescriptor column, ParquetWriterOptions options)
    {
        options.Columns.TryGetValue(column.DottedPath, out var overrides);
        var encoding = overrides?.Encoding ?? options.DefaultEncoding;
        if (encoding == ColumnEncoding.DeltaBinaryPacked && column.Type is not (PhysicalType.Int32 or PhysicalType.Int64))
        {
            throw new ArgumentException(
                $"column '{column.DottedPath}' is {column.Type}; DELTA_BINARY_PACKED encodes INT32 and INT64 columns only", nameof(options));
        }
        // BOOLEAN columns are never dictionary-encoded: a 1-bit value gains nothing from a dictionary (parquet-mr and
        // parquet-go write them PLAIN too). INT96 is read-only legacy.
        if (column.Type == PhysicalType.Boolean && encoding == ColumnEncoding.Dictionary) encoding = ColumnEncoding.Plain;
        if (column.Type == PhysicalType.Int96) throw new ArgumentException($"column '{column.DottedPath}': INT96 is deprecated and not written", nameof(options));
        return new ColumnChunkSettings(
            encoding,
            overrides?.Compression ?? options.Compression,
            options.CompressionLevel,
            options.DataPageSize,
            options.DictionaryPageSizeLimit,
            options.PageVersion,
            options.WriteStatistics,
            options.WritePageIndex);
    }
}
