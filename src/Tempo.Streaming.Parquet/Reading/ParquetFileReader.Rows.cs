using System.Collections.Concurrent;

namespace Tempo.Streaming.Parquet;

/// <summary>Row reads: only the pages that hold the wanted rows, located with the page index (PageIndex.md).</summary>
public sealed partial class ParquetFileReader
{
    private readonly ConcurrentDictionary<int, Lazy<Task<PageIndex?[]>>> _rowGroupPageIndexes = new();

    /// <summary>
    /// The page index of every column of a row group (null entries for chunks without one), fetched once and cached.
    /// Writers put all ColumnIndex structs, then all OffsetIndex structs after the row groups, so one row group's
    /// indexes are two contiguous runs that the coalesced read turns into one or two requests (none when they lie in
    /// the tail read at open).
    /// </summary>
    public async Task<IReadOnlyList<PageIndex?>> ReadPageIndexesAsync(int rowGroup, CancellationToken cancellationToken = default)
    {
        if ((uint)rowGroup >= (uint)RowGroups.Count) throw new ArgumentOutOfRangeException(nameof(rowGroup), rowGroup, $"the file has {RowGroups.Count} row groups");
        var entry = _rowGroupPageIndexes.GetOrAdd(rowGroup, static (g, reader) => new Lazy<Task<PageIndex?[]>>(() => reader.FetchPageIndexesAsync(g)), this);
        try
        {
            // The fetch is shared by concurrent callers, so it runs without any one caller's token.
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            _rowGroupPageIndexes.TryRemove(new KeyValuePair<int, Lazy<Task<PageIndex?[]>>>(rowGroup, entry)); // retried by the next caller
            throw;
        }
    }

    private async Task<PageIndex?[]> FetchPageIndexesAsync(int rowGroup)
    {
        var chunks = _metadata.RowGroups[rowGroup].Columns;
        var result = new PageIndex?[chunks.Count];
        var ranges = new List<ByteRange>(2 * chunks.Count);
        var firstRange = new int[chunks.Count];
        for (var c = 0; c < chunks.Count; c++)
        {
            firstRange[c] = -1;
            var chunk = chunks[c];
            if (_pageIndexes.TryGetValue((rowGroup, c), out var cached))
            {
                result[c] = cached;
                continue;
            }
            if (chunk.OffsetIndexOffset is not { } offsetIndexOffset || chunk.OffsetIndexLength is not { } offsetIndexLength) continue;
            var where = $"column '{RowGroups[rowGroup].Columns[c].Column.DottedPath}' in row group {rowGroup}";
            firstRange[c] = ranges.Count;
            ranges.Add(IndexRange(offsetIndexOffset, offsetIndexLength, $"the offset index of {where}"));
            if (chunk.ColumnIndexOffset is { } columnIndexOffset && chunk.ColumnIndexLength is { } columnIndexLength)
                ranges.Add(IndexRange(columnIndexOffset, columnIndexLength, $"the column index of {where}"));
        }
        var bytes = await ReadRangesAsync(ranges, CancellationToken.None).ConfigureAwait(false);
        for (var c = 0; c < chunks.Count; c++)
        {
            var at = firstRange[c];
            if (at < 0) continue;
            var chunk = chunks[c];
            var info = RowGroups[rowGroup].Columns[c];
            var columnIndex = chunk.ColumnIndexOffset is not null && chunk.ColumnIndexLength is not null ? bytes[at + 1].ToArray() : null;
            var pageIndex = PageIndexes.Build(bytes[at].ToArray(), columnIndex, info, $"column '{info.Column.DottedPath}' in row group {rowGroup}");
            result[c] = _pageIndexes.GetOrAdd((rowGroup, c), pageIndex);
        }
        return result;
    }

    private ByteRange IndexRange(long offset, int length, string what)
    {
        if (offset < 4 || length <= 0 || offset + length > _source.Length - 8 - FooterLength)
            throw new ParquetFormatException($"{what} at offset {offset} ({length} bytes) lies outside the file's data");
        return new ByteRange(offset, length, what);
    }

    /// <summary>
    /// Readers positioned at row <paramref name="firstRow"/> of <paramref name="rowGroup"/>, one per column, each
    /// holding at least <paramref name="rowCount"/> rows. A chunk with a page index is read only over the pages that
    /// hold the rows, and those come from the <see cref="PageCache"/> when they were decoded before (with the chunk's
    /// dictionary); the rest are fetched together (merged where they are close), decoded once and cached. A chunk
    /// without a page index (parquet-go writes none) is read whole and skipped forward.
    /// </summary>
    internal async Task<ColumnChunkReader[]> OpenRowRangeAsync(int rowGroup, IReadOnlyList<int> columns, long firstRow, long rowCount, CancellationToken cancellationToken)
    {
        var rowGroupRows = RowGroups[rowGroup].RowCount;
        if (firstRow < 0 || rowCount < 1 || firstRow > rowGroupRows - rowCount)
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"rows {firstRow}..{firstRow + rowCount - 1} are not inside row group {rowGroup} of {rowGroupRows} rows");
        var pageIndexes = await ReadPageIndexesAsync(rowGroup, cancellationToken).ConfigureAwait(false);

        var plans = new RowRangePlan[columns.Count];
        var ranges = new List<ByteRange>();
        var wholeChunks = false;
        for (var i = 0; i < plans.Length; i++)
        {
            var column = columns[i];
            var info = RowGroups[rowGroup].Columns[column];
            plans[i] = PlanColumn(rowGroup, info, pageIndexes[column], firstRow, rowCount, rowGroupRows, ranges);
            wholeChunks |= plans[i].PageIndex is null;
        }

        // Whole chunks stay referenced by their readers; everything else is copied into cached pages, so the merged
        // buffers can be rented and given back right after decoding.
        using var fetched = ranges.Count == 0
            ? new FetchedRanges([], [])
            : await ReadRangesAsync(ranges, pooled: !wholeChunks, cancellationToken).ConfigureAwait(false);
        var bytes = fetched.Slices;
        var readers = new ColumnChunkReader[plans.Length];
        for (var i = 0; i < plans.Length; i++)
        {
            var plan = plans[i];
            var info = RowGroups[rowGroup].Columns[columns[i]];
            if (plan.PageIndex is null)
            {
                var reader = new ColumnChunkReader(info, bytes[plan.WholeChunkRange], info.Offset, rowGroupRows, rowGroup, pageIndex: null);
                reader.SkipRows(firstRow);
                readers[i] = reader;
                continue;
            }
            var dictionary = plan.Dictionary;
            if (plan.DictionaryRange >= 0)
            {
                var decoded = ColumnChunkReader.DecodeDictionaryPage(info, bytes[plan.DictionaryRange], info.Offset, rowGroup);
                if (decoded is not null) dictionary = _options.PageCache.Add(new PageKey(_cacheFile, info.Offset), new CachedDictionary(decoded)).Dictionary;
            }
            var entries = plan.PageIndex.Pages;
            for (var k = 0; k < plan.Pages.Length; k++)
            {
                if (plan.Pages[k] is not null) continue;
                var page = plan.FirstPage + k;
                var rows = (page + 1 < entries.Count ? entries[page + 1].FirstRowIndex : rowGroupRows) - entries[page].FirstRowIndex;
                var decodedPage = DataPageDecoding.Decode(info, rowGroup, bytes[plan.PageRanges[k]], entries[page].Offset, checked((int)rows));
                plan.Pages[k] = _options.PageCache.Add(new PageKey(_cacheFile, entries[page].Offset), decodedPage);
            }
            readers[i] = new ColumnChunkReader(info, plan.Pages!, checked((int)(firstRow - entries[plan.FirstPage].FirstRowIndex)), rowCount, rowGroup, dictionary);
        }
        return readers;
    }

    private RowRangePlan PlanColumn(int rowGroup, ColumnChunkInfo info, PageIndex? pageIndex, long firstRow, long rowCount, long rowGroupRows, List<ByteRange> ranges)
    {
        var pages = pageIndex?.Pages;
        if (pages is null || pages.Count == 0)
        {
            if (info.CompressedSize > Array.MaxLength)
                throw new ParquetFormatException($"column '{info.Column.DottedPath}' in row group {rowGroup}: chunk of {info.CompressedSize} bytes is too large to read");
            ranges.Add(new ByteRange(info.Offset, (int)info.CompressedSize, $"column '{info.Column.DottedPath}' in row group {rowGroup}"));
            return new RowRangePlan(null, ranges.Count - 1, 0, [], [], null, -1);
        }

        var first = PageHolding(pages, firstRow);
        var last = PageHolding(pages, firstRow + rowCount - 1);
        if (first < 0)
            throw new ParquetFormatException($"page index of column '{info.Column.DottedPath}' in row group {rowGroup}: the first page starts at row {pages[0].FirstRowIndex}, not 0");
        var coveredEnd = last + 1 < pages.Count ? pages[last + 1].FirstRowIndex : rowGroupRows;
        if (coveredEnd > rowGroupRows || pages[last].FirstRowIndex - pages[first].FirstRowIndex > int.MaxValue)
            throw new ParquetFormatException($"page index of column '{info.Column.DottedPath}' in row group {rowGroup}: pages {first}..{last} cover rows to {coveredEnd}, past the chunk's {rowGroupRows}");

        var cache = _options.PageCache;
        var decoded = new DecodedDataPage?[last - first + 1];
        var pageRanges = new int[decoded.Length];
        for (var k = 0; k < decoded.Length; k++)
        {
            var page = pages[first + k];
            if (cache.TryGet(new PageKey(_cacheFile, page.Offset), out DecodedDataPage cached))
            {
                decoded[k] = cached;
                continue;
            }
            ranges.Add(new ByteRange(page.Offset, page.CompressedSize, $"page {first + k} of column '{info.Column.DottedPath}' in row group {rowGroup}"));
            pageRanges[k] = ranges.Count - 1;
        }

        // The dictionary page, when there is one, fills the chunk's start up to its first data page.
        ColumnBatch? dictionary = null;
        var dictionaryRange = -1;
        var dictionaryLength = pages[0].Offset - info.Offset;
        if (dictionaryLength > 0)
        {
            if (cache.TryGet(new PageKey(_cacheFile, info.Offset), out CachedDictionary cachedDictionary))
            {
                dictionary = cachedDictionary.Dictionary;
            }
            else
            {
                ranges.Add(new ByteRange(info.Offset, checked((int)dictionaryLength), $"the dictionary page of column '{info.Column.DottedPath}' in row group {rowGroup}"));
                dictionaryRange = ranges.Count - 1;
            }
        }
        return new RowRangePlan(pageIndex, -1, first, decoded, pageRanges, dictionary, dictionaryRange);
    }

    /// <summary>Index of the last page whose first row is at or before <paramref name="row"/>, or -1.</summary>
    private static int PageHolding(IReadOnlyList<PageIndexEntry> pages, long row)
    {
        int low = 0, high = pages.Count - 1, found = -1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (pages[mid].FirstRowIndex <= row)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found;
    }

    /// <summary>Ranges served from the tail read at open where they lie in it, the rest through one coalesced fetch.</summary>
    private async Task<ReadOnlyMemory<byte>[]> ReadRangesAsync(List<ByteRange> ranges, CancellationToken cancellationToken)
        => (await ReadRangesAsync(ranges, pooled: false, cancellationToken).ConfigureAwait(false)).Slices;

    /// <inheritdoc cref="ReadRangesAsync(List{ByteRange}, CancellationToken)"/>
    /// <param name="pooled">Rent the merged buffers (see <see cref="CoalescedReads"/>); dispose the result when done.</param>
    private async Task<FetchedRanges> ReadRangesAsync(List<ByteRange> ranges, bool pooled, CancellationToken cancellationToken)
    {
        var results = new ReadOnlyMemory<byte>[ranges.Count];
        List<ByteRange>? remote = null;
        List<int>? remoteAt = null;
        for (var i = 0; i < ranges.Count; i++)
        {
            if (TryTail(ranges[i].Offset, ranges[i].Length, out var inTail))
            {
                results[i] = inTail;
                continue;
            }
            (remote ??= []).Add(ranges[i]);
            (remoteAt ??= []).Add(i);
        }
        if (remote is null) return new FetchedRanges(results, []);
        var fetched = await CoalescedReads.ReadAsync(_source, remote, _options, pooled, cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < fetched.Slices.Length; k++) results[remoteAt![k]] = fetched.Slices[k];
        return new FetchedRanges(results, fetched.DetachRented());
    }

    private bool TryTail(long offset, int length, out ReadOnlyMemory<byte> bytes)
    {
        if (offset >= _tailOffset && offset + length <= _tailOffset + _tail.Length)
        {
            bytes = _tail.Slice((int)(offset - _tailOffset), length);
            return true;
        }
        bytes = default;
        return false;
    }

    /// <param name="PageIndex">Null: the whole chunk is read (range <paramref name="WholeChunkRange"/> of the call's fetch list).</param>
    /// <param name="FirstPage">Index of the first page holding the rows.</param>
    /// <param name="Pages">The decoded pages holding the rows; null entries are fetched (range at the same index of <paramref name="PageRanges"/>).</param>
    /// <param name="DictionaryRange">Index of the dictionary page's range, or -1 when cached or absent.</param>
    private readonly record struct RowRangePlan(
        PageIndex? PageIndex, int WholeChunkRange, int FirstPage, DecodedDataPage?[] Pages, int[] PageRanges, ColumnBatch? Dictionary, int DictionaryRange);
}
