namespace Tempo.Streaming.Parquet;

/// <summary>
/// Writes a Parquet file to a stream: "PAR1", row groups (each buffered in memory until completed), the page indexes,
/// then the Thrift-compact footer and "PAR1".
/// CONTRACT SKELETON (issue 5): the signatures are fixed; helper "parquet-file" writes the bodies.
/// </summary>
public sealed class ParquetFileWriter : IDisposable
{
    public ParquetFileWriter(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null) => throw new NotImplementedException();

    public ParquetSchema Schema => throw new NotImplementedException();

    /// <summary>Key-value metadata written into the footer; add entries any time before <see cref="Close"/>.</summary>
    public IDictionary<string, string> KeyValueMetadata => throw new NotImplementedException();

    /// <summary>Starts the next row group; the previous one must be completed.</summary>
    public RowGroupWriter CreateRowGroup() => throw new NotImplementedException();

    /// <summary>Bytes written to the output so far.</summary>
    public long Position => throw new NotImplementedException();

    /// <summary>Writes the page indexes and the footer. The stream is left open.</summary>
    public void Close() => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
