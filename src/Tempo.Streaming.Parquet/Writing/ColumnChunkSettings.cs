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
    int DataPageEntryLimit,
    int DictionaryPageSizeLimit,
    DataPageVersion PageVersion,
    bool WriteStatistics,
    bool WritePageIndex,
    bool ByteAlignedDictionaryIndices,
    bool LimitEncodedPageSize)
{
    public static ColumnChunkSettings Resolve(ColumnDescriptor column, ParquetWriterOptions options)
    {
        options.Columns.TryGetValue(column.DottedPath, out var overrides);
        var encoding = overrides?.Encoding ?? options.DefaultEncoding;
        ValueEncoders.Validate(encoding, column);
        // BOOLEAN columns are never dictionary-encoded: a 1-bit value gains nothing from a dictionary (parquet-mr and
        // parquet-go write them PLAIN too). INT96 is read-only legacy.
        if (column.Type == PhysicalType.Boolean && encoding == ColumnEncoding.Dictionary) encoding = ColumnEncoding.Plain;
        if (column.Type == PhysicalType.Int96) throw new ArgumentException($"column '{column.DottedPath}': INT96 is deprecated and not written", nameof(options));
        return new ColumnChunkSettings(
            encoding,
            overrides?.Compression ?? options.Compression,
            overrides?.CompressionLevel ?? options.CompressionLevel,
            options.DataPageSize,
            options.DataPageEntryLimit,
            options.DictionaryPageSizeLimit,
            options.PageVersion,
            options.WriteStatistics,
            options.WritePageIndex,
            options.ByteAlignedDictionaryIndices,
            options.LimitEncodedPageSize);
    }
}
