namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// Iterates one column over a range of row groups, yielding the entries that pass a predicate with their
/// <see cref="RowNumber"/> — Tempo's <c>parquetquery.SyncIterator</c> idea on this library's reader. Push-down runs from
/// the cheapest to the most precise check: row-group statistics (no fetch), the column index (one small read, no chunk
/// fetch when every page is excluded), the dictionary (chunk fetched, no data page decoded), excluded pages skipped
/// undecoded, then the predicate on each value. Every entry's levels are walked to keep positions exact, even where its
/// value is not tested. Synchronous while a fetched chunk has data; asynchronous only to fetch the next chunk.
/// Not thread-safe: one consumer at a time.
/// </summary>
public sealed partial class ColumnIterator : IScanIterator
{
    private readonly IScanSource _source;
    private readonly ColumnDescriptor _column;
    private readonly ColumnLevelMap _levels;
    private readonly ColumnValueDecoder _decoder;
    private readonly ColumnPredicate? _predicate;
    private readonly ColumnIteratorOptions _options;
    private readonly ScanStatistics _statistics;
    private readonly string _name;
    private readonly int _resultDepth;
    private readonly bool _collapse;
    private readonly bool _nullMatches;
    private readonly long[] _rowGroupFirstRow;
    private readonly int _endRowGroup;
    private readonly ColumnBatch _batch;
    private readonly ScanResult _current = new();
    private int _nextRowGroup;

    // The chunk being read.
    private IColumnChunkCursor? _chunk;
    private long _chunkFirstRow;
    private long _chunkRows;
    private long _rowsStarted;
    private List<RowRange>? _keptRanges;
    private int _rangeIndex;

    // The batch being walked.
    private int _entry;
    private int _entries;
    private int _valueIndex;
    private long _inspected;
    private long _kept;

    private RowNumber _position = RowNumber.Empty;
    private RowNumber _lastYielded = RowNumber.Empty;
    private bool _hasCurrent;
    private ColumnValue _value;

    private bool _seeking;
    private RowNumber _seekTarget;
    private int _seekDepth;

    public ColumnIterator(ParquetFileReader file, string columnPath, ColumnIteratorOptions? options = null)
        : this(new ParquetScanSource(file ?? throw new ArgumentNullException(nameof(file))), file.Schema.Column(columnPath), options)
    {
    }

    public ColumnIterator(ParquetFileReader file, ColumnDescriptor column, ColumnIteratorOptions? options = null)
        : this(new ParquetScanSource(file ?? throw new ArgumentNullException(nameof(file))), column, options)
    {
    }

    internal ColumnIterator(IScanSource source, ColumnDescriptor column, ColumnIteratorOptions? options)
    {
        ArgumentNullException.ThrowIfNull(column);
        _source = source;
        _column = column;
        _options = options ?? ColumnIteratorOptions.Default;
        _levels = new ColumnLevelMap(column);
        _decoder = new ColumnValueDecoder(column);
        _predicate = _options.Predicate;
        _statistics = _options.Statistics ?? new ScanStatistics();
        _name = _options.Name ?? column.DottedPath;
        _nullMatches = _predicate is null || _predicate.KeepValue(ColumnValue.Null(0));

        if (column.Index >= source.Schema.Columns.Count || !ReferenceEquals(source.Schema.Columns[column.Index], column)
            && source.Schema.Columns[column.Index].DottedPath != column.DottedPath)
        {
            throw new ArgumentException($"column '{column.DottedPath}' is not a column of this file's schema", nameof(column));
        }

        var rowGroups = source.RowGroups;
        _rowGroupFirstRow = new long[rowGroups.Count];
        long row = 0;
        for (var i = 0; i < rowGroups.Count; i++)
        {
            _rowGroupFirstRow[i] = row;
            row += rowGroups[i].RowCount;
        }

        var count = _options.RowGroupCount ?? rowGroups.Count - _options.FirstRowGroup;
        if (_options.FirstRowGroup < 0 || count < 0 || _options.FirstRowGroup + count > rowGroups.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"row groups [{_options.FirstRowGroup}, {_options.FirstRowGroup + count}) are outside the file's {rowGroups.Count} row groups");
        }
        if (_options.ResultDepth is { } depth && (depth < 0 || depth > _levels.MaxDepth))
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"result depth {depth} is outside column '{column.DottedPath}' (depths 0 to {_levels.MaxDepth})");
        }
        if (_options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), "the batch size must be positive");

        _resultDepth = _options.ResultDepth ?? RowNumber.MaxDepth - 1;
        _collapse = _options.ResultDepth is not null;
        _nextRowGroup = _options.FirstRowGroup;
        _endRowGroup = _options.FirstRowGroup + count;
        _batch = new ColumnBatch(_options.BatchSize);
    }

    public ColumnDescriptor Column => _column;

    /// <summary>The level map of the column (which depth each definition level reaches).</summary>
    public ColumnLevelMap Levels => _levels;

    public ScanStatistics Statistics => _statistics;

    public ScanResult Current => _current;

    /// <summary>The current entry's full position.</summary>
    public RowNumber Position => _position;

    /// <summary>The current entry's value (bytes valid until the iterator moves).</summary>
    public ColumnValue Value => _value;

    public ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (_chunk is not null && TryAdvanceInChunk()) return new ValueTask<bool>(true);
        return MoveNextSlowAsync(cancellationToken);
    }

    public ValueTask<bool> SeekToAsync(RowNumber target, int depth, CancellationToken cancellationToken = default)
    {
        if (_hasCurrent && RowNumber.Compare(_current.Position, target, depth) >= 0) return new ValueTask<bool>(true);
        _seeking = true;
        _seekTarget = target.TruncateTo(depth);
        _seekDepth = depth;
        if (_chunk is not null && target.Row >= _chunkFirstRow + _chunkRows)
        {
            // The target lies past this chunk: leave it without walking the rest of its entries.
            CloseChunk();
        }
        return MoveNextAsync(cancellationToken);
    }

    private async ValueTask<bool> MoveNextSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_chunk is not null)
            {
                if (TryAdvanceInChunk()) return true;
                CloseChunk();
            }
            if (!await OpenNextChunkAsync(cancellationToken).ConfigureAwait(false))
            {
                _hasCurrent = false;
                return false;
            }
        }
    }

    /// <summary>Walks entries of the current chunk to the next kept one; false when the chunk is exhausted.</summary>
    private bool TryAdvanceInChunk()
    {
        var maxDefinition = _levels.MaxDefinitionLevel;
        var repeated = _levels.MaxDepth > 0;
        while (true)
        {
            if (_entry >= _entries && !ReadNextBatch()) return false;

            var i = _entry++;
            var repetition = repeated ? _batch.RepetitionLevels[i] : 0;
            var definition = maxDefinition > 0 ? _batch.DefinitionLevels[i] : 0;
            if (repetition == 0) _rowsStarted++;
            _position.Next(repetition, _levels.ExistingDepth(definition));
            var valueIndex = definition == maxDefinition ? _valueIndex++ : -1;

            if (_seeking)
            {
                if (RowNumber.Compare(_position, _seekTarget, _seekDepth) < 0) continue;
                _seeking = false;
            }
            if (_collapse && _hasCurrent && RowNumber.EqualAt(_position, _lastYielded, _resultDepth)) continue;

            _inspected++;
            var value = valueIndex >= 0 ? _decoder.Decode(_batch, valueIndex) : ColumnValue.Null(definition);
            if (_predicate is not null && !Keep(value)) continue;

            _kept++;
            _value = value;
            _lastYielded = _position;
            _hasCurrent = true;
            _current.Reset(_position.TruncateTo(_resultDepth));
            _current.Add(new ScanEntry(_name, _position, value));
            return true;
        }
    }

    /// <summary>
    /// Positions the chunk at the next row worth decoding (past rows a seek or the column index excluded) and decodes a
    /// batch. Batches never split a row, so skips always start on a row boundary.
    /// </summary>
    private bool ReadNextBatch()
    {
        FlushValueCounters();
        var next = _rowsStarted;
        var target = next;
        if (_seeking) target = Math.Max(target, _seekTarget.Row - _chunkFirstRow);
        if (_keptRanges is not null)
        {
            while (_rangeIndex < _keptRanges.Count && _keptRanges[_rangeIndex].End <= target) _rangeIndex++;
            if (_rangeIndex == _keptRanges.Count) return false;
            target = Math.Max(target, _keptRanges[_rangeIndex].Start);
        }
        if (target >= _chunkRows) return false;
        if (target > next)
        {
            _chunk!.SkipRows(target - next);
            _position.Skip(target - next);
            _rowsStarted = target;
            _statistics.AddRowsSkipped(target - next);
        }

        var n = _chunk!.ReadBatch(_batch);
        _entries = n;
        _entry = 0;
        _valueIndex = 0;
        return n > 0;
    }

    private void FlushValueCounters()
    {
        _statistics.AddValues(_inspected, _kept);
        _inspected = 0;
        _kept = 0;
    }

    private void CloseChunk()
    {
        FlushValueCounters();
        _chunk = null;
        _keptRanges = null;
        _entries = 0;
        _entry = 0;
        _memoActive = false;
    }

    public override string ToString() => $"ColumnIterator({_name}{(_predicate is null ? "" : " " + _predicate)})";

    private readonly record struct RowRange(long Start, long End);
}
