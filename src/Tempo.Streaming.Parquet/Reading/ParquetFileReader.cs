namespace Tempo.Streaming.Parquet;

/// <summary>
/// Opens a Parquet file through ranged reads: the 8-byte tail, then the footer. Column chunks and page indexes are
/// fetched only when asked for, one ranged read each.
/// CONTRACT SKELETON (issue 5): the signatures are fixed; helper "parquet-file" writes the bodies.
/// </summary>
public sealed class ParquetFileReader
{
    private ParquetFileReader() { }

    /// <summary>Reads and validates the footer; throws <see cref="ParquetFormatException"/> for a file that is not Parquet.</summary>
    public static Task<ParquetFileReader> OpenAsync(IRandomAccessSource source, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public ParquetSchema Schema => throw new NotImplementedException();
    public long RowCount => throw new NotImplementedException();
    public IReadOnlyList<RowGroupInfo> RowGroups => throw new NotImplementedException();
    public IReadOnlyDictionary<string, string> KeyValueMetadata => throw new NotImplementedException();
    public string? CreatedBy => throw new NotImplementedException();

    /// <summary>Size of the Thrift footer in bytes (Tempo records it in meta.json as footerSize).</summary>
    public int FooterLength => throw new NotImplementedException();

    /// <summary>Fetches one column chunk (one ranged read) and returns a reader over its pages.</summary>
    public Task<ColumnChunkReader> ReadColumnChunkAsync(int rowGroup, int column, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>The chunk's ColumnIndex and OffsetIndex, or null when the file has none for it.</summary>
    public Task<PageIndex?> ReadPageIndexAsync(int rowGroup, int column, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
