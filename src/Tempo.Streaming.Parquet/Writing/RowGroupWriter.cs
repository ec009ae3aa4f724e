using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// One row group being built. Values go in either column by column (<see cref="Column"/>) with explicit levels, or
/// record by record through <see cref="Records"/>, which computes the levels. Nothing reaches the file until
/// <see cref="Complete"/>. The column writers (and their buffers) belong to the file writer and are reused by the
/// next row group, so do not keep them past <see cref="Complete"/>.
/// </summary>
public sealed class RowGroupWriter
{
    private readonly ParquetFileWriter _file;
    private readonly ColumnWriter[] _columns;
    private readonly short _ordinal;

    internal RowGroupWriter(ParquetFileWriter file, ColumnWriter[] columns, RecordWriter records, short ordinal)
    {
        _file = file;
        _columns = columns;
        Records = records;
        _ordinal = ordinal;
    }

    internal bool IsCompleted { get; private set; }

    public ColumnWriter Column(int index)
    {
        EnsureOpen();
        return (uint)index < (uint)_columns.Length
            ? _columns[index]
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"the schema has {_columns.Length} columns");
    }

    /// <summary>The record-shredding writer over this row group's columns.</summary>
    public RecordWriter Records { get; }

    /// <summary>Rows (records) written so far: the rows of the first column.</summary>
    public long RowCount => _columns[0].RowCount;

    /// <summary>Estimated encoded, uncompressed bytes buffered so far (callers cut row groups by bytes with it).
    /// A sum of running per-column totals: O(columns), nothing is encoded to answer.</summary>
    public long EstimatedSize
    {
        get
        {
            long size = 0;
            foreach (var column in _columns) size += column.EstimatedSize;
            return size;
        }
    }

    /// <summary>Encodes, compresses and writes every column chunk; all columns must hold the same number of rows.</summary>
    public void Complete()
    {
        EnsureOpen();
        var rows = _columns[0].RowCount;
        foreach (var column in _columns)
        {
            if (column.RowCount != rows)
                throw new InvalidOperationException(
                    $"row group {_ordinal}: column '{column.Column.DottedPath}' holds {column.RowCount} rows but '{_columns[0].Column.DottedPath}' holds {rows}");
        }
        var output = _file.Output;
        var start = _file.Position;
        var chunks = new List<ColumnChunk>(_columns.Length);
        long uncompressed = 0;
        foreach (var column in _columns)
        {
            var result = column.WriteChunk(output, _file.Position);
            _file.Advance(result.CompressedSize);
            chunks.Add(result.Chunk);
            uncompressed += result.UncompressedSize;
            _file.AddPageIndex(result.Chunk, result.ColumnIndex, result.OffsetIndex);
            column.ResetChunk();
        }
        Records.Reset();
        IsCompleted = true;
        _file.AddRowGroup(new RowGroup
        {
            Columns = chunks,
            NumRows = rows,
            TotalByteSize = uncompressed,
            FileOffset = start,
            TotalCompressedSize = _file.Position - start,
            Ordinal = _ordinal,
        });
    }

    private void EnsureOpen()
    {
        if (IsCompleted) throw new InvalidOperationException($"row group {_ordinal} is already completed");
    }
}
