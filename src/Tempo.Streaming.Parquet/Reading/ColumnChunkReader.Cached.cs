namespace Tempo.Streaming.Parquet;

/// <summary>Row reads over decoded pages from the <see cref="PageCache"/>: only the wanted rows' entries are decoded.</summary>
public sealed partial class ColumnChunkReader
{
    private readonly DecodedDataPage[]? _decodedPages;
    private int _decodedPageCursor;
    private int _skipInDecodedPage;  // rows of the next decoded page in front of the wanted ones (first page only)
    private long _rowsToDecode;      // wanted rows not yet appended to the pending entries

    /// <summary>
    /// A reader handing out <paramref name="rowCount"/> rows that start <paramref name="skipInFirstPage"/> rows into the
    /// first of <paramref name="pages"/> (consecutive data pages of the chunk, located with the offset index).
    /// </summary>
    internal ColumnChunkReader(ColumnChunkInfo info, DecodedDataPage[] pages, int skipInFirstPage, long rowCount, int rowGroup, ColumnBatch? dictionary)
    {
        _info = info;
        Column = info.Column;
        _type = Column.Type;
        _maxDefinitionLevel = Column.MaxDefinitionLevel;
        _maxRepetitionLevel = Column.MaxRepetitionLevel;
        _codec = info.Codec;
        _rowGroup = rowGroup;
        _rowCount = rowCount;
        _rowGroupRows = rowCount;
        Dictionary = dictionary;
        _decodedPages = pages;
        _skipInDecodedPage = skipInFirstPage;
        _rowsToDecode = rowCount;
    }

    /// <summary>Appends the wanted rows of the next decoded page to the pending entries.</summary>
    private void DecodeNextDecodedPage()
    {
        var pages = _decodedPages!;
        if (_rowsToDecode == 0 || _decodedPageCursor >= pages.Length)
        {
            _endOfPages = true;
            if (_rowsToDecode > 0) ThrowCorrupt($"the pages located by the offset index end {_rowsToDecode} rows short of the {_rowCount} asked for");
            return;
        }
        var page = pages[_decodedPageCursor++];
        var firstRow = _skipInDecodedPage;
        _skipInDecodedPage = 0;
        if (firstRow > page.Rows) ThrowCorrupt($"the page holds {page.Rows} rows, the offset index puts row {firstRow} of it in it", page.FileOffset);
        var rows = (int)Math.Min(page.Rows - firstRow, _rowsToDecode);
        var firstEntry = page.EntryStart(firstRow);
        var count = page.EntryStart(firstRow + rows) - firstEntry;

        EnsureLevelCapacity(_end + count);
        if (_maxRepetitionLevel > 0)
        {
            _levelDecoder.Reset(page.RepetitionLevelsFrom(firstRow, out var runEntry), Encodings.BitPacking.RequiredBitWidth((ulong)_maxRepetitionLevel));
            _levelDecoder.Skip(firstEntry - runEntry);
            _levelDecoder.Read(_repetitionLevels.AsSpan(_end, count));
        }
        if (_maxDefinitionLevel > 0)
        {
            _levelDecoder.Reset(page.DefinitionLevelsFrom(firstRow, out var runEntry), Encodings.BitPacking.RequiredBitWidth((ulong)_maxDefinitionLevel));
            _levelDecoder.Skip(firstEntry - runEntry);
            _levelDecoder.Read(_definitionLevels.AsSpan(_end, count));
        }
        var valueCount = CheckLevels(count, page.FileOffset);
        var firstValue = page.ValueStart(firstRow);
        if (valueCount != page.ValueStart(firstRow + rows) - firstValue)
            ThrowCorrupt($"the rows' levels define {valueCount} values, the page's index counted {page.ValueStart(firstRow + rows) - firstValue}", page.FileOffset);
        if (page.DecodedValues is { } decoded) AppendDecodedValues(decoded, firstValue, valueCount);
        else DecodeValues(page.Encoding, page.EncodedValues, valueCount, firstValue, page.FileOffset);
        _end += count;
        _valuesSeen += count;
        _rowsToDecode -= rows;
        PagesDecoded++;
        if (_rowsToDecode == 0) _endOfPages = true;
    }

    private void AppendDecodedValues(ColumnBatch decoded, int first, int count)
    {
        EnsureValueCapacity(_valueEnd + count);
        var at = _valueEnd;
        switch (_type)
        {
            case PhysicalType.Boolean: decoded.Booleans.AsSpan(first, count).CopyTo(_booleans.AsSpan(at)); break;
            case PhysicalType.Int32: decoded.Int32s.AsSpan(first, count).CopyTo(_int32s.AsSpan(at)); break;
            case PhysicalType.Int64: decoded.Int64s.AsSpan(first, count).CopyTo(_int64s.AsSpan(at)); break;
            case PhysicalType.Float: decoded.Floats.AsSpan(first, count).CopyTo(_floats.AsSpan(at)); break;
            case PhysicalType.Double: decoded.Doubles.AsSpan(first, count).CopyTo(_doubles.AsSpan(at)); break;
            default:
                var offsets = decoded.ByteOffsets;
                var start = offsets[first];
                var shift = _bytes.Length - start;
                _bytes.Write(decoded.ByteData.AsSpan(start, offsets[first + count] - start));
                for (var i = 1; i <= count; i++) _offsets[at + i] = offsets[first + i] + shift;
                break;
        }
        _valueEnd += count;
    }
}
