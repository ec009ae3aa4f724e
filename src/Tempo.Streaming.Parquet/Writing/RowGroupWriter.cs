namespace Tempo.Streaming.Parquet;

/// <summary>
/// One row group being built. Values go in either column by column (<see cref="Column"/>) with explicit levels, or
/// record by record through <see cref="Records"/>, which computes the levels. Nothing reaches the file until
/// <see cref="Complete"/>.
/// CONTRACT SKELETON (issue 5): the signatures are fixed; helper "parquet-file" writes the bodies.
/// </summary>
public sealed class RowGroupWriter
{
    private RowGroupWriter() { }

    public ColumnWriter Column(int index) => throw new NotImplementedException();

    /// <summary>The record-shredding writer over this row group's columns.</summary>
    public RecordWriter Records => throw new NotImplementedException();

    /// <summary>Rows (records) written so far.</summary>
    public long RowCount => throw new NotImplementedException();

    /// <summary>Estimated encoded, uncompressed bytes buffered so far (callers cut row groups by bytes with it).</summary>
    public long EstimatedSize => throw new NotImplementedException();

    /// <summary>Encodes, compresses and writes every column chunk; all columns must hold the same number of rows.</summary>
    public void Complete() => throw new NotImplementedException();
}
