using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>Page encoding: levels, value encodings, statistics, compression, page headers (parquet-format README "Data Pages").</summary>
public sealed partial class ColumnWriter
{
    private enum DictionaryState { Off, Active, FellBack }

    private readonly ColumnChunkSettings _settings;
    private readonly bool _unsigned;
    private readonly PageCompressor _compressor;

    private readonly ByteBuffer _pageBody = new(4096, pooled: true);   // v1: levels + values; v2: values
    private readonly ByteBuffer _levels = new(256, pooled: true);      // v2 levels (stored uncompressed)
    private readonly ByteBuffer _compressed = new(4096, pooled: true);
    private readonly ByteBuffer _header = new(128, pooled: true);
    private readonly ByteBuffer _chunk = new(4096, pooled: true);      // the data pages of the chunk, headers included
    private readonly Thrift.ThriftCompactWriter _headerWriter;

    private readonly ColumnDictionary? _dictionary;
    private DictionaryState _dictionaryState;
    private int _dictionaryEntriesUsed;
    private int[] _indices = [];
    private int[] _seenEntries = [];   // per dictionary entry: the page stamp that last compared it (page bounds)
    private int _seenStamp;

    private readonly PageStatistics _pageStatistics = new();
    private readonly PageStatistics _chunkStatistics = new();
    private readonly List<WrittenPage> _pages = [];
    private long _chunkUncompressedBytes;
    private long _pageFirstRow;
    private int _dictionaryPages;
    private int _dictionaryDataPages;
    private int _plainDataPages;
    private int _deltaDataPages;

    /// <summary>Where a data page went in the chunk buffer and what the page index says about it.</summary>
    internal readonly record struct WrittenPage(int Offset, int Length, long FirstRow, long NullCount, int EntryCount, byte[]? Min, byte[]? Max);

    /// <summary>Encodes the buffered page into the chunk buffer. Called before a row when the page is full, and at Complete.</summary>
    private void FlushPage()
    {
        if (_entryCount == 0) return;
        var nullCount = _entryCount - _valueCount;
        var statistics = _pageStatistics;
        statistics.Reset();
        statistics.NullCount = nullCount;
        var withStatistics = _settings.WriteStatistics || _settings.WritePageIndex;
        // Byte arrays headed for the dictionary get their bounds from the distinct entries the page uses, once the
        // indices are known (ComputeDictionaryMinMax); string compares per value were ~2% of a block write.
        var boundsFromDictionary = withStatistics && _dictionaryState == DictionaryState.Active
            && _type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray;
        if (withStatistics && !boundsFromDictionary) ComputeMinMax(statistics);

        var encoding = EncodeValues(out var values);
        if (boundsFromDictionary)
        {
            if (encoding == Encoding.RleDictionary) ComputeDictionaryMinMax(statistics);
            else ComputeMinMax(statistics);
        }
        var pageOffset = _chunk.Length;
        if (_settings.PageVersion == DataPageVersion.V1) WriteV1(encoding, values, statistics);
        else WriteV2(encoding, values, statistics, nullCount);

        _pages.Add(new WrittenPage(pageOffset, _chunk.Length - pageOffset, _pageFirstRow, nullCount, _entryCount, statistics.Min, statistics.Max));
        statistics.MergeInto(_chunkStatistics, _type, _unsigned);
        _pageFirstRow += _pageRowCount;
        ResetPageBuffer();
    }

    private void ComputeMinMax(PageStatistics statistics)
    {
        switch (_type)
        {
            case PhysicalType.Boolean: statistics.ComputeBooleans(_booleans.AsSpan(0, _valueCount)); break;
            case PhysicalType.Int32: statistics.ComputeInt32s(_int32s.AsSpan(0, _valueCount), _unsigned); break;
            case PhysicalType.Int64: statistics.ComputeInt64s(_int64s.AsSpan(0, _valueCount), _unsigned); break;
            case PhysicalType.Float: statistics.ComputeFloats(_floats.AsSpan(0, _valueCount)); break;
            case PhysicalType.Double: statistics.ComputeDoubles(_doubles.AsSpan(0, _valueCount)); break;
            default: statistics.ComputeByteArrays(_byteData, _byteOffsets, _valueCount); break;
        }
    }

    private void ComputeDictionaryMinMax(PageStatistics statistics)
    {
        var dictionary = _dictionary!;
        if (_seenEntries.Length < dictionary.Count)
        {
            // Stamps of a regrown array start over: cleared, and the first stamp after that is 1.
            _seenEntries = Regrow(_seenEntries, Math.Max(dictionary.Count, _seenEntries.Length * 2), 0);
            Array.Clear(_seenEntries);
            _seenStamp = 0;
        }
        if (++_seenStamp == int.MaxValue)
        {
            Array.Clear(_seenEntries);
            _seenStamp = 1;
        }
        statistics.ComputeDictionaryByteArrays(dictionary, _indices.AsSpan(0, _valueCount), _seenEntries, _seenStamp);
    }

    /// <summary>Encodes the page's values into <see cref="_compressed"/>-independent scratch and returns the encoding used.</summary>
    private Encoding EncodeValues(out ByteBuffer values)
    {
        values = _valueScratch;
        values.Clear();
        if (_dictionaryState == DictionaryState.Active && TryDictionaryEncode(values))
        {
            AdaptPageLimit(values.Length);
            return Encoding.RleDictionary;
        }
        var encoding = EncodeWithoutDictionary(values);
        AdaptPageLimit(values.Length);
        return encoding;
    }

    private Encoding EncodeWithoutDictionary(ByteBuffer values)
    {
        var count = _valueCount;
        switch (_settings.Encoding)
        {
            case ColumnEncoding.DeltaBinaryPacked:
                ValueEncoders.WriteDeltaBinaryPacked(_type, _int32s.AsSpan(0, _type == PhysicalType.Int32 ? count : 0), _int64s.AsSpan(0, _type == PhysicalType.Int64 ? count : 0), values);
                return Encoding.DeltaBinaryPacked;
            case ColumnEncoding.DeltaLengthByteArray:
                ValueEncoders.WriteDeltaLengthByteArray(_byteData, _byteOffsets.AsSpan(0, count + 1), values);
                return Encoding.DeltaLengthByteArray;
            case ColumnEncoding.DeltaByteArray:
                // FIXED_LEN_BYTE_ARRAY values sit in the same offset-indexed buffer, so one encoder serves both types.
                ValueEncoders.WriteDeltaByteArray(_byteData, _byteOffsets.AsSpan(0, count + 1), values);
                return Encoding.DeltaByteArray;
            case ColumnEncoding.ByteStreamSplit:
                WriteByteStreamSplitValues(values);
                return Encoding.ByteStreamSplit;
            default:
                WritePlainValues(values);
                return Encoding.Plain;
        }
    }

    private readonly ByteBuffer _valueScratch = new(4096, pooled: true);
    private ByteBuffer? _plainScratch;

    /// <summary>A page holds at most this many times <see cref="ParquetWriterOptions.DataPageSize"/> of PLAIN value bytes,
    /// however well its encoding shrinks them, so a reader never decodes an unbounded number of values for one row.</summary>
    private const int MaxPlainBytesPerPageLimit = 16;

    /// <summary>
    /// With <see cref="ParquetWriterOptions.LimitEncodedPageSize"/> the page size limits a page's ENCODED value bytes
    /// (parquet-mr and Arrow measure the encoded page too). The buffer only counts PLAIN bytes as values arrive, so the limit it compares against is
    /// scaled by the encoded/plain ratio of the page just written: dictionary indices of a 20-byte string column are
    /// ~1 byte, and cutting such pages at 128 KiB of plain bytes made 10× more pages and cost 3 B/span on the shop
    /// workload (every page restarts compression, its index runs and its levels).
    /// </summary>
    private void AdaptPageLimit(int encodedBytes)
    {
        if (!_settings.LimitEncodedPageSize || _pageValueBytes == 0) return;
        var limit = (double)_settings.DataPageSize * _pageValueBytes / Math.Max(encodedBytes, 1);
        _pageSizeLimit = (int)Math.Clamp(limit, 1, (double)_settings.DataPageSize * MaxPlainBytesPerPageLimit);
    }

    private void WritePlainValues(ByteBuffer output)
    {
        switch (_type)
        {
            case PhysicalType.Boolean: PlainEncoder.WriteBooleans(_booleans.AsSpan(0, _valueCount), output); break;
            case PhysicalType.Int32: PlainEncoder.WriteInt32s(_int32s.AsSpan(0, _valueCount), output); break;
            case PhysicalType.Int64: PlainEncoder.WriteInt64s(_int64s.AsSpan(0, _valueCount), output); break;
            case PhysicalType.Float: PlainEncoder.WriteFloats(_floats.AsSpan(0, _valueCount), output); break;
            case PhysicalType.Double: PlainEncoder.WriteDoubles(_doubles.AsSpan(0, _valueCount), output); break;
            case PhysicalType.FixedLenByteArray: output.Write(_byteData.AsSpan(0, _byteOffsets[_valueCount])); break;
            default: PlainEncoder.WriteByteArrays(_byteData, _byteOffsets.AsSpan(0, _valueCount + 1), output); break;
        }
    }

    /// <summary>
    /// BYTE_STREAM_SPLIT splits the PLAIN (little-endian) form of the values. On a little-endian machine the typed
    /// page arrays already are that form, so they are split in place; otherwise PLAIN is written to scratch first.
    /// </summary>
    private void WriteByteStreamSplitValues(ByteBuffer output)
    {
        var count = _valueCount;
        var width = _type switch
        {
            PhysicalType.Int32 or PhysicalType.Float => 4,
            PhysicalType.Int64 or PhysicalType.Double => 8,
            _ => _fixedLength,
        };
        ReadOnlySpan<byte> plain;
        if (_type == PhysicalType.FixedLenByteArray)
        {
            plain = _byteData.AsSpan(0, _byteOffsets[count]);
        }
        else if (BitConverter.IsLittleEndian)
        {
            plain = _type switch
            {
                PhysicalType.Int32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(_int32s.AsSpan(0, count)),
                PhysicalType.Int64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(_int64s.AsSpan(0, count)),
                PhysicalType.Float => System.Runtime.InteropServices.MemoryMarshal.AsBytes(_floats.AsSpan(0, count)),
                _ => System.Runtime.InteropServices.MemoryMarshal.AsBytes(_doubles.AsSpan(0, count)),
            };
        }
        else
        {
            var scratch = _plainScratch ??= new ByteBuffer(4096, pooled: true);
            scratch.Clear();
            WritePlainValues(scratch);
            plain = scratch.WrittenSpan;
        }
        ValueEncoders.WriteByteStreamSplit(plain, width, output);
    }

    /// <summary>
    /// Maps the page's values to dictionary indices. Falls back to PLAIN for this page and the rest of the chunk when
    /// the dictionary outgrows <see cref="ParquetWriterOptions.DictionaryPageSizeLimit"/>, or when after the first page
    /// dictionary + indices are not smaller than PLAIN (parquet-mr's "compression satisfying" check: unique values such
    /// as span IDs gain nothing from a dictionary).
    /// </summary>
    private bool TryDictionaryEncode(ByteBuffer output)
    {
        // A page without values (all nulls, empty lists) before any dictionary entry exists is written PLAIN: marking
        // it RLE_DICTIONARY would promise a dictionary page the chunk never gets when no later page has a value, and
        // other readers (DuckDB) reject such a chunk as "missing dictionary".
        if (_valueCount == 0 && _dictionaryEntriesUsed == 0) return false;
        var dictionary = _dictionary!;
        if (_indices.Length < _valueCount) _indices = Regrow(_indices, Math.Max(_valueCount, _indices.Length * 2), 0);
        var indices = _indices;
        var count = _valueCount;
        switch (_type)
        {
            case PhysicalType.Int32:
                var ints = _int32s;
                for (var i = 0; i < count; i++) indices[i] = dictionary.AddNumber(ints[i]);
                break;
            case PhysicalType.Int64:
                var longs = _int64s;
                for (var i = 0; i < count; i++) indices[i] = dictionary.AddNumber(longs[i]);
                break;
            case PhysicalType.Float:
                var floats = _floats;
                for (var i = 0; i < count; i++) indices[i] = dictionary.AddNumber(BitConverter.SingleToInt32Bits(floats[i]));
                break;
            case PhysicalType.Double:
                var doubles = _doubles;
                for (var i = 0; i < count; i++) indices[i] = dictionary.AddNumber(BitConverter.DoubleToInt64Bits(doubles[i]));
                break;
            default:
                var data = _byteData;
                var offsets = _byteOffsets;
                for (var i = 0; i < count; i++) indices[i] = dictionary.AddBytes(data.AsSpan(offsets[i], offsets[i + 1] - offsets[i]));
                break;
        }

        if (dictionary.PlainSize > _settings.DictionaryPageSizeLimit)
        {
            _dictionaryState = DictionaryState.FellBack;
            return false;
        }
        WriteDictionaryIndices(indices.AsSpan(0, count), dictionary.Count, output);
        if (_dictionaryEntriesUsed == 0 && _pages.Count == 0 && output.Length + dictionary.PlainSize >= _pageValueBytes && count > 0)
        {
            output.Clear();
            _dictionaryState = DictionaryState.FellBack;
            return false;
        }
        _dictionaryEntriesUsed = dictionary.Count;
        return true;
    }

    /// <summary>
    /// Dictionary indices: one byte with the bit width, then the RLE/bit-packed hybrid. The width only has to be large
    /// enough (readers take it from that byte), so with <see cref="ParquetWriterOptions.ByteAlignedDictionaryIndices"/>
    /// a width of 4+ bits is rounded up to whole bytes: repeated index sequences (the same attributes in every span
    /// of a kind) then stay byte-aligned and zstd finds them — 0.9 B/span less on the shop workload. Below 4 bits
    /// (enums, value types) the RLE runs and 8-per-byte packing already win.
    /// </summary>
    private void WriteDictionaryIndices(ReadOnlySpan<int> indices, int dictionarySize, ByteBuffer output)
    {
        var width = Encodings.BitPacking.RequiredBitWidth((ulong)Math.Max(dictionarySize - 1, 0));
        if (_settings.ByteAlignedDictionaryIndices && width >= 4) width = (width + 7) & ~7;
        output.WriteByte((byte)width);
        RleBitPackedHybridEncoder.Encode(indices, width, output);
    }

    private void WriteLevels(ByteBuffer output, bool lengthPrefixed)
    {
        if (_repetitionLevels is not null) WriteLevelRuns(_repetitionLevels, output, lengthPrefixed);
        var repetitionLength = output.Length;
        if (_definitionLevels is not null) WriteLevelRuns(_definitionLevels, output, lengthPrefixed);
        _lastRepetitionLevelsLength = repetitionLength;
        _lastDefinitionLevelsLength = output.Length - repetitionLength;
    }

    /// <summary>The page's levels as encoded while they arrived; v1 pages prefix them with their 4-byte length.</summary>
    private static void WriteLevelRuns(LevelRunEncoder levels, ByteBuffer output, bool lengthPrefixed)
    {
        if (!lengthPrefixed)
        {
            levels.WriteTo(output);
            return;
        }
        var lengthAt = output.Length;
        output.WriteInt32LittleEndian(0);
        levels.WriteTo(output);
        output.WriteInt32LittleEndianAt(lengthAt, output.Length - lengthAt - 4);
    }

    private int _lastRepetitionLevelsLength;
    private int _lastDefinitionLevelsLength;

    private void WriteV1(Encoding encoding, ByteBuffer values, PageStatistics statistics)
    {
        var body = _pageBody;
        body.Clear();
        WriteLevels(body, lengthPrefixed: true);
        body.Write(values.WrittenSpan);
        _compressed.Clear();
        _compressor.Compress(body.WrittenSpan, _compressed);

        var header = new PageHeader
        {
            Type = PageType.DataPage,
            UncompressedPageSize = body.Length,
            CompressedPageSize = _compressed.Length,
            DataPageHeader = new DataPageHeader
            {
                NumValues = _entryCount,
                Encoding = encoding,
                DefinitionLevelEncoding = Encoding.Rle,
                RepetitionLevelEncoding = Encoding.Rle,
                Statistics = _settings.WriteStatistics ? ToThrift(statistics) : null,
            },
        };
        AppendPage(header, _compressed.WrittenSpan, ReadOnlySpan<byte>.Empty, body.Length);
        CountDataPage(encoding);
    }

    private void WriteV2(Encoding encoding, ByteBuffer values, PageStatistics statistics, int nullCount)
    {
        _levels.Clear();
        WriteLevels(_levels, lengthPrefixed: false);
        _compressed.Clear();
        var compressed = _settings.Compression != CompressionCodec.Uncompressed;
        if (compressed) _compressor.Compress(values.WrittenSpan, _compressed);
        var valueBytes = compressed ? _compressed.WrittenSpan : values.WrittenSpan;

        var header = new PageHeader
        {
            Type = PageType.DataPageV2,
            UncompressedPageSize = _levels.Length + values.Length,
            CompressedPageSize = _levels.Length + valueBytes.Length,
            DataPageHeaderV2 = new DataPageHeaderV2
            {
                NumValues = _entryCount,
                NumNulls = nullCount,
                NumRows = _pageRowCount,
                Encoding = encoding,
                DefinitionLevelsByteLength = _lastDefinitionLevelsLength,
                RepetitionLevelsByteLength = _lastRepetitionLevelsLength,
                IsCompressed = compressed,
                Statistics = _settings.WriteStatistics ? ToThrift(statistics) : null,
            },
        };
        AppendPage(header, _levels.WrittenSpan, valueBytes, _levels.Length + values.Length);
        CountDataPage(encoding);
    }

    private void AppendPage(PageHeader header, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int uncompressedBodyLength)
    {
        _header.Clear();
        header.Write(_headerWriter);
        _chunk.Write(_header.WrittenSpan);
        _chunk.Write(first);
        _chunk.Write(second);
        _chunkUncompressedBytes += _header.Length + uncompressedBodyLength;
    }

    private void CountDataPage(Encoding encoding)
    {
        switch (encoding)
        {
            case Encoding.RleDictionary: _dictionaryDataPages++; break;
            case Encoding.Plain: _plainDataPages++; break;
            // every other data page of a chunk uses the column's one configured non-dictionary encoding
            default: _deltaDataPages++; break;
        }
    }

    /// <summary>Statistics as written in page headers and column metadata: exact min_value/max_value only, the legacy
    /// fields only where their signed order agrees.</summary>
    private Statistics ToThrift(PageStatistics statistics)
    {
        var result = new Statistics { NullCount = statistics.NullCount };
        if (statistics.HasMinMax && statistics.Exact)
        {
            result.MinValue = statistics.Min;
            result.MaxValue = statistics.Max;
            if (StatisticsOrder.LegacyOrderAgrees(Column))
            {
                result.Min = statistics.Min;
                result.Max = statistics.Max;
            }
        }
        return result;
    }
}
