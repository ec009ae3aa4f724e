namespace Tempo.Streaming.Parquet;

/// <summary>
/// Decodes the pages of one column chunk held in memory: dictionary page, data pages v1 and v2, every encoding and
/// codec the library reads. Reads in batches; can skip whole rows (using the page index to skip pages undecoded).
/// CONTRACT SKELETON (issue 5): the signatures are fixed; helper "parquet-file" writes the bodies.
/// </summary>
public sealed class ColumnChunkReader
{
    private ColumnChunkReader() { }

    public ColumnDescriptor Column => throw new NotImplementedException();

    /// <summary>Reads up to the batch's capacity of entries, never splitting a row: returns entries read, 0 at the end.</summary>
    public int ReadBatch(ColumnBatch batch) => throw new NotImplementedException();

    /// <summary>Skips the next <paramref name="rows"/> rows (records).</summary>
    public void SkipRows(long rows) => throw new NotImplementedException();

    /// <summary>The chunk's dictionary values when it is dictionary-encoded (for predicate checks), else null.</summary>
    public ColumnBatch? Dictionary => throw new NotImplementedException();
}
