using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Buffers the values and levels of one column chunk. A value is written at the column's maximum definition level;
/// a null (or an empty/absent ancestor) with the definition level at which the path stops. The repetition level says
/// at which repeated ancestor a new element begins (0 = new record).
/// </summary>
/// <remarks>
/// Values collect in a typed page buffer (no boxing, no per-value allocation). When a new row starts and the buffer
/// holds <see cref="ParquetWriterOptions.DataPageSize"/> bytes of plain values, the page is encoded and compressed
/// into the chunk buffer, so pages always end on row boundaries (the page index's <c>first_row_index</c> is exact).
/// Dictionary hashing, statistics and encoding run per page in tight loops over the typed arrays
/// (<see cref="ColumnWriter"/>.Pages.cs).
/// </remarks>
public sealed partial class ColumnWriter
{
    private readonly PhysicalType _type;
    private readonly int _maxDefinitionLevel;
    private readonly int _maxRepetitionLevel;
    private readonly int _fixedLength;
    private int _pageSizeLimit;

    // Pages are also cut by entry count: a column of nulls or empty lists adds no value bytes, and without this limit its
    // whole chunk became one page whose levels every single-row read (trace by ID) had to decode.
    private readonly int _pageEntryLimit;

    // page buffer: levels are RLE-encoded as they arrive (null-heavy columns stay a few bytes), one value per entry
    // at the maximum definition level
    private readonly LevelRunEncoder? _definitionLevels;
    private readonly LevelRunEncoder? _repetitionLevels;
    private int _entryCount;
    private int _valueCount;
    private int _pageRowCount;
    private long _pageValueBytes;

    private bool[] _booleans = [];
    private int[] _int32s = [];
    private long[] _int64s = [];
    private float[] _floats = [];
    private double[] _doubles = [];
    private byte[] _byteData = [];
    private int[] _byteOffsets = [];

    // chunk totals (entries of flushed pages; the page buffer's are added when it is flushed)
    private long _chunkRowCount;
    private long _chunkEntryCount;

    internal ColumnWriter(ColumnDescriptor column, ColumnChunkSettings settings)
    {
        Column = column;
        _type = column.Type;
        _maxDefinitionLevel = column.MaxDefinitionLevel;
        _maxRepetitionLevel = column.MaxRepetitionLevel;
        _fixedLength = column.Node.TypeLength;
        _pageSizeLimit = settings.DataPageSize;
        _pageEntryLimit = settings.DataPageEntryLimit;
        _settings = settings;
        _unsigned = StatisticsOrder.IsUnsigned(column);
        _compressor = PageCompressor.For(settings.Compression, settings.CompressionLevel, column.DottedPath);
        _headerWriter = new Thrift.ThriftCompactWriter(_header);
        if (settings.Encoding == ColumnEncoding.Dictionary)
        {
            _dictionary = new ColumnDictionary(_type, _fixedLength);
            _dictionaryState = DictionaryState.Active;
        }
        if (_maxDefinitionLevel > 0) _definitionLevels = new LevelRunEncoder(Encodings.BitPacking.RequiredBitWidth((ulong)_maxDefinitionLevel));
        if (_maxRepetitionLevel > 0) _repetitionLevels = new LevelRunEncoder(Encodings.BitPacking.RequiredBitWidth((ulong)_maxRepetitionLevel));
        switch (_type)
        {
            case PhysicalType.Boolean: _booleans = ArrayPool<bool>.Shared.Rent(256); break;
            case PhysicalType.Int32: _int32s = ArrayPool<int>.Shared.Rent(256); break;
            case PhysicalType.Int64: _int64s = ArrayPool<long>.Shared.Rent(256); break;
            case PhysicalType.Float: _floats = ArrayPool<float>.Shared.Rent(256); break;
            case PhysicalType.Double: _doubles = ArrayPool<double>.Shared.Rent(256); break;
            default:
                _byteData = ArrayPool<byte>.Shared.Rent(4096);
                _byteOffsets = ArrayPool<int>.Shared.Rent(257);
                _byteOffsets[0] = 0; // a rented array is not cleared
                break;
        }
    }

    public ColumnDescriptor Column { get; }

    /// <summary>Rows (entries with repetition level 0) written to this chunk so far.</summary>
    public long RowCount => _chunkRowCount;

    /// <summary>Level entries (values and nulls) written to this chunk so far.</summary>
    public long EntryCount => _chunkEntryCount + _entryCount;

    /// <summary>Encoded, uncompressed bytes of the flushed pages plus the plain size of the page being buffered.</summary>
    internal long EstimatedSize => _chunkUncompressedBytes + _pageValueBytes + _entryCount / 4;

    public void WriteNull(int definitionLevel, int repetitionLevel = 0)
    {
        if ((uint)definitionLevel >= (uint)_maxDefinitionLevel) ThrowBadNullDefinitionLevel(definitionLevel);
        BeginEntry(repetitionLevel, definitionLevel);
    }

    /// <summary>
    /// Nulls at one definition level, one per entry of <paramref name="repetitionLevels"/>: the same entries as a
    /// <see cref="WriteNull"/> per level, added in bulk. A schema-specific shredder uses it for a column that has no
    /// value anywhere in a record (the events of a trace whose spans have none: one null per span, repeating like the
    /// spans), whose repetition levels it computed once for all such columns.
    /// </summary>
    public void WriteNulls(int definitionLevel, ReadOnlySpan<byte> repetitionLevels)
    {
        if ((uint)definitionLevel >= (uint)_maxDefinitionLevel) ThrowBadNullDefinitionLevel(definitionLevel);
        if (_maxRepetitionLevel < byte.MaxValue)
        {
            var tooDeep = repetitionLevels.IndexOfAnyInRange((byte)(_maxRepetitionLevel + 1), byte.MaxValue);
            if (tooDeep >= 0) ThrowBadRepetitionLevel(repetitionLevels[tooDeep]);
        }
        while (repetitionLevels.Length > 0)
        {
            // Row by row: the first entry of each goes through BeginEntry (rows start there, pages end there), the
            // rest of the row repeats inside it and is only levels.
            var rowEnd = repetitionLevels[1..].IndexOf((byte)0);
            var row = rowEnd < 0 ? repetitionLevels : repetitionLevels[..(rowEnd + 1)];
            BeginEntry(row[0], definitionLevel);
            var rest = row[1..];
            if (rest.Length > 0)
            {
                _definitionLevels?.AddRun(definitionLevel, rest.Length);
                _repetitionLevels?.AddRange(rest);
                _entryCount += rest.Length;
            }
            repetitionLevels = repetitionLevels[row.Length..];
        }
    }

    /// <summary>
    /// A null from the record writer, whose levels are valid by construction (below the maximum definition level,
    /// repetition within range, a row started by level 0): no checks on this hottest path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AppendNull(int definitionLevel, int repetitionLevel)
    {
        if (repetitionLevel == 0)
        {
            if (_pageValueBytes >= _pageSizeLimit || _entryCount >= _pageEntryLimit) FlushPage();
            _pageRowCount++;
            _chunkRowCount++;
        }
        _definitionLevels?.Add(definitionLevel);
        _repetitionLevels?.Add(repetitionLevel);
        _entryCount++;
    }

    public void WriteBoolean(bool value, int repetitionLevel = 0)
    {
        if (_type != PhysicalType.Boolean) ThrowWrongType(PhysicalType.Boolean);
        BeginEntry(repetitionLevel, _maxDefinitionLevel);
        if (_valueCount == _booleans.Length) _booleans = Grow(_booleans);
        _booleans[_valueCount++] = value;
        _pageValueBytes++;
    }

    public void WriteInt32(int value, int repetitionLevel = 0)
    {
        if (_type != PhysicalType.Int32) ThrowWrongType(PhysicalType.Int32);
        BeginEntry(repetitionLevel, _maxDefinitionLevel);
        if (_valueCount == _int32s.Length) _int32s = Grow(_int32s);
        _int32s[_valueCount++] = value;
        _pageValueBytes += 4;
    }

    public void WriteInt64(long value, int repetitionLevel = 0)
    {
        if (_type != PhysicalType.Int64) ThrowWrongType(PhysicalType.Int64);
        BeginEntry(repetitionLevel, _maxDefinitionLevel);
        if (_valueCount == _int64s.Length) _int64s = Grow(_int64s);
        _int64s[_valueCount++] = value;
        _pageValueBytes += 8;
    }

    public void WriteFloat(float value, int repetitionLevel = 0)
    {
        if (_type != PhysicalType.Float) ThrowWrongType(PhysicalType.Float);
        BeginEntry(repetitionLevel, _maxDefinitionLevel);
        if (_valueCount == _floats.Length) _floats = Grow(_floats);
        _floats[_valueCount++] = value;
        _pageValueBytes += 4;
    }

    public void WriteDouble(double value, int repetitionLevel = 0)
    {
        if (_type != PhysicalType.Double) ThrowWrongType(PhysicalType.Double);
        BeginEntry(repetitionLevel, _maxDefinitionLevel);
        if (_valueCount == _doubles.Length) _doubles = Grow(_doubles);
        _doubles[_valueCount++] = value;
        _pageValueBytes += 8;
    }

    /// <summary>BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values (the latter must have the column's length).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value, int repetitionLevel = 0)
    {
        if (_type == PhysicalType.ByteArray)
        {
            BeginEntry(repetitionLevel, _maxDefinitionLevel);
            AppendBytes(value);
            _pageValueBytes += 4 + value.Length;
        }
        else if (_type == PhysicalType.FixedLenByteArray)
        {
            if (value.Length != _fixedLength) ThrowWrongFixedLength(value.Length);
            BeginEntry(repetitionLevel, _maxDefinitionLevel);
            AppendBytes(value);
            _pageValueBytes += value.Length;
        }
        else
        {
            ThrowWrongType(PhysicalType.ByteArray);
        }
    }

    /// <summary>A string written as UTF-8 bytes.</summary>
    public void WriteString(ReadOnlySpan<char> value, int repetitionLevel = 0)
    {
        if (_type != PhysicalType.ByteArray) ThrowWrongType(PhysicalType.ByteArray);
        BeginEntry(repetitionLevel, _maxDefinitionLevel);
        // Reserve the worst case, encode in place: no intermediate byte[] per string.
        var start = _byteOffsets[_valueCount];
        EnsureByteCapacity(start + System.Text.Encoding.UTF8.GetMaxByteCount(value.Length));
        // Most strings in traces are ASCII: the vectorized narrowing is cheaper than the UTF-8 transcoder for short
        // strings; it stops at the first non-ASCII char and UTF-8 encodes the rest (the same bytes as encoding it all).
        var destination = _byteData.AsSpan(start);
        if (System.Text.Ascii.FromUtf16(value, destination, out var written) != System.Buffers.OperationStatus.Done)
        {
            written += System.Text.Encoding.UTF8.GetBytes(value[written..], destination[written..]);
        }
        if (_valueCount + 1 == _byteOffsets.Length) _byteOffsets = Grow(_byteOffsets);
        _byteOffsets[++_valueCount] = start + written;
        _pageValueBytes += 4 + written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BeginEntry(int repetitionLevel, int definitionLevel)
    {
        if (repetitionLevel == 0)
        {
            // A page ends before a new row starts, never inside one.
            if (_pageValueBytes >= _pageSizeLimit || _entryCount >= _pageEntryLimit) FlushPage();
            _pageRowCount++;
            _chunkRowCount++;
        }
        else if ((uint)repetitionLevel > (uint)_maxRepetitionLevel || _chunkRowCount == 0)
        {
            ThrowBadRepetitionLevel(repetitionLevel);
        }
        _definitionLevels?.Add(definitionLevel);
        _repetitionLevels?.Add(repetitionLevel);
        _entryCount++;
    }

    private void AppendBytes(ReadOnlySpan<byte> value)
    {
        var start = _byteOffsets[_valueCount];
        EnsureByteCapacity(start + value.Length);
        value.CopyTo(_byteData.AsSpan(start));
        if (_valueCount + 1 == _byteOffsets.Length) _byteOffsets = Grow(_byteOffsets);
        _byteOffsets[++_valueCount] = start + value.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureByteCapacity(int needed)
    {
        if (needed > _byteData.Length) GrowBytes(needed);
    }

    private void GrowBytes(int needed)
    {
        var size = Math.Max(needed, (int)Math.Min(Array.MaxLength, (long)_byteData.Length * 2));
        _byteData = Regrow(_byteData, size, _byteData.Length);
    }

    private static T[] Grow<T>(T[] array) => Regrow(array, Math.Max(16, array.Length * 2), array.Length);

    /// <summary>
    /// The page buffers come from <see cref="ArrayPool{T}.Shared"/> and outgrown ones go back: they reach megabytes per
    /// column and block, and fresh arrays of that size are page-faulted and zeroed by the kernel on every block write.
    /// The arrays never leave this writer (pages are encoded into its own buffers), so returning them is safe.
    /// </summary>
    private static T[] Regrow<T>(T[] array, int size, int keep)
    {
        var grown = ArrayPool<T>.Shared.Rent(size);
        array.AsSpan(0, keep).CopyTo(grown);
        if (array.Length > 0) ArrayPool<T>.Shared.Return(array);
        return grown;
    }

    /// <summary>
    /// Gives every buffer back to the pool once the file is written (<see cref="ParquetFileWriter.Close"/>); the
    /// next file's writers rent them instead of faulting in new memory.
    /// </summary>
    internal void ReturnBuffers()
    {
        ReturnArray(ref _booleans);
        ReturnArray(ref _int32s);
        ReturnArray(ref _int64s);
        ReturnArray(ref _floats);
        ReturnArray(ref _doubles);
        ReturnArray(ref _byteData);
        ReturnArray(ref _byteOffsets);
        ReturnArray(ref _indices);
        ReturnArray(ref _seenEntries);
        _pageBody.ReturnToPool();
        _levels.ReturnToPool();
        _compressed.ReturnToPool();
        _header.ReturnToPool();
        _chunk.ReturnToPool();
        _valueScratch.ReturnToPool();
        _plainScratch?.ReturnToPool();
        _dictionary?.ReturnBuffers();
    }

    private static void ReturnArray<T>(ref T[] array)
    {
        if (array.Length > 0) ArrayPool<T>.Shared.Return(array);
        array = [];
    }

    /// <summary>Empties the page buffer after a flush; arrays are kept for the next page.</summary>
    private void ResetPageBuffer()
    {
        _chunkEntryCount += _entryCount;
        _entryCount = 0;
        _valueCount = 0;
        _pageRowCount = 0;
        _pageValueBytes = 0;
        if (_byteOffsets.Length > 0) _byteOffsets[0] = 0;
        _definitionLevels?.Reset();
        _repetitionLevels?.Reset();
    }

    [DoesNotReturn]
    private void ThrowWrongType(PhysicalType attempted) => throw new InvalidOperationException(
        $"column '{Column.DottedPath}' is {_type}; a {attempted} value cannot be written to it");

    [DoesNotReturn]
    private void ThrowWrongFixedLength(int length) => throw new ArgumentException(
        $"column '{Column.DottedPath}' holds {_fixedLength}-byte values; got {length} bytes");

    [DoesNotReturn]
    private void ThrowBadNullDefinitionLevel(int level) => throw new ArgumentOutOfRangeException(
        nameof(level), level, $"a null in column '{Column.DottedPath}' needs a definition level below {_maxDefinitionLevel} (its maximum, which means a value)");

    [DoesNotReturn]
    private void ThrowBadRepetitionLevel(int level) => throw new ArgumentOutOfRangeException(
        nameof(level), level, _chunkRowCount == 0
            ? $"the first entry of column '{Column.DottedPath}' must start a row (repetition level 0)"
            : $"column '{Column.DottedPath}' has a maximum repetition level of {_maxRepetitionLevel}");

    /// <summary>For tests: the levels and values buffered in the current (unflushed) page.</summary>
    internal BufferedPage PeekBufferedPage() => new(
        DecodeLevelsForTests(_definitionLevels), DecodeLevelsForTests(_repetitionLevels), BufferedValuesForTests());

    private short[] DecodeLevelsForTests(LevelRunEncoder? levels)
    {
        var decoded = new short[_entryCount];
        if (levels is null || _entryCount == 0) return decoded;
        var encoded = new Encodings.ByteBuffer();
        levels.WriteTo(encoded);
        var decoder = new Encodings.RleBitPackedHybridDecoder();
        decoder.Reset(encoded.ToArray(), levels.BitWidth);
        decoder.Read(decoded);
        return decoded;
    }

    private object?[] BufferedValuesForTests()
    {
        var values = new object?[_valueCount];
        for (var i = 0; i < _valueCount; i++)
        {
            values[i] = _type switch
            {
                PhysicalType.Boolean => _booleans[i],
                PhysicalType.Int32 => _int32s[i],
                PhysicalType.Int64 => _int64s[i],
                PhysicalType.Float => _floats[i],
                PhysicalType.Double => _doubles[i],
                _ => Column.Node.LogicalType?.Kind == LogicalTypeKind.String
                    ? System.Text.Encoding.UTF8.GetString(_byteData, _byteOffsets[i], _byteOffsets[i + 1] - _byteOffsets[i])
                    : _byteData.AsSpan(_byteOffsets[i], _byteOffsets[i + 1] - _byteOffsets[i]).ToArray(),
            };
        }
        return values;
    }
}

/// <summary>A snapshot of a column writer's unflushed page (tests).</summary>
internal sealed record BufferedPage(short[] DefinitionLevels, short[] RepetitionLevels, object?[] Values);
