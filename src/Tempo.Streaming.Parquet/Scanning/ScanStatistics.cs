namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// What a scan read and what push-down spared it — the numbers Tempo's iterators report as inspected/kept column
/// chunks, pages and values. Several iterators of one query may share an instance; updates are atomic and made per
/// chunk and per batch, not per value.
/// </summary>
public sealed class ScanStatistics
{
    private long _rowGroupsInspected;
    private long _rowGroupsSkippedByStatistics;
    private long _rowGroupsSkippedBySeek;
    private long _chunksRead;
    private long _chunksSkippedByDictionary;
    private long _compressedBytesRead;
    private long _pagesInspected;
    private long _pagesSkipped;
    private long _rowsSkipped;
    private long _valuesInspected;
    private long _valuesKept;

    /// <summary>Row groups whose chunk statistics were checked (every row group the scan reached).</summary>
    public long RowGroupsInspected => Interlocked.Read(ref _rowGroupsInspected);

    /// <summary>Row groups skipped because the chunk's min/max/null count excluded the predicate.</summary>
    public long RowGroupsSkippedByStatistics => Interlocked.Read(ref _rowGroupsSkippedByStatistics);

    /// <summary>Row groups skipped without a fetch because a seek jumped past them.</summary>
    public long RowGroupsSkippedBySeek => Interlocked.Read(ref _rowGroupsSkippedBySeek);

    /// <summary>Column chunks fetched (one ranged read each).</summary>
    public long ChunksRead => Interlocked.Read(ref _chunksRead);

    /// <summary>Fetched chunks abandoned after the dictionary check, before any data page was decoded.</summary>
    public long ChunksSkippedByDictionary => Interlocked.Read(ref _chunksSkippedByDictionary);

    /// <summary>Compressed bytes of the fetched chunks.</summary>
    public long CompressedBytesRead => Interlocked.Read(ref _compressedBytesRead);

    /// <summary>Data pages whose column-index statistics were checked.</summary>
    public long PagesInspected => Interlocked.Read(ref _pagesInspected);

    /// <summary>Data pages the column index excluded.</summary>
    public long PagesSkipped => Interlocked.Read(ref _pagesSkipped);

    /// <summary>Rows passed over undecoded inside fetched chunks (page pruning and seeks).</summary>
    public long RowsSkipped => Interlocked.Read(ref _rowsSkipped);

    /// <summary>Entries (values and nulls) decoded and tested.</summary>
    public long ValuesInspected => Interlocked.Read(ref _valuesInspected);

    /// <summary>Entries that passed the predicate and were yielded.</summary>
    public long ValuesKept => Interlocked.Read(ref _valuesKept);

    internal void AddRowGroupInspected() => Interlocked.Increment(ref _rowGroupsInspected);
    internal void AddRowGroupSkippedByStatistics() => Interlocked.Increment(ref _rowGroupsSkippedByStatistics);
    internal void AddRowGroupSkippedBySeek() => Interlocked.Increment(ref _rowGroupsSkippedBySeek);

    internal void AddChunkRead(long compressedBytes)
    {
        Interlocked.Increment(ref _chunksRead);
        Interlocked.Add(ref _compressedBytesRead, compressedBytes);
    }

    internal void AddChunkSkippedByDictionary() => Interlocked.Increment(ref _chunksSkippedByDictionary);

    internal void AddPages(int inspected, int skipped)
    {
        Interlocked.Add(ref _pagesInspected, inspected);
        Interlocked.Add(ref _pagesSkipped, skipped);
    }

    internal void AddRowsSkipped(long rows) => Interlocked.Add(ref _rowsSkipped, rows);

    internal void AddValues(long inspected, long kept)
    {
        if (inspected != 0) Interlocked.Add(ref _valuesInspected, inspected);
        if (kept != 0) Interlocked.Add(ref _valuesKept, kept);
    }

    public override string ToString()
        => $"row groups {RowGroupsInspected} inspected, {RowGroupsSkippedByStatistics} skipped by statistics, {RowGroupsSkippedBySeek} by seek; "
            + $"chunks {ChunksRead} read ({CompressedBytesRead} bytes), {ChunksSkippedByDictionary} skipped by dictionary; "
            + $"pages {PagesInspected} inspected, {PagesSkipped} skipped; rows skipped {RowsSkipped}; values {ValuesInspected} inspected, {ValuesKept} kept";
}
