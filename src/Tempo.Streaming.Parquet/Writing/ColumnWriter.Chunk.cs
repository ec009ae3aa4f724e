using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>Writing a finished column chunk: dictionary page, data pages, column metadata and page index.</summary>
public sealed partial class ColumnWriter
{
    /// <summary>What the file writer needs to record a written chunk.</summary>
    internal sealed record ChunkWriteResult(ColumnChunk Chunk, ColumnIndex? ColumnIndex, OffsetIndex? OffsetIndex, long CompressedSize, long UncompressedSize);

    /// <summary>
    /// Flushes the last page and writes the chunk at <paramref name="fileOffset"/> (the output's position): the
    /// dictionary page first when the chunk used one (Parquet requires it before the data pages), then the pages.
    /// </summary>
    internal ChunkWriteResult WriteChunk(Stream output, long fileOffset)
    {
        FlushPage();
        var position = fileOffset;
        long? dictionaryPageOffset = null;
        var uncompressed = _chunkUncompressedBytes;
        if (_dictionaryEntriesUsed > 0)
        {
            var body = _pageBody;
            body.Clear();
            _dictionary!.WritePlain(_dictionaryEntriesUsed, body);
            _compressed.Clear();
            _compressor.Compress(body.WrittenSpan, _compressed);
            var header = new PageHeader
            {
                Type = PageType.DictionaryPage,
                UncompressedPageSize = body.Length,
                CompressedPageSize = _compressed.Length,
                // PLAIN: the dictionary page encoding of format 2.0 files (PLAIN_DICTIONARY is the deprecated spelling).
                DictionaryPageHeader = new DictionaryPageHeader { NumValues = _dictionaryEntriesUsed, Encoding = Encoding.Plain },
            };
            _header.Clear();
            header.Write(_headerWriter);
            output.Write(_header.WrittenSpan);
            output.Write(_compressed.WrittenSpan);
            dictionaryPageOffset = position;
            position += _header.Length + _compressed.Length;
            uncompressed += _header.Length + body.Length;
            _dictionaryPages = 1;
        }
        var dataPageOffset = position;
        output.Write(_chunk.WrittenSpan);
        position += _chunk.Length;
        var compressedSize = position - fileOffset;

        var metadata = new ColumnMetaData
        {
            Type = _type,
            Encodings = ChunkEncodings(),
            PathInSchema = [.. Column.Path],
            Codec = _settings.Compression,
            NumValues = _chunkEntryCount,
            TotalUncompressedSize = uncompressed,
            TotalCompressedSize = compressedSize,
            DataPageOffset = dataPageOffset,
            DictionaryPageOffset = dictionaryPageOffset,
            Statistics = _settings.WriteStatistics ? ToThrift(_chunkStatistics) : null,
            EncodingStats = EncodingStats(),
        };
        var chunk = new ColumnChunk { FileOffset = fileOffset, MetaData = metadata };
        OffsetIndex? offsetIndex = null;
        ColumnIndex? columnIndex = null;
        if (_settings.WritePageIndex)
        {
            offsetIndex = BuildOffsetIndex(dataPageOffset);
            columnIndex = BuildColumnIndex();
        }
        return new ChunkWriteResult(chunk, columnIndex, offsetIndex, compressedSize, uncompressed);
    }

    /// <summary>Forgets the written chunk; buffers and the dictionary's capacity are kept for the next row group.</summary>
    internal void ResetChunk()
    {
        ResetPageBuffer();
        _chunk.Clear();
        _pages.Clear();
        _chunkStatistics.Reset();
        _dictionary?.Clear();
        _dictionaryState = _dictionary is null ? DictionaryState.Off : DictionaryState.Active;
        _dictionaryEntriesUsed = 0;
        _dictionaryPages = _dictionaryDataPages = _plainDataPages = _deltaDataPages = 0;
        _chunkUncompressedBytes = 0;
        _chunkRowCount = 0;
        _chunkEntryCount = 0;
        _pageFirstRow = 0;
    }

    private List<Encoding> ChunkEncodings()
    {
        var encodings = new List<Encoding>(4);
        if (_dictionaryPages > 0 || _plainDataPages > 0) encodings.Add(Encoding.Plain);
        // levels are RLE-hybrid encoded (v1 and v2) whenever the column has any
        if (_maxDefinitionLevel > 0 || _maxRepetitionLevel > 0) encodings.Add(Encoding.Rle);
        if (_dictionaryDataPages > 0) encodings.Add(Encoding.RleDictionary);
        if (_deltaDataPages > 0) encodings.Add(ValueEncoders.ToFormat(_settings.Encoding));
        return encodings;
    }

    private List<PageEncodingStats> EncodingStats()
    {
        var dataPageType = _settings.PageVersion == DataPageVersion.V1 ? PageType.DataPage : PageType.DataPageV2;
        var stats = new List<PageEncodingStats>(3);
        if (_dictionaryPages > 0) stats.Add(new PageEncodingStats { PageType = PageType.DictionaryPage, Encoding = Encoding.Plain, Count = _dictionaryPages });
        if (_dictionaryDataPages > 0) stats.Add(new PageEncodingStats { PageType = dataPageType, Encoding = Encoding.RleDictionary, Count = _dictionaryDataPages });
        if (_plainDataPages > 0) stats.Add(new PageEncodingStats { PageType = dataPageType, Encoding = Encoding.Plain, Count = _plainDataPages });
        if (_deltaDataPages > 0) stats.Add(new PageEncodingStats { PageType = dataPageType, Encoding = ValueEncoders.ToFormat(_settings.Encoding), Count = _deltaDataPages });
        return stats;
    }

    private OffsetIndex BuildOffsetIndex(long dataPageOffset)
    {
        var locations = new List<PageLocation>(_pages.Count);
        foreach (var page in _pages)
        {
            locations.Add(new PageLocation(dataPageOffset + page.Offset, page.Length, page.FirstRow));
        }
        return new OffsetIndex { PageLocations = locations };
    }

    /// <summary>
    /// The ColumnIndex (parquet-format PageIndex.md): per page whether it holds only nulls, its bounds (empty for null
    /// pages) and null count, and whether the bounds are sorted across pages. Left out when a page with values has no
    /// bounds (only NaN floats): the lists must cover every page.
    /// </summary>
    private ColumnIndex? BuildColumnIndex()
    {
        var nullPages = new List<bool>(_pages.Count);
        var mins = new List<byte[]>(_pages.Count);
        var maxes = new List<byte[]>(_pages.Count);
        var nullCounts = new List<long>(_pages.Count);
        var ascending = true;
        var descending = true;
        byte[]? previousMin = null, previousMax = null;
        foreach (var page in _pages)
        {
            var allNull = page.NullCount == page.EntryCount;
            if (!allNull && page.Min is null) return null;
            nullPages.Add(allNull);
            mins.Add(allNull ? [] : page.Min!);
            maxes.Add(allNull ? [] : page.Max!);
            nullCounts.Add(page.NullCount);
            if (allNull) continue;
            if (previousMin is not null)
            {
                var minOrder = StatisticsOrder.Compare(_type, _unsigned, previousMin, page.Min!);
                var maxOrder = StatisticsOrder.Compare(_type, _unsigned, previousMax!, page.Max!);
                if (minOrder > 0 || maxOrder > 0) ascending = false;
                if (minOrder < 0 || maxOrder < 0) descending = false;
            }
            previousMin = page.Min;
            previousMax = page.Max;
        }
        return new ColumnIndex
        {
            NullPages = nullPages,
            MinValues = mins,
            MaxValues = maxes,
            BoundaryOrder = ascending ? BoundaryOrder.Ascending : descending ? BoundaryOrder.Descending : BoundaryOrder.Unordered,
            NullCounts = nullCounts,
        };
    }
}
