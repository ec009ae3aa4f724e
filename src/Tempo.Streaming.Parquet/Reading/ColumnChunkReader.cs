using System.Diagnostics.CodeAnalysis;
using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Decodes the pages of one column chunk held in memory: dictionary page, data pages v1 and v2, every encoding and
/// codec the library reads. Reads in batches; can skip whole rows (using the page index to skip pages undecoded).
/// </summary>
/// <remarks>
/// Decoded entries collect in a pending buffer a page at a time; <see cref="ReadBatch"/> hands out whole rows from
/// it. A row may continue on the next page in files from writers that do not end pages on row boundaries (data page
/// v1 without a page index), so a batch is only cut where the next entry has repetition level 0.
/// </remarks>
public sealed partial class ColumnChunkReader
{
    private readonly ColumnChunkInfo _info;
    private readonly ReadOnlyMemory<byte> _chunk;
    private readonly long _chunkFileOffset;
    private readonly long _rowCount;
    private readonly int _rowGroup;
    private readonly PhysicalType _type;
    private readonly int _maxDefinitionLevel;
    private readonly int _maxRepetitionLevel;
    private readonly PageIndex? _pageIndex;
    private readonly long _rowGroupRows;  // rows of the whole chunk (the last page's end in the page index)
    private int _position;        // next page header within the chunk
    private bool _endOfPages;
    private long _rowsConsumed;   // rows handed out or skipped
    private long _valuesSeen;     // level entries decoded from data pages (checked against num_values)

    // pending decoded entries [_head, _end) and their values [_valueHead, _valueEnd)
    // sized by the constructor: a row read over cached pages needs only its rows' entries
    private short[] _definitionLevels = [];
    private short[] _repetitionLevels = [];
    private int _head;
    private int _end;
    private int _valueHead;
    private int _valueEnd;
    private bool[] _booleans = [];
    private int[] _int32s = [];
    private long[] _int64s = [];
    private float[] _floats = [];
    private double[] _doubles = [];
    private readonly ByteBuffer _bytes = new(0);
    private int[] _offsets = [0];

    internal ColumnChunkReader(ColumnChunkInfo info, ReadOnlyMemory<byte> chunk, long chunkFileOffset, long rowCount, int rowGroup, PageIndex? pageIndex)
    {
        _info = info;
        _rowGroupRows = rowCount;
        Column = info.Column;
        _chunk = chunk;
        _chunkFileOffset = chunkFileOffset;
        _rowCount = rowCount;
        _rowGroup = rowGroup;
        _type = Column.Type;
        _maxDefinitionLevel = Column.MaxDefinitionLevel;
        _maxRepetitionLevel = Column.MaxRepetitionLevel;
        _pageIndex = pageIndex;
        _codec = info.Codec;
        _definitionLevels = new short[1024];
        _repetitionLevels = new short[1024];
        // The dictionary page comes first; read it now so Dictionary is available before any ReadBatch.
        TryReadDictionaryPage();
    }

    /// <summary>Decodes a chunk's dictionary page held alone in <paramref name="page"/>; null when it is not a dictionary page.</summary>
    internal static ColumnBatch? DecodeDictionaryPage(ColumnChunkInfo info, ReadOnlyMemory<byte> page, long pageFileOffset, int rowGroup)
        => new ColumnChunkReader(info, page, pageFileOffset, rowCount: 0, rowGroup, pageIndex: null).Dictionary;

    public ColumnDescriptor Column { get; }

    /// <summary>The chunk's dictionary values when it is dictionary-encoded (for predicate checks), else null.</summary>
    public ColumnBatch? Dictionary { get; private set; }

    /// <summary>Rows not yet read or skipped.</summary>
    public long RemainingRows => _rowCount - _rowsConsumed;

    /// <summary>Data pages passed over without decompressing or decoding them (page index or v2 row counts).</summary>
    public int PagesSkipped { get; private set; }

    /// <summary>Data pages decoded.</summary>
    public int PagesDecoded { get; private set; }

    /// <summary>Reads up to the batch's capacity of entries, never splitting a row: returns entries read, 0 at the end.
    /// A single row with more entries than the capacity grows the batch to hold it.</summary>
    public int ReadBatch(ColumnBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var capacity = batch.DefinitionLevels.Length;
        if (capacity == 0) throw new ArgumentException("the batch has no capacity", nameof(batch));
        // One entry past the capacity tells whether the cut falls on a row boundary.
        while (_end - _head <= capacity && !_endOfPages) DecodeNextPage();
        var available = _end - _head;
        if (available == 0)
        {
            batch.LevelCount = 0;
            batch.ValueCount = 0;
            return 0;
        }

        int cut;
        if (available <= capacity)
        {
            cut = available; // end of chunk: the last row is complete
        }
        else if (_maxRepetitionLevel == 0)
        {
            cut = capacity;
        }
        else
        {
            cut = capacity;
            while (cut > 0 && _repetitionLevels[_head + cut] != 0) cut--;
            if (cut == 0) cut = ExtendToRowEnd(capacity);
        }
        CopyOut(batch, cut);
        return cut;
    }

    /// <summary>Skips the next <paramref name="rows"/> rows (records).</summary>
    public void SkipRows(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (rows > RemainingRows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"only {RemainingRows} rows remain in column '{Column.DottedPath}' of row group {_rowGroup}");
        var remaining = rows;
        while (remaining > 0)
        {
            if (_head < _end)
            {
                remaining -= SkipPendingRows(remaining);
                continue;
            }
            if (_endOfPages) ThrowCorrupt($"the pages hold fewer rows than the row group's {_rowCount}");
            if (TrySkipWholePage(remaining, out var skipped))
            {
                remaining -= skipped;
                _rowsConsumed += skipped;
                continue;
            }
            DecodeNextPage();
        }
    }

    /// <summary>Skips up to <paramref name="rows"/> whole rows of the pending entries; returns rows skipped.</summary>
    private long SkipPendingRows(long rows)
    {
        var i = _head;
        var values = 0;
        long skipped = 0;
        var hasRepetition = _maxRepetitionLevel > 0;
        var hasDefinition = _maxDefinitionLevel > 0;
        while (i < _end)
        {
            if (!hasRepetition || _repetitionLevels[i] == 0)
            {
                if (skipped == rows) break;
                skipped++;
            }
            if (!hasDefinition || _definitionLevels[i] == _maxDefinitionLevel) values++;
            i++;
        }
        // Reaching the end of the pending entries mid-row: the row's rest (entries with r > 0 on the next page)
        // must be skipped too, which the next round does as a row not counted again.
        _head = i;
        _valueHead += values;
        _rowsConsumed += skipped;
        if (i == _end && !_endOfPages && hasRepetition && skipped > 0)
        {
            DecodeNextPage();
            while (_head < _end && _repetitionLevels[_head] != 0)
            {
                if (!hasDefinition || _definitionLevels[_head] == _maxDefinitionLevel) _valueHead++;
                _head++;
                if (_head == _end && !_endOfPages) DecodeNextPage();
            }
        }
        return skipped;
    }

    /// <summary>Grows the cut past a row longer than the batch: returns the entries up to the next row start.</summary>
    private int ExtendToRowEnd(int from)
    {
        var cut = from + 1;
        while (true)
        {
            while (_head + cut < _end && _repetitionLevels[_head + cut] != 0) cut++;
            if (_head + cut < _end || _endOfPages) return Math.Min(cut, _end - _head);
            DecodeNextPage();
        }
    }

    private void CopyOut(ColumnBatch batch, int count)
    {
        if (batch.DefinitionLevels.Length < count)
        {
            batch.DefinitionLevels = new short[count];
            batch.RepetitionLevels = new short[count];
        }
        var definitions = batch.DefinitionLevels.AsSpan(0, count);
        var repetitions = batch.RepetitionLevels.AsSpan(0, count);
        int values;
        if (_maxDefinitionLevel > 0)
        {
            _definitionLevels.AsSpan(_head, count).CopyTo(definitions);
            values = definitions.Count(checked((short)_maxDefinitionLevel));
        }
        else
        {
            definitions.Clear();
            values = count;
        }
        long rows;
        if (_maxRepetitionLevel > 0)
        {
            _repetitionLevels.AsSpan(_head, count).CopyTo(repetitions);
            rows = repetitions.Count((short)0);
        }
        else
        {
            repetitions.Clear();
            rows = count;
        }
        CopyValues(batch, values);
        batch.LevelCount = count;
        batch.ValueCount = values;
        _head += count;
        _valueHead += values;
        _rowsConsumed += rows;
    }

    private void CopyValues(ColumnBatch batch, int count)
    {
        var from = _valueHead;
        switch (_type)
        {
            case PhysicalType.Boolean:
                if (batch.Booleans.Length < count) batch.Booleans = new bool[Math.Max(count, batch.DefinitionLevels.Length)];
                _booleans.AsSpan(from, count).CopyTo(batch.Booleans);
                break;
            case PhysicalType.Int32:
                if (batch.Int32s.Length < count) batch.Int32s = new int[Math.Max(count, batch.DefinitionLevels.Length)];
                _int32s.AsSpan(from, count).CopyTo(batch.Int32s);
                break;
            case PhysicalType.Int64:
                if (batch.Int64s.Length < count) batch.Int64s = new long[Math.Max(count, batch.DefinitionLevels.Length)];
                _int64s.AsSpan(from, count).CopyTo(batch.Int64s);
                break;
            case PhysicalType.Float:
                if (batch.Floats.Length < count) batch.Floats = new float[Math.Max(count, batch.DefinitionLevels.Length)];
                _floats.AsSpan(from, count).CopyTo(batch.Floats);
                break;
            case PhysicalType.Double:
                if (batch.Doubles.Length < count) batch.Doubles = new double[Math.Max(count, batch.DefinitionLevels.Length)];
                _doubles.AsSpan(from, count).CopyTo(batch.Doubles);
                break;
            default:
                var start = _offsets[from];
                var length = _offsets[from + count] - start;
                if (batch.ByteData.Length < length) batch.ByteData = new byte[Math.Max(length, batch.ByteData.Length * 2)];
                _bytes.GetBuffer().AsSpan(start, length).CopyTo(batch.ByteData);
                if (batch.ByteOffsets.Length < count + 1) batch.ByteOffsets = new int[Math.Max(count + 1, batch.DefinitionLevels.Length + 1)];
                var offsets = batch.ByteOffsets;
                for (var i = 0; i <= count; i++) offsets[i] = _offsets[from + i] - start;
                break;
        }
    }

    [DoesNotReturn]
    private void ThrowCorrupt(string what, long? pageOffset = null) => throw new ParquetFormatException(pageOffset is { } offset
        ? $"column '{Column.DottedPath}' in row group {_rowGroup}, page at offset {offset}: {what}"
        : $"column '{Column.DottedPath}' in row group {_rowGroup}: {what}");
}
