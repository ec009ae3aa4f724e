namespace Tempo.Streaming.Parquet.Scanning;

public sealed partial class ColumnIterator
{
    private Dictionary<byte[], bool>? _memo;
    private Dictionary<byte[], bool>.AlternateLookup<ReadOnlySpan<byte>> _memoLookup;
    private bool _memoActive;

    /// <summary>
    /// Opens the next row group's chunk that survives push-down: seek position, chunk statistics, column index (before
    /// the chunk is fetched, so a chunk with every page excluded costs one small read), then the dictionary.
    /// </summary>
    private async ValueTask<bool> OpenNextChunkAsync(CancellationToken cancellationToken)
    {
        while (_nextRowGroup < _endRowGroup)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rowGroup = _nextRowGroup++;
            var info = _source.RowGroups[rowGroup];
            var firstRow = _rowGroupFirstRow[rowGroup];
            if (_seeking && _seekTarget.Row >= firstRow + info.RowCount)
            {
                _statistics.AddRowGroupSkippedBySeek();
                continue;
            }

            _statistics.AddRowGroupInspected();
            var chunkInfo = info.Columns[_column.Index];
            if (_predicate is not null && _options.UseStatistics && !_predicate.KeepRowGroup(chunkInfo))
            {
                _statistics.AddRowGroupSkippedByStatistics();
                continue;
            }

            List<RowRange>? kept = null;
            if (_predicate is not null && _options.UsePageIndex
                && await _source.ReadPageIndexAsync(rowGroup, _column.Index, cancellationToken).ConfigureAwait(false) is { } pageIndex)
            {
                kept = KeptRowRanges(pageIndex, info.RowCount);
                if (kept is { Count: 0 }) continue;
            }

            var chunk = await _source.OpenChunkAsync(rowGroup, _column.Index, cancellationToken).ConfigureAwait(false);
            _statistics.AddChunkRead(chunkInfo.CompressedSize);
            if (_predicate is not null && _options.UseDictionary && chunk.Dictionary is { } dictionary)
            {
                if (DictionaryCoverage.IsComplete(chunkInfo, _source.EncodingStats(rowGroup, _column.Index))
                    && !(_nullMatches && ValueBounds.FromChunk(chunkInfo).MayContainNull && _levels.MaxDefinitionLevel > 0)
                    && !_predicate.KeepDictionary(_column, dictionary))
                {
                    _statistics.AddChunkSkippedByDictionary();
                    continue;
                }
                if (_predicate.IsExpensive && _column.Type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray) BuildMemo(dictionary);
            }

            _chunk = chunk;
            _chunkFirstRow = firstRow;
            _chunkRows = info.RowCount;
            _rowsStarted = 0;
            _keptRanges = kept;
            _rangeIndex = 0;
            _entries = 0;
            _entry = 0;
            _position = RowNumber.Empty;
            _position.Skip(firstRow);
            return true;
        }
        return false;
    }

    /// <summary>The row ranges of the pages the predicate keeps (adjacent pages merged); null when the index is unusable.</summary>
    private List<RowRange>? KeptRowRanges(PageIndex pageIndex, long rowCount)
    {
        var pages = pageIndex.Pages;
        if (pages.Count == 0) return null;
        var ranges = new List<RowRange>();
        var skipped = 0;
        for (var i = 0; i < pages.Count; i++)
        {
            var start = pages[i].FirstRowIndex;
            var end = i + 1 < pages.Count ? pages[i + 1].FirstRowIndex : rowCount;
            if (start < 0 || end < start || end > rowCount) return null; // inconsistent index: scan the chunk whole
            if (!_predicate!.KeepPage(_column, pages[i]))
            {
                skipped++;
                continue;
            }
            if (ranges.Count > 0 && ranges[^1].End == start) ranges[^1] = new RowRange(ranges[^1].Start, end);
            else ranges.Add(new RowRange(start, end));
        }
        _statistics.AddPages(pages.Count, skipped);
        return ranges;
    }

    /// <summary>Evaluates an expensive predicate once per dictionary entry; values are then answered by lookup.</summary>
    private void BuildMemo(ColumnBatch dictionary)
    {
        if (_memo is null)
        {
            _memo = new Dictionary<byte[], bool>(ByteSequenceComparer.Instance);
            _memoLookup = _memo.GetAlternateLookup<ReadOnlySpan<byte>>();
        }
        _memo.Clear();
        for (var i = 0; i < dictionary.ValueCount; i++)
        {
            var value = _decoder.Decode(dictionary, i);
            _memo[value.Bytes.ToArray()] = _predicate!.KeepValue(value);
        }
        _memoActive = true;
    }

    private bool Keep(in ColumnValue value)
    {
        if (_memoActive && value.Kind == ColumnValueKind.Bytes && _memoLookup.TryGetValue(value.Bytes.Span, out var verdict)) return verdict;
        return _predicate!.KeepValue(value);
    }
}
