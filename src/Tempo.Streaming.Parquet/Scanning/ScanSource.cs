using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// What a column scan needs from a file: the row groups, one column chunk at a time, and page indexes. The public
/// iterators run on <see cref="ParquetFileReader"/> through <see cref="ParquetScanSource"/>; the seam lets the scan
/// logic be tested on synthetic chunks with exact page layouts.
/// </summary>
internal interface IScanSource
{
    ParquetSchema Schema { get; }
    IReadOnlyList<RowGroupInfo> RowGroups { get; }
    ValueTask<IColumnChunkCursor> OpenChunkAsync(int rowGroup, int column, CancellationToken cancellationToken);
    ValueTask<PageIndex?> ReadPageIndexAsync(int rowGroup, int column, CancellationToken cancellationToken);

    /// <summary>The chunk's ColumnMetaData.encoding_stats, when the writer recorded them.</summary>
    IReadOnlyList<PageEncodingStats>? EncodingStats(int rowGroup, int column);
}

/// <summary>Sequential access to the decoded entries of one column chunk (<see cref="ColumnChunkReader"/>'s contract).</summary>
internal interface IColumnChunkCursor
{
    ColumnBatch? Dictionary { get; }
    int ReadBatch(ColumnBatch batch);
    void SkipRows(long rows);
}

internal sealed class ParquetScanSource(ParquetFileReader file) : IScanSource
{
    public ParquetSchema Schema => file.Schema;

    public IReadOnlyList<RowGroupInfo> RowGroups => file.RowGroups;

    public async ValueTask<IColumnChunkCursor> OpenChunkAsync(int rowGroup, int column, CancellationToken cancellationToken)
        => new ChunkCursor(await file.ReadColumnChunkAsync(rowGroup, column, cancellationToken).ConfigureAwait(false));

    public async ValueTask<PageIndex?> ReadPageIndexAsync(int rowGroup, int column, CancellationToken cancellationToken)
        => await file.ReadPageIndexAsync(rowGroup, column, cancellationToken).ConfigureAwait(false);

    public IReadOnlyList<PageEncodingStats>? EncodingStats(int rowGroup, int column)
        => file.Metadata.RowGroups[rowGroup].Columns[column].MetaData?.EncodingStats;

    private sealed class ChunkCursor(ColumnChunkReader reader) : IColumnChunkCursor
    {
        public ColumnBatch? Dictionary => reader.Dictionary;
        public int ReadBatch(ColumnBatch batch) => reader.ReadBatch(batch);
        public void SkipRows(long rows) => reader.SkipRows(rows);
    }
}
