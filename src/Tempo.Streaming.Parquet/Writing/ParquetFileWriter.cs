using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Format;
using Tempo.Streaming.Parquet.Thrift;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Writes a Parquet file to a stream: "PAR1", row groups (each buffered in memory until completed), the page indexes,
/// then the Thrift-compact footer and "PAR1".
/// </summary>
/// <remarks>
/// Layout (parquet-format README "File Format" and PageIndex.md): the column chunks of every row group, then all
/// ColumnIndex structs, then all OffsetIndex structs (so a reader can fetch each kind in one range), then
/// FileMetaData, its 4-byte little-endian length and the magic.
/// </remarks>
public sealed class ParquetFileWriter : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly ColumnWriter[] _columns;
    private readonly RecordWriter _records;
    private readonly ParquetWriterOptions _options;
    private readonly List<RowGroup> _rowGroups = [];
    private readonly List<(ColumnChunk Chunk, ColumnIndex? ColumnIndex, OffsetIndex? OffsetIndex)> _pageIndexes = [];
    private readonly Dictionary<string, string> _keyValueMetadata = new(StringComparer.Ordinal);
    private RowGroupWriter? _current;
    private bool _closed;

    public ParquetFileWriter(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        if (!output.CanWrite) throw new ArgumentException("the output stream is not writable", nameof(output));
        _options = options ?? new ParquetWriterOptions();
        if (_options.DataPageSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.DataPageSize, "DataPageSize must be positive");
        if (_options.DataPageEntryLimit <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.DataPageEntryLimit, "DataPageEntryLimit must be positive");
        if (_options.DictionaryPageSizeLimit <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.DictionaryPageSizeLimit, "DictionaryPageSizeLimit must be positive");
        foreach (var path in _options.Columns.Keys)
        {
            if (!schema.TryGetColumn(path, out _)) throw new ArgumentException($"column options name '{path}', which is not a column of the schema", nameof(options));
        }
        Output = output;
        Schema = schema;
        _columns = new ColumnWriter[schema.Columns.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = new ColumnWriter(schema.Columns[i], ColumnChunkSettings.Resolve(schema.Columns[i], _options));
        }
        _records = new RecordWriter(LevelNode.Build(schema), _columns);
        Output.Write(Magic);
        Position = Magic.Length;
    }

    public ParquetSchema Schema { get; }

    internal Stream Output { get; }

    /// <summary>Key-value metadata written into the footer; add entries any time before <see cref="Close"/>.</summary>
    public IDictionary<string, string> KeyValueMetadata => _keyValueMetadata;

    /// <summary>Starts the next row group; the previous one must be completed.</summary>
    public RowGroupWriter CreateRowGroup()
    {
        EnsureOpen();
        if (_current is { IsCompleted: false }) throw new InvalidOperationException($"row group {_rowGroups.Count} is not completed yet");
        if (_rowGroups.Count >= short.MaxValue) throw new InvalidOperationException($"a file holds at most {short.MaxValue} row groups (RowGroup.ordinal is an i16)");
        _current = new RowGroupWriter(this, _columns, _records, (short)_rowGroups.Count);
        return _current;
    }

    /// <summary>Bytes written to the output so far.</summary>
    public long Position { get; private set; }

    /// <summary>Row groups completed so far.</summary>
    public int RowGroupCount => _rowGroups.Count;

    /// <summary>Size of the serialized footer once <see cref="Close"/> has run (Tempo's meta.json footerSize).</summary>
    public int FooterLength { get; private set; }

    internal void Advance(long bytes) => Position += bytes;

    internal void AddRowGroup(RowGroup rowGroup) => _rowGroups.Add(rowGroup);

    internal void AddPageIndex(ColumnChunk chunk, ColumnIndex? columnIndex, OffsetIndex? offsetIndex)
    {
        if (columnIndex is not null || offsetIndex is not null) _pageIndexes.Add((chunk, columnIndex, offsetIndex));
    }

    /// <summary>Writes the page indexes and the footer. The stream is left open.</summary>
    public void Close()
    {
        EnsureOpen();
        if (_current is { IsCompleted: false }) throw new InvalidOperationException($"row group {_rowGroups.Count} was not completed before Close");
        var buffer = new ByteBuffer(4096);
        var writer = new ThriftCompactWriter(buffer);
        foreach (var (chunk, columnIndex, _) in _pageIndexes)
        {
            if (columnIndex is null) continue;
            buffer.Clear();
            columnIndex.Write(writer);
            chunk.ColumnIndexOffset = Position;
            chunk.ColumnIndexLength = buffer.Length;
            WriteRaw(buffer.WrittenSpan);
        }
        foreach (var (chunk, _, offsetIndex) in _pageIndexes)
        {
            if (offsetIndex is null) continue;
            buffer.Clear();
            offsetIndex.Write(writer);
            chunk.OffsetIndexOffset = Position;
            chunk.OffsetIndexLength = buffer.Length;
            WriteRaw(buffer.WrittenSpan);
        }

        long rows = 0;
        foreach (var rowGroup in _rowGroups) rows += rowGroup.NumRows;
        var keyValues = new List<KeyValue>(_keyValueMetadata.Count);
        foreach (var (key, value) in _keyValueMetadata) keyValues.Add(new KeyValue(key, value));
        var columnOrders = new List<ColumnOrder>(_columns.Length);
        for (var i = 0; i < _columns.Length; i++) columnOrders.Add(ColumnOrder.TypeDefinedOrder);
        var metadata = new FileMetaData
        {
            Version = 1,
            Schema = SchemaElements.Flatten(Schema),
            NumRows = rows,
            RowGroups = _rowGroups,
            KeyValueMetadata = keyValues.Count > 0 ? keyValues : null,
            CreatedBy = _options.CreatedBy,
            ColumnOrders = columnOrders,
        };
        buffer.Clear();
        metadata.Write(writer);
        FooterLength = buffer.Length;
        var tail = buffer.Append(8);
        BinaryPrimitives.WriteInt32LittleEndian(tail, FooterLength);
        Magic.CopyTo(tail[4..]);
        WriteRaw(buffer.WrittenSpan);
        Output.Flush();
        _closed = true;
        // Every chunk is in the output now: the column writers' buffers go back to the shared pool for the next file.
        foreach (var column in _columns) column.ReturnBuffers();
    }

    /// <summary>Closes the file if it is still open and nothing failed; the stream is left open.</summary>
    public void Dispose()
    {
        if (_closed || _current is { IsCompleted: false }) return;
        Close();
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Output.Write(bytes);
        Position += bytes.Length;
    }

    private void EnsureOpen()
    {
        if (_closed) throw new InvalidOperationException("the Parquet file is already closed");
    }
}
