namespace Tempo.Streaming.Parquet;

/// <summary>
/// Assembles rows of one row group from its column chunks (Dremel record assembly) into <see cref="ParquetGroup"/>
/// trees. Only the columns asked for are fetched; fields of other columns come back null.
/// </summary>
/// <remarks>Meant for whole-record access (trace by ID, tools, tests): it allocates per row. Scans go column-wise
/// through <see cref="ColumnChunkReader"/>.</remarks>
public sealed class RecordReader
{
    private readonly RecordAssembler _assembler;
    private readonly ColumnChunkReader[] _readers;
    private readonly ColumnBatch[] _batches;
    private readonly int[] _levelPositions;
    private readonly int[] _valuePositions;
    private long _remaining;

    private RecordReader(RecordAssembler assembler, ColumnChunkReader[] readers, long rows, int batchCapacity = 1024)
    {
        _assembler = assembler;
        _readers = readers;
        _batches = new ColumnBatch[readers.Length];
        for (var i = 0; i < readers.Length; i++) _batches[i] = new ColumnBatch(batchCapacity);
        _levelPositions = new int[readers.Length];
        _valuePositions = new int[readers.Length];
        _remaining = rows;
    }

    /// <summary>Fetches the chunks of <paramref name="columns"/> (all when null) of one row group.</summary>
    public static async Task<RecordReader> OpenAsync(ParquetFileReader file, int rowGroup, IReadOnlyList<int>? columns = null, CancellationToken cancellationToken = default)
    {
        columns = CheckArguments(file, rowGroup, columns);
        var readers = new ColumnChunkReader[columns.Count];
        var fetches = new Task<ColumnChunkReader>[columns.Count];
        for (var i = 0; i < fetches.Length; i++) fetches[i] = file.ReadColumnChunkAsync(rowGroup, columns[i], cancellationToken);
        for (var i = 0; i < fetches.Length; i++) readers[i] = await fetches[i].ConfigureAwait(false);
        return new RecordReader(new RecordAssembler(file.Schema, columns), readers, file.RowGroups[rowGroup].RowCount);
    }

    /// <summary>
    /// A reader over rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> + <paramref name="rowCount"/> - 1
    /// of one row group (trace by ID reads one row). Where a chunk has a page index only the pages holding those rows
    /// are used, taken from the <see cref="ParquetReadOptions.PageCache"/> when decoded before (with the chunk's
    /// dictionary), else fetched (every fetch of the call at once, close ranges merged), decoded and cached; from a
    /// cached page only the rows' own entries are decoded. Chunks without a page index are read whole, as
    /// <see cref="OpenAsync"/> does.
    /// </summary>
    public static async Task<RecordReader> OpenRowsAsync(
        ParquetFileReader file, int rowGroup, long firstRow, long rowCount = 1, IReadOnlyList<int>? columns = null, CancellationToken cancellationToken = default)
    {
        columns = CheckArguments(file, rowGroup, columns);
        var rows = file.RowGroups[rowGroup].RowCount;
        if (firstRow < 0 || firstRow >= rows) throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"row group {rowGroup} has {rows} rows");
        if (rowCount < 1 || rowCount > rows - firstRow) throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, $"row group {rowGroup} has {rows - firstRow} rows from row {firstRow}");
        var readers = await file.OpenRowRangeAsync(rowGroup, columns, firstRow, rowCount, cancellationToken).ConfigureAwait(false);
        // Small batches: a row read hands out a few rows, and copying a thousand entries per column would cost more than the row.
        return new RecordReader(new RecordAssembler(file.Schema, columns), readers, rowCount, batchCapacity: 64);
    }

    private static IReadOnlyList<int> CheckArguments(ParquetFileReader file, int rowGroup, IReadOnlyList<int>? columns)
    {
        ArgumentNullException.ThrowIfNull(file);
        if ((uint)rowGroup >= (uint)file.RowGroups.Count) throw new ArgumentOutOfRangeException(nameof(rowGroup), rowGroup, $"the file has {file.RowGroups.Count} row groups");
        if (columns is null)
        {
            var all = new int[file.Schema.Columns.Count];
            for (var i = 0; i < all.Length; i++) all[i] = i;
            return all;
        }
        if (columns.Count == 0) throw new ArgumentException("at least one column must be read", nameof(columns));
        var seen = new HashSet<int>();
        foreach (var column in columns)
        {
            if ((uint)column >= (uint)file.Schema.Columns.Count) throw new ArgumentOutOfRangeException(nameof(columns), column, $"the schema has {file.Schema.Columns.Count} columns");
            if (!seen.Add(column)) throw new ArgumentException($"column {column} is listed twice", nameof(columns));
        }
        return columns;
    }

    /// <summary>Rows left in the row group.</summary>
    public long RemainingRows => _remaining;

    public void SkipRows(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (rows > _remaining) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"only {_remaining} rows remain");
        for (var c = 0; c < _readers.Length; c++)
        {
            // rows still buffered in the batch first, then the chunk reader skips the rest (whole pages where it can)
            var left = rows;
            var batch = _batches[c];
            while (left > 0 && _levelPositions[c] < batch.LevelCount)
            {
                SkipBufferedRow(c);
                left--;
            }
            if (left > 0) _readers[c].SkipRows(left);
        }
        _remaining -= rows;
    }

    /// <summary>The next row, or null at the end of the row group.</summary>
    public ParquetGroup? ReadRow()
    {
        if (_remaining == 0) return null;
        var row = _assembler.NewRow();
        for (var c = 0; c < _readers.Length; c++)
        {
            var batch = _batches[c];
            if (_levelPositions[c] >= batch.LevelCount)
            {
                _levelPositions[c] = 0;
                _valuePositions[c] = 0;
                if (_readers[c].ReadBatch(batch) == 0)
                    throw new ParquetFormatException($"column '{_readers[c].Column.DottedPath}' ends before the row group's last row ({_remaining} rows missing)");
            }
            var start = _levelPositions[c];
            var end = RowEnd(batch, start, _readers[c].Column.MaxRepetitionLevel > 0);
            _valuePositions[c] += _assembler.AddColumnRow(row, c, batch, start, end, _valuePositions[c]);
            _levelPositions[c] = end;
        }
        _remaining--;
        return row;
    }

    private void SkipBufferedRow(int c)
    {
        var batch = _batches[c];
        var column = _readers[c].Column;
        var start = _levelPositions[c];
        var end = RowEnd(batch, start, column.MaxRepetitionLevel > 0);
        var values = 0;
        if (column.MaxDefinitionLevel == 0) values = end - start;
        else
        {
            for (var i = start; i < end; i++)
            {
                if (batch.DefinitionLevels[i] == column.MaxDefinitionLevel) values++;
            }
        }
        _levelPositions[c] = end;
        _valuePositions[c] += values;
    }

    private static int RowEnd(ColumnBatch batch, int start, bool repeated)
    {
        if (!repeated) return start + 1;
        var end = start + 1;
        while (end < batch.LevelCount && batch.RepetitionLevels[end] != 0) end++;
        return end;
    }
}

/// <summary>
/// An assembled group value. <c>Fields[i]</c> belongs to <c>Schema.Children[i]</c> and is: null (absent optional
/// field or column not read); a repeated field → <c>List&lt;object?&gt;</c>; a group → <see cref="ParquetGroup"/>;
/// a primitive → bool, int, long, float, double, string (STRING-annotated byte arrays) or byte[].
/// </summary>
public sealed class ParquetGroup(GroupNode schema, object?[] fields)
{
    public GroupNode Schema { get; } = schema;
    public object?[] Fields { get; } = fields;

    public object? this[string name] => Schema.IndexOf(name) is var i and >= 0
        ? Fields[i]
        : throw new KeyNotFoundException($"group '{Schema.Name}' has no field '{name}'");
}
