using System.Buffers;
using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>Page parsing and decoding (parquet-format README "Data Pages", Encodings.md).</summary>
public sealed partial class ColumnChunkReader
{
    /// <summary>Bounds on what a page header may claim, so a corrupt header cannot make the reader allocate
    /// gigabytes: writers cut pages at about 1 MiB and 20,000–100,000 values.</summary>
    private const int MaxPageEntries = 1 << 24;
    private const int MaxUncompressedPageSize = 1 << 29;

    private readonly CompressionCodec _codec;
    private readonly RleBitPackedHybridDecoder _levelDecoder = new();
    private readonly RleBitPackedHybridDecoder _indexDecoder = new();
    private readonly PlainDecoder _plainDecoder = new();
    private readonly ValueDecoders _valueDecoders = new();
    private byte[] _decompressed = [];
    private int[] _indices = [];
    private int _pageIndexCursor;

    private void TryReadDictionaryPage()
    {
        if (_chunk.Length == 0) return;
        var header = ReadHeader(out var headerLength, out var body);
        if (header.Type != PageType.DictionaryPage) return;
        _position += headerLength + body.Length;
        DecodeDictionary(header, body, _chunkFileOffset);
        ReturnPageBuffer();
    }

    /// <summary>Decodes the next data page into the pending entries (skipping index pages); sets <see cref="_endOfPages"/> at the end.</summary>
    private void DecodeNextPage()
    {
        Compact();
        if (_decodedPages is not null)
        {
            DecodeNextDecodedPage();
            return;
        }
        while (_position < _chunk.Length)
        {
            var pageOffset = _chunkFileOffset + _position;
            var header = ReadHeader(out var headerLength, out var body);
            _position += headerLength + body.Length;
            switch (header.Type)
            {
                case PageType.DataPage:
                    DecodeDataPageV1(header, body, pageOffset);
                    ReturnPageBuffer();
                    PagesDecoded++;
                    return;
                case PageType.DataPageV2:
                    DecodeDataPageV2(header, body, pageOffset);
                    ReturnPageBuffer();
                    PagesDecoded++;
                    return;
                case PageType.DictionaryPage:
                    if (Dictionary is not null) ThrowCorrupt("a second dictionary page", pageOffset);
                    DecodeDictionary(header, body, pageOffset);
                    ReturnPageBuffer();
                    break;
                default:
                    break; // index pages carry nothing a reader needs (parquet-format: "not used")
            }
        }
        _endOfPages = true;
        if (_rowsConsumed + CountPendingRows() < _rowCount)
            ThrowCorrupt($"the pages end after {_valuesSeen} entries, short of the row group's {_rowCount} rows");
    }

    private long CountPendingRows()
    {
        if (_maxRepetitionLevel == 0) return _end - _head;
        return _repetitionLevels.AsSpan(_head, _end - _head).Count((short)0);
    }

    /// <summary>Skips the next data page without decompressing it when its row count is known and all of it is to be skipped.</summary>
    private bool TrySkipWholePage(long rows, out long skipped)
    {
        skipped = 0;
        if (_position >= _chunk.Length) return false;
        var pageOffset = _chunkFileOffset + _position;
        var header = ReadHeader(out var headerLength, out var body);
        long rowsInPage = -1;
        if (header.Type == PageType.DataPageV2)
        {
            // v2 pages start on row boundaries (parquet.thrift DataPageHeaderV2.num_rows)
            rowsInPage = header.DataPageHeaderV2!.NumRows;
        }
        else if (header.Type == PageType.DataPage && _pageIndex is not null)
        {
            rowsInPage = RowsInIndexedPage(pageOffset);
        }
        if (rowsInPage < 0 || rowsInPage > rows) return false;
        _position += headerLength + body.Length;
        _valuesSeen += header.Type == PageType.DataPageV2 ? header.DataPageHeaderV2!.NumValues : header.DataPageHeader!.NumValues;
        PagesSkipped++;
        skipped = rowsInPage;
        return true;
    }

    /// <summary>Rows of the page at <paramref name="pageOffset"/> from the offset index (first row of the next page minus its own).</summary>
    private long RowsInIndexedPage(long pageOffset)
    {
        var pages = _pageIndex!.Pages;
        while (_pageIndexCursor < pages.Count && pages[_pageIndexCursor].Offset < pageOffset) _pageIndexCursor++;
        if (_pageIndexCursor >= pages.Count || pages[_pageIndexCursor].Offset != pageOffset) return -1;
        var first = pages[_pageIndexCursor].FirstRowIndex;
        var next = _pageIndexCursor + 1 < pages.Count ? pages[_pageIndexCursor + 1].FirstRowIndex : _rowGroupRows;
        return next - first;
    }

    private PageHeader ReadHeader(out int headerLength, out ReadOnlyMemory<byte> body)
    {
        var pageOffset = _chunkFileOffset + _position;
        PageHeader header;
        try
        {
            header = PageHeader.Read(_chunk.Span[_position..], out headerLength);
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException($"column '{Column.DottedPath}' in row group {_rowGroup}, page at offset {pageOffset}: bad page header: {e.Message}", e);
        }
        var remaining = _chunk.Length - _position - headerLength;
        if (header.CompressedPageSize < 0 || header.CompressedPageSize > remaining)
            ThrowCorrupt($"page claims {header.CompressedPageSize} bytes but the chunk has {remaining} left", pageOffset);
        if (header.UncompressedPageSize < 0 || header.UncompressedPageSize > MaxUncompressedPageSize)
            ThrowCorrupt($"page claims an uncompressed size of {header.UncompressedPageSize} bytes", pageOffset);
        body = _chunk.Slice(_position + headerLength, header.CompressedPageSize);
        return header;
    }

    private void DecodeDictionary(PageHeader header, ReadOnlyMemory<byte> body, long pageOffset)
    {
        var dictionaryHeader = header.DictionaryPageHeader ?? ThrowCorrupt<DictionaryPageHeader>("dictionary page without its header", pageOffset);
        if (dictionaryHeader.Encoding is not (Encoding.Plain or Encoding.PlainDictionary))
            ThrowCorrupt($"dictionary page encoding {dictionaryHeader.Encoding} is not PLAIN", pageOffset);
        var count = dictionaryHeader.NumValues;
        if (count < 0 || count > MaxPageEntries) ThrowCorrupt($"dictionary page claims {count} values", pageOffset);
        var data = Decompress(body, header.UncompressedPageSize, pageOffset);
        var dictionary = new ColumnBatch(0) { ValueCount = count };
        _plainDecoder.Reset(data, _type, Column.Node.TypeLength);
        try
        {
            dictionary.DecodeAllValues(_plainDecoder, _type, count, data.Length);
        }
        catch (ParquetFormatException e)
        {
            ThrowCorrupt($"dictionary page: {e.Message}", pageOffset);
        }
        Dictionary = dictionary;
    }

    private void DecodeDataPageV1(PageHeader header, ReadOnlyMemory<byte> body, long pageOffset)
    {
        var dataHeader = header.DataPageHeader ?? ThrowCorrupt<DataPageHeader>("data page without its header", pageOffset);
        var entries = dataHeader.NumValues;
        if (entries < 0 || entries > MaxPageEntries) ThrowCorrupt($"data page claims {entries} values", pageOffset);
        var data = Decompress(body, header.UncompressedPageSize, pageOffset);
        try
        {
            // v1 levels are length-prefixed RLE runs in front of the values (parquet-format "Data Pages").
            var position = 0;
            var repetitionLevels = ReadOnlyMemory<byte>.Empty;
            var definitionLevels = ReadOnlyMemory<byte>.Empty;
            if (_maxRepetitionLevel > 0)
            {
                if (dataHeader.RepetitionLevelEncoding != Encoding.Rle)
                    ThrowCorrupt($"repetition levels use {dataHeader.RepetitionLevelEncoding}, which this reader does not support (only RLE)", pageOffset);
                repetitionLevels = RleBitPackedHybridDecoder.SliceLengthPrefixed(data[position..], out var consumed);
                position += consumed;
            }
            if (_maxDefinitionLevel > 0)
            {
                if (dataHeader.DefinitionLevelEncoding != Encoding.Rle)
                    ThrowCorrupt($"definition levels use {dataHeader.DefinitionLevelEncoding}, which this reader does not support (only RLE)", pageOffset);
                definitionLevels = RleBitPackedHybridDecoder.SliceLengthPrefixed(data[position..], out var consumed);
                position += consumed;
            }
            DecodeEntries(entries, repetitionLevels, definitionLevels, dataHeader.Encoding, data[position..], pageOffset);
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith("column '", StringComparison.Ordinal))
        {
            ThrowCorrupt(e.Message, pageOffset);
        }
    }

    private void DecodeDataPageV2(PageHeader header, ReadOnlyMemory<byte> body, long pageOffset)
    {
        var dataHeader = header.DataPageHeaderV2 ?? ThrowCorrupt<DataPageHeaderV2>("data page v2 without its header", pageOffset);
        var entries = dataHeader.NumValues;
        if (entries < 0 || entries > MaxPageEntries) ThrowCorrupt($"data page claims {entries} values", pageOffset);
        var repetitionLength = dataHeader.RepetitionLevelsByteLength;
        var definitionLength = dataHeader.DefinitionLevelsByteLength;
        if (repetitionLength < 0 || definitionLength < 0 || (long)repetitionLength + definitionLength > body.Length)
            ThrowCorrupt($"level lengths {repetitionLength} + {definitionLength} exceed the page's {body.Length} bytes", pageOffset);
        try
        {
            var valueBytes = body[(repetitionLength + definitionLength)..];
            var uncompressedValues = header.UncompressedPageSize - repetitionLength - definitionLength;
            if (uncompressedValues < 0) ThrowCorrupt($"uncompressed size {header.UncompressedPageSize} is smaller than the levels", pageOffset);
            if (dataHeader.IsCompressed && _codec != CompressionCodec.Uncompressed) valueBytes = Decompress(valueBytes, uncompressedValues, pageOffset);
            DecodeEntries(entries, body[..repetitionLength], body.Slice(repetitionLength, definitionLength), dataHeader.Encoding, valueBytes, pageOffset);
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith("column '", StringComparison.Ordinal))
        {
            ThrowCorrupt(e.Message, pageOffset);
        }
    }

    /// <summary>Appends a page's entries (levels and values) to the pending buffers.</summary>
    private void DecodeEntries(int entries, ReadOnlyMemory<byte> repetitionLevels, ReadOnlyMemory<byte> definitionLevels, Encoding encoding, ReadOnlyMemory<byte> values, long pageOffset)
    {
        EnsureLevelCapacity(_end + entries);
        if (_maxRepetitionLevel > 0)
        {
            _levelDecoder.Reset(repetitionLevels, BitPacking.RequiredBitWidth((ulong)_maxRepetitionLevel));
            _levelDecoder.Read(_repetitionLevels.AsSpan(_end, entries));
        }
        if (_maxDefinitionLevel > 0)
        {
            _levelDecoder.Reset(definitionLevels, BitPacking.RequiredBitWidth((ulong)_maxDefinitionLevel));
            _levelDecoder.Read(_definitionLevels.AsSpan(_end, entries));
        }
        var valueCount = CheckLevels(entries, pageOffset);
        DecodeValues(encoding, values, valueCount, skip: 0, pageOffset);
        _end += entries;
        _valuesSeen += entries;
    }

    /// <summary>Checks the page's levels against the column's maxima and returns how many entries carry a value.</summary>
    private int CheckLevels(int entries, long pageOffset)
    {
        if (_maxRepetitionLevel > 0)
        {
            var repetitions = _repetitionLevels.AsSpan(_end, entries);
            if (repetitions.ContainsAnyExceptInRange((short)0, (short)_maxRepetitionLevel))
                ThrowCorrupt($"a repetition level exceeds the column's maximum {_maxRepetitionLevel}", pageOffset);
            if (_valuesSeen == 0 && entries > 0 && repetitions[0] != 0)
                ThrowCorrupt("the chunk's first entry does not start a row (repetition level is not 0)", pageOffset);
        }
        if (_maxDefinitionLevel == 0) return entries;
        var definitions = _definitionLevels.AsSpan(_end, entries);
        if (definitions.ContainsAnyExceptInRange((short)0, (short)_maxDefinitionLevel))
            ThrowCorrupt($"a definition level exceeds the column's maximum {_maxDefinitionLevel}", pageOffset);
        return definitions.Count((short)_maxDefinitionLevel);
    }

    /// <summary>Decodes <paramref name="count"/> values after skipping the page's first <paramref name="skip"/>.</summary>
    private void DecodeValues(Encoding encoding, ReadOnlyMemory<byte> data, int count, int skip, long pageOffset)
    {
        EnsureValueCapacity(_valueEnd + count);
        switch (encoding)
        {
            case Encoding.Plain:
                _plainDecoder.Reset(data, _type, Column.Node.TypeLength);
                if (skip > 0) _plainDecoder.Skip(skip);
                ReadValues(_plainDecoder, count);
                break;
            case Encoding.PlainDictionary:
            case Encoding.RleDictionary:
                DecodeDictionaryIndices(data, count, skip, pageOffset);
                break;
            case Encoding.Rle when _type == PhysicalType.Boolean:
                // RLE booleans carry the 4-byte length prefix (Encodings.md RLE: "prepended ... for BOOLEAN values").
                _indexDecoder.Reset(RleBitPackedHybridDecoder.SliceLengthPrefixed(data, out _), 1);
                if (skip > 0) _indexDecoder.Skip(skip);
                if (_indices.Length < count) _indices = new int[Math.Max(count, _indices.Length * 2)];
                _indexDecoder.Read(_indices.AsSpan(0, count));
                for (var i = 0; i < count; i++) _booleans[_valueEnd + i] = _indices[i] != 0;
                break;
            default:
                var decoder = _valueDecoders.For(encoding, _type, Column.Node.TypeLength, data)
                    ?? ThrowCorrupt<ValueDecoder>($"encoding {encoding} is not supported for {_type} values", pageOffset);
                if (skip > 0) decoder.Skip(skip);
                ReadValues(decoder, count);
                break;
        }
        _valueEnd += count;
    }

    private void ReadValues(ValueDecoder decoder, int count)
    {
        var at = _valueEnd;
        switch (_type)
        {
            case PhysicalType.Boolean: decoder.ReadBooleans(_booleans.AsSpan(at, count)); break;
            case PhysicalType.Int32: decoder.ReadInt32s(_int32s.AsSpan(at, count)); break;
            case PhysicalType.Int64: decoder.ReadInt64s(_int64s.AsSpan(at, count)); break;
            case PhysicalType.Float: decoder.ReadFloats(_floats.AsSpan(at, count)); break;
            case PhysicalType.Double: decoder.ReadDoubles(_doubles.AsSpan(at, count)); break;
            default: decoder.ReadByteArrays(_offsets.AsSpan(at + 1, count), _bytes); break;
        }
    }

    private void DecodeDictionaryIndices(ReadOnlyMemory<byte> data, int count, int skip, long pageOffset)
    {
        var dictionary = Dictionary ?? ThrowCorrupt<ColumnBatch>("dictionary-encoded page but the chunk has no dictionary page", pageOffset);
        if (_indices.Length < count) _indices = new int[Math.Max(count, _indices.Length * 2)];
        var indices = _indices.AsSpan(0, count);
        if (count > 0)
        {
            _indexDecoder.ResetDictionaryIndices(data);
            if (skip > 0) _indexDecoder.Skip(skip);
            _indexDecoder.Read(indices);
        }
        var size = dictionary.ValueCount;
        foreach (var index in indices)
        {
            if ((uint)index >= (uint)size) ThrowCorrupt($"dictionary index {index} is outside the {size}-entry dictionary", pageOffset);
        }
        var at = _valueEnd;
        switch (_type)
        {
            case PhysicalType.Boolean: for (var i = 0; i < count; i++) _booleans[at + i] = dictionary.Booleans[indices[i]]; break;
            case PhysicalType.Int32: for (var i = 0; i < count; i++) _int32s[at + i] = dictionary.Int32s[indices[i]]; break;
            case PhysicalType.Int64: for (var i = 0; i < count; i++) _int64s[at + i] = dictionary.Int64s[indices[i]]; break;
            case PhysicalType.Float: for (var i = 0; i < count; i++) _floats[at + i] = dictionary.Floats[indices[i]]; break;
            case PhysicalType.Double: for (var i = 0; i < count; i++) _doubles[at + i] = dictionary.Doubles[indices[i]]; break;
            default:
                var source = dictionary.ByteData;
                var sourceOffsets = dictionary.ByteOffsets;
                for (var i = 0; i < count; i++)
                {
                    var index = indices[i];
                    _bytes.Write(source.AsSpan(sourceOffsets[index], sourceOffsets[index + 1] - sourceOffsets[index]));
                    _offsets[at + i + 1] = _bytes.Length;
                }
                break;
        }
    }

    private ReadOnlyMemory<byte> Decompress(ReadOnlyMemory<byte> body, int uncompressedSize, long pageOffset)
    {
        if (_codec == CompressionCodec.Uncompressed)
        {
            if (body.Length != uncompressedSize)
                ThrowCorrupt($"an uncompressed page of {body.Length} bytes claims {uncompressedSize}", pageOffset);
            return body;
        }
        if (_decompressed.Length < uncompressedSize)
        {
            ReturnPageBuffer();
            _decompressed = ArrayPool<byte>.Shared.Rent(uncompressedSize);
        }
        var destination = _decompressed.AsMemory(0, uncompressedSize);
        try
        {
            PageCompressor.Decompress(_codec, body.Span, destination.Span, Column.DottedPath);
        }
        catch (ParquetFormatException e)
        {
            ThrowCorrupt(e.Message, pageOffset);
        }
        return destination;
    }

    /// <summary>
    /// Gives the decompression buffer back once a page is decoded (its values are copied out by then): row reads open
    /// a reader per column per lookup, and a fresh page-sized buffer for each would be most of what a lookup allocates.
    /// </summary>
    private void ReturnPageBuffer()
    {
        if (_decompressed.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_decompressed);
        _decompressed = [];
    }

    /// <summary>Moves the pending entries to the front of the buffers before a page is appended.</summary>
    private void Compact()
    {
        if (_head == 0 && _valueHead == 0) return;
        var entries = _end - _head;
        if (_maxDefinitionLevel > 0) _definitionLevels.AsSpan(_head, entries).CopyTo(_definitionLevels);
        if (_maxRepetitionLevel > 0) _repetitionLevels.AsSpan(_head, entries).CopyTo(_repetitionLevels);
        _head = 0;
        _end = entries;
        var values = _valueEnd - _valueHead;
        switch (_type)
        {
            case PhysicalType.Boolean: _booleans.AsSpan(_valueHead, values).CopyTo(_booleans); break;
            case PhysicalType.Int32: _int32s.AsSpan(_valueHead, values).CopyTo(_int32s); break;
            case PhysicalType.Int64: _int64s.AsSpan(_valueHead, values).CopyTo(_int64s); break;
            case PhysicalType.Float: _floats.AsSpan(_valueHead, values).CopyTo(_floats); break;
            case PhysicalType.Double: _doubles.AsSpan(_valueHead, values).CopyTo(_doubles); break;
            default:
                var start = _offsets[_valueHead];
                var length = _offsets[_valueEnd] - start;
                var buffer = _bytes.GetBuffer();
                buffer.AsSpan(start, length).CopyTo(buffer);
                _bytes.Truncate(length);
                for (var i = 0; i <= values; i++) _offsets[i] = _offsets[_valueHead + i] - start;
                break;
        }
        _valueHead = 0;
        _valueEnd = values;
    }

    private void EnsureLevelCapacity(int needed)
    {
        if (needed <= _definitionLevels.Length) return;
        var size = Math.Max(needed, _definitionLevels.Length * 2);
        Array.Resize(ref _definitionLevels, size);
        Array.Resize(ref _repetitionLevels, size);
    }

    private void EnsureValueCapacity(int needed)
    {
        switch (_type)
        {
            case PhysicalType.Boolean: if (_booleans.Length < needed) Array.Resize(ref _booleans, Math.Max(needed, _booleans.Length * 2)); break;
            case PhysicalType.Int32: if (_int32s.Length < needed) Array.Resize(ref _int32s, Math.Max(needed, _int32s.Length * 2)); break;
            case PhysicalType.Int64: if (_int64s.Length < needed) Array.Resize(ref _int64s, Math.Max(needed, _int64s.Length * 2)); break;
            case PhysicalType.Float: if (_floats.Length < needed) Array.Resize(ref _floats, Math.Max(needed, _floats.Length * 2)); break;
            case PhysicalType.Double: if (_doubles.Length < needed) Array.Resize(ref _doubles, Math.Max(needed, _doubles.Length * 2)); break;
            default: if (_offsets.Length < needed + 1) Array.Resize(ref _offsets, Math.Max(needed + 1, _offsets.Length * 2)); break;
        }
    }

    private T ThrowCorrupt<T>(string what, long pageOffset)
    {
        ThrowCorrupt(what, pageOffset);
        return default!;
    }
}
