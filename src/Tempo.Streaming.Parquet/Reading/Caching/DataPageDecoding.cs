using Tempo.Streaming.Parquet.Encodings;
using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>Turns one fetched data page (header and body, located by the offset index) into a <see cref="DecodedDataPage"/>.</summary>
internal static class DataPageDecoding
{
    /// <summary>Same bounds as the chunk reader: a corrupt header must not make the reader allocate gigabytes.</summary>
    private const int MaxPageEntries = 1 << 24;
    private const int MaxUncompressedPageSize = 1 << 29;

    /// <param name="page">The page's bytes, header first; the cached page copies what it keeps, so this may be a pooled buffer.</param>
    /// <param name="rows">Rows of the page according to the offset index.</param>
    public static DecodedDataPage Decode(ColumnChunkInfo info, int rowGroup, ReadOnlyMemory<byte> page, long pageOffset, int rows)
    {
        var column = info.Column;
        PageHeader header;
        int headerLength;
        try
        {
            header = PageHeader.Read(page.Span, out headerLength);
        }
        catch (ParquetFormatException e)
        {
            throw Corrupt(column, rowGroup, pageOffset, $"bad page header: {e.Message}", e);
        }
        if (header.CompressedPageSize != page.Length - headerLength)
            throw Corrupt(column, rowGroup, pageOffset, $"page claims {header.CompressedPageSize} bytes, the offset index gives it {page.Length - headerLength} after its header");
        if (header.UncompressedPageSize < 0 || header.UncompressedPageSize > MaxUncompressedPageSize)
            throw Corrupt(column, rowGroup, pageOffset, $"page claims an uncompressed size of {header.UncompressedPageSize} bytes");
        var body = page[headerLength..];

        try
        {
            return header.Type switch
            {
                PageType.DataPage => DecodeV1(info, header, body, pageOffset, rows),
                PageType.DataPageV2 => DecodeV2(info, header, body, pageOffset, rows),
                _ => throw new ParquetFormatException($"the offset index lists a data page here, the header says {header.Type}"),
            };
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith("column '", StringComparison.Ordinal))
        {
            throw Corrupt(column, rowGroup, pageOffset, e.Message, e);
        }
    }

    private static DecodedDataPage DecodeV1(ColumnChunkInfo info, PageHeader header, ReadOnlyMemory<byte> body, long pageOffset, int rows)
    {
        var dataHeader = header.DataPageHeader ?? throw new ParquetFormatException("data page without its header");
        var entries = CheckEntries(dataHeader.NumValues);
        var data = Decompress(info, body, header.UncompressedPageSize);
        // v1 levels are length-prefixed RLE runs in front of the values (parquet-format "Data Pages").
        var column = info.Column;
        var position = 0;
        var repetition = ReadOnlyMemory<byte>.Empty;
        var definition = ReadOnlyMemory<byte>.Empty;
        if (column.MaxRepetitionLevel > 0)
        {
            if (dataHeader.RepetitionLevelEncoding != Encoding.Rle)
                throw new ParquetFormatException($"repetition levels use {dataHeader.RepetitionLevelEncoding}, which this reader does not support (only RLE)");
            repetition = RleBitPackedHybridDecoder.SliceLengthPrefixed(data.AsMemory(position), out var consumed);
            position += consumed;
        }
        if (column.MaxDefinitionLevel > 0)
        {
            if (dataHeader.DefinitionLevelEncoding != Encoding.Rle)
                throw new ParquetFormatException($"definition levels use {dataHeader.DefinitionLevelEncoding}, which this reader does not support (only RLE)");
            definition = RleBitPackedHybridDecoder.SliceLengthPrefixed(data.AsMemory(position), out var consumed);
            position += consumed;
        }
        return Build(info, pageOffset, entries, rows, repetition, definition, dataHeader.Encoding, data.AsMemory(position), data.Length, levelsShareValueBuffer: true);
    }

    private static DecodedDataPage DecodeV2(ColumnChunkInfo info, PageHeader header, ReadOnlyMemory<byte> body, long pageOffset, int rows)
    {
        var dataHeader = header.DataPageHeaderV2 ?? throw new ParquetFormatException("data page v2 without its header");
        var entries = CheckEntries(dataHeader.NumValues);
        if (dataHeader.NumRows != rows) throw new ParquetFormatException($"the page holds {dataHeader.NumRows} rows, the offset index gives it {rows}");
        var repetitionLength = dataHeader.RepetitionLevelsByteLength;
        var definitionLength = dataHeader.DefinitionLevelsByteLength;
        if (repetitionLength < 0 || definitionLength < 0 || (long)repetitionLength + definitionLength > body.Length)
            throw new ParquetFormatException($"level lengths {repetitionLength} + {definitionLength} exceed the page's {body.Length} bytes");
        var uncompressedValues = header.UncompressedPageSize - repetitionLength - definitionLength;
        if (uncompressedValues < 0) throw new ParquetFormatException($"uncompressed size {header.UncompressedPageSize} is smaller than the levels");
        // v2 levels are never compressed; copied out since the body may be a shared read buffer.
        var levels = body[..(repetitionLength + definitionLength)].ToArray();
        var valueBytes = body[(repetitionLength + definitionLength)..];
        var values = dataHeader.IsCompressed && info.Codec != CompressionCodec.Uncompressed
            ? Decompress(info, valueBytes, uncompressedValues)
            : valueBytes.ToArray();
        return Build(info, pageOffset, entries, rows, levels.AsMemory(0, repetitionLength), levels.AsMemory(repetitionLength), dataHeader.Encoding, values,
            levels.Length + values.Length, levelsShareValueBuffer: false);
    }

    private static DecodedDataPage Build(
        ColumnChunkInfo info, long pageOffset, int entries, int rows, ReadOnlyMemory<byte> repetition, ReadOnlyMemory<byte> definition,
        Encoding encoding, ReadOnlyMemory<byte> values, long retainedBytes, bool levelsShareValueBuffer)
    {
        var column = info.Column;
        int[]? rowEntryStarts = null;
        int[]? repetitionCheckpoints = null;
        if (column.MaxRepetitionLevel > 0)
        {
            rowEntryStarts = RowStarts.FindRowStarts(repetition.Span, BitPacking.RequiredBitWidth((ulong)column.MaxRepetitionLevel), entries, rows, out repetitionCheckpoints);
        }
        else if (entries != rows)
        {
            throw new ParquetFormatException($"the page holds {entries} rows, the offset index gives it {rows}");
        }

        int[]? rowValueStarts = null;
        int[]? definitionCheckpoints = null;
        var valueCount = entries;
        if (column.MaxDefinitionLevel > 0)
        {
            rowValueStarts = RowStarts.FindValueStarts(
                definition.Span, BitPacking.RequiredBitWidth((ulong)column.MaxDefinitionLevel), column.MaxDefinitionLevel, entries, rowEntryStarts, rows,
                out valueCount, out definitionCheckpoints);
        }

        ColumnBatch? decoded = null;
        if (valueCount > 0 && !CanEnterAnywhere(encoding, column.Type))
        {
            decoded = DecodeAll(encoding, column, values, valueCount);
            values = ReadOnlyMemory<byte>.Empty;
            if (levelsShareValueBuffer)
            {
                // keep only the level bytes, not the page buffer they sit in
                var levels = new byte[repetition.Length + definition.Length];
                repetition.CopyTo(levels);
                definition.CopyTo(levels.AsMemory(repetition.Length));
                repetition = levels.AsMemory(0, repetition.Length);
                definition = levels.AsMemory(repetition.Length);
                retainedBytes = levels.Length;
            }
            else
            {
                retainedBytes = repetition.Length + definition.Length;
            }
        }
        return new DecodedDataPage(pageOffset, entries, rows, valueCount, repetition, definition, encoding, values, decoded, rowEntryStarts, rowValueStarts,
            valuesAreEntries: valueCount == entries, repetitionCheckpoints, definitionCheckpoints, retainedBytes);
    }

    /// <summary>Encodings whose value i can be reached without decoding the ones before it (run headers aside).</summary>
    private static bool CanEnterAnywhere(Encoding encoding, PhysicalType type) => encoding switch
    {
        Encoding.Plain => type != PhysicalType.ByteArray,
        Encoding.PlainDictionary or Encoding.RleDictionary => true,
        Encoding.Rle => type == PhysicalType.Boolean,
        _ => false,
    };

    private static ColumnBatch DecodeAll(Encoding encoding, ColumnDescriptor column, ReadOnlyMemory<byte> data, int count)
    {
        var batch = new ColumnBatch(0) { ValueCount = count };
        switch (encoding)
        {
            case Encoding.DeltaLengthByteArray when column.Type == PhysicalType.ByteArray:
                BulkDeltaDecoding.DecodeLengthByteArrays(data, count, batch);
                return batch;
            case Encoding.DeltaByteArray when column.Type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray:
                BulkDeltaDecoding.DecodeDeltaByteArrays(data, count, batch);
                return batch;
        }
        ValueDecoder decoder;
        if (encoding == Encoding.Plain)
        {
            var plain = new PlainDecoder();
            plain.Reset(data, column.Type, column.Node.TypeLength);
            decoder = plain;
        }
        else
        {
            decoder = new ValueDecoders().For(encoding, column.Type, column.Node.TypeLength, data)
                ?? throw new ParquetFormatException($"encoding {encoding} is not supported for {column.Type} values");
        }
        batch.DecodeAllValues(decoder, column.Type, count, data.Length);
        return batch;
    }

    private static int CheckEntries(int entries) => entries is < 0 or > MaxPageEntries
        ? throw new ParquetFormatException($"data page claims {entries} values")
        : entries;

    /// <summary>The page's bytes in an array of its own (the cache keeps it).</summary>
    private static byte[] Decompress(ColumnChunkInfo info, ReadOnlyMemory<byte> body, int uncompressedSize)
    {
        if (info.Codec == CompressionCodec.Uncompressed)
        {
            if (body.Length != uncompressedSize) throw new ParquetFormatException($"an uncompressed page of {body.Length} bytes claims {uncompressedSize}");
            return body.ToArray();
        }
        var data = GC.AllocateUninitializedArray<byte>(uncompressedSize);
        PageCompressor.Decompress(info.Codec, body.Span, data, info.Column.DottedPath);
        return data;
    }

    private static ParquetFormatException Corrupt(ColumnDescriptor column, int rowGroup, long pageOffset, string what, Exception? inner = null)
    {
        var message = $"column '{column.DottedPath}' in row group {rowGroup}, page at offset {pageOffset}: {what}";
        return inner is null ? new ParquetFormatException(message) : new ParquetFormatException(message, inner);
    }
}
