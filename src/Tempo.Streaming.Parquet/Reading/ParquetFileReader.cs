using System.Buffers.Binary;
using System.Collections.Concurrent;
using Tempo.Streaming.Parquet.Format;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// Opens a Parquet file through ranged reads: the tail (footer guess), then the footer's remainder if it is bigger.
/// Column chunks and page indexes are fetched only when asked for, one ranged read each; a row read
/// (<see cref="RecordReader.OpenRowsAsync"/>) fetches only the pages holding its rows. Thread-safe: what it caches
/// (page indexes, the tail read at open) is shared by concurrent reads; decoded pages of row reads go to the
/// <see cref="PageCache"/> of its options, shared with other files.
/// </summary>
public sealed partial class ParquetFileReader
{
    /// <summary>The first read takes this much of the file's end, which holds the whole footer of most files
    /// (parquet-mr and Arrow guess 64 KiB as well), so opening costs one ranged read.</summary>
    internal const int FooterGuess = 64 * 1024;

    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly IRandomAccessSource _source;
    private readonly FileMetaData _metadata;
    private readonly ConcurrentDictionary<(int RowGroup, int Column), PageIndex> _pageIndexes = new();
    private readonly ParquetReadOptions _options;
    private readonly ReadOnlyMemory<byte> _tail; // the file's last bytes, read at open: page indexes of small files lie in it
    private readonly long _tailOffset;
    private readonly object _cacheFile; // this file's identity in the page cache

    private ParquetFileReader(
        IRandomAccessSource source, FileMetaData metadata, ParquetSchema schema, IReadOnlyList<RowGroupInfo> rowGroups, int footerLength,
        ParquetReadOptions options, ReadOnlyMemory<byte> tail, long tailOffset)
    {
        _source = source;
        _metadata = metadata;
        _options = options;
        _tail = tail;
        _tailOffset = tailOffset;
        _cacheFile = (object?)options.FileIdentity ?? new object();
        Schema = schema;
        RowGroups = rowGroups;
        FooterLength = footerLength;
        var keyValues = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata.KeyValueMetadata is not null)
        {
            foreach (var kv in metadata.KeyValueMetadata) keyValues[kv.Key] = kv.Value ?? "";
        }
        KeyValueMetadata = keyValues;
    }

    /// <summary>Reads and validates the footer; throws <see cref="ParquetFormatException"/> for a file that is not Parquet.</summary>
    public static Task<ParquetFileReader> OpenAsync(IRandomAccessSource source, CancellationToken cancellationToken = default)
        => OpenAsync(source, ParquetReadOptions.Default, cancellationToken);

    /// <inheritdoc cref="OpenAsync(IRandomAccessSource, CancellationToken)"/>
    public static async Task<ParquetFileReader> OpenAsync(IRandomAccessSource source, ParquetReadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var length = source.Length;
        if (length < 12) throw new ParquetFormatException($"a file of {length} bytes is too short to be Parquet (magic, footer length and magic take 12)");
        var tailLength = (int)Math.Min(length, FooterGuess);
        var tail = new byte[tailLength];
        await ReadExactlyAsync(source, length - tailLength, tail, "the footer", cancellationToken).ConfigureAwait(false);
        if (!tail.AsSpan(tailLength - 4).SequenceEqual(Magic))
            throw new ParquetFormatException($"not a Parquet file: the last 4 bytes are {Convert.ToHexString(tail, tailLength - 4, 4)}, not 'PAR1'");
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail.AsSpan(tailLength - 8));
        if (footerLength <= 0 || footerLength > length - 12)
            throw new ParquetFormatException($"footer length {footerLength} is out of range for a file of {length} bytes");

        if (tailLength == length)
        {
            if (!tail.AsSpan(0, 4).SequenceEqual(Magic))
                throw new ParquetFormatException($"not a Parquet file: the first 4 bytes are {Convert.ToHexString(tail, 0, 4)}, not 'PAR1'");
        }
        else
        {
            var head = new byte[4];
            await ReadExactlyAsync(source, 0, head, "the leading magic", cancellationToken).ConfigureAwait(false);
            if (!head.AsSpan().SequenceEqual(Magic))
                throw new ParquetFormatException($"not a Parquet file: the first 4 bytes are {Convert.ToHexString(head)}, not 'PAR1'");
        }

        ReadOnlyMemory<byte> footer;
        if (footerLength + 8 <= tailLength)
        {
            footer = tail.AsMemory(tailLength - 8 - footerLength, footerLength);
        }
        else
        {
            var bytes = new byte[footerLength];
            await ReadExactlyAsync(source, length - 8 - footerLength, bytes, "the footer", cancellationToken).ConfigureAwait(false);
            footer = bytes;
        }

        FileMetaData metadata;
        try
        {
            metadata = FileMetaData.Deserialize(footer.Span);
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException($"footer ({footerLength} bytes): {e.Message}", e);
        }
        if (metadata.HasEncryptionAlgorithm) throw new ParquetFormatException("the file is encrypted (footer has an encryption algorithm), which this reader does not support");
        var schema = SchemaElements.Build(metadata.Schema);
        var rowGroups = BuildRowGroups(metadata, schema, length - 8 - footerLength);
        // The part of the tail before the footer is kept: writers put the page indexes right before the footer.
        var tailBeforeFooter = footerLength + 8 <= tailLength ? tail.AsMemory(0, tailLength - 8 - footerLength) : ReadOnlyMemory<byte>.Empty;
        return new ParquetFileReader(source, metadata, schema, rowGroups, footerLength, options, tailBeforeFooter, length - tailLength);
    }

    public ParquetSchema Schema { get; }
    public long RowCount => _metadata.NumRows;
    public IReadOnlyList<RowGroupInfo> RowGroups { get; }
    public IReadOnlyDictionary<string, string> KeyValueMetadata { get; }
    public string? CreatedBy => _metadata.CreatedBy;

    /// <summary>Size of the Thrift footer in bytes (Tempo records it in meta.json as footerSize).</summary>
    public int FooterLength { get; }

    /// <summary>The raw footer, for callers that need fields not surfaced above.</summary>
    public FileMetaData Metadata => _metadata;

    /// <summary>Fetches one column chunk (one ranged read) and returns a reader over its pages. When the chunk's page
    /// index was read before (<see cref="ReadPageIndexAsync"/>), the reader uses it to skip pages undecoded.</summary>
    public async Task<ColumnChunkReader> ReadColumnChunkAsync(int rowGroup, int column, CancellationToken cancellationToken = default)
    {
        var info = Chunk(rowGroup, column);
        var size = info.CompressedSize;
        if (size > Array.MaxLength)
            throw new ParquetFormatException($"column '{info.Column.DottedPath}' in row group {rowGroup}: chunk of {size} bytes is too large to read");
        var bytes = new byte[size];
        await ReadExactlyAsync(_source, info.Offset, bytes, $"column '{info.Column.DottedPath}' in row group {rowGroup}", cancellationToken).ConfigureAwait(false);
        _pageIndexes.TryGetValue((rowGroup, column), out var pageIndex);
        return new ColumnChunkReader(info, bytes, info.Offset, RowGroups[rowGroup].RowCount, rowGroup, pageIndex);
    }

    /// <summary>The chunk's ColumnIndex and OffsetIndex, or null when the file has none for it.</summary>
    public async Task<PageIndex?> ReadPageIndexAsync(int rowGroup, int column, CancellationToken cancellationToken = default)
    {
        var info = Chunk(rowGroup, column);
        if (_pageIndexes.TryGetValue((rowGroup, column), out var cached)) return cached;
        var chunk = _metadata.RowGroups[rowGroup].Columns[column];
        if (chunk.OffsetIndexOffset is not { } offsetIndexOffset || chunk.OffsetIndexLength is not { } offsetIndexLength) return null;
        var where = $"column '{info.Column.DottedPath}' in row group {rowGroup}";
        var offsetIndexBytes = await ReadIndexAsync(offsetIndexOffset, offsetIndexLength, $"the offset index of {where}", cancellationToken).ConfigureAwait(false);
        byte[]? columnIndexBytes = null;
        if (chunk.ColumnIndexOffset is { } columnIndexOffset && chunk.ColumnIndexLength is { } columnIndexLength)
        {
            columnIndexBytes = await ReadIndexAsync(columnIndexOffset, columnIndexLength, $"the column index of {where}", cancellationToken).ConfigureAwait(false);
        }
        var pageIndex = PageIndexes.Build(offsetIndexBytes, columnIndexBytes, info, where);
        _pageIndexes[(rowGroup, column)] = pageIndex;
        return pageIndex;
    }

    private async Task<byte[]> ReadIndexAsync(long offset, int length, string what, CancellationToken cancellationToken)
    {
        if (offset < 4 || length <= 0 || offset + length > _source.Length - 8 - FooterLength)
            throw new ParquetFormatException($"{what} at offset {offset} ({length} bytes) lies outside the file's data");
        if (TryTail(offset, length, out var inTail)) return inTail.ToArray();
        var bytes = new byte[length];
        await ReadExactlyAsync(_source, offset, bytes, what, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    private ColumnChunkInfo Chunk(int rowGroup, int column)
    {
        if ((uint)rowGroup >= (uint)RowGroups.Count) throw new ArgumentOutOfRangeException(nameof(rowGroup), rowGroup, $"the file has {RowGroups.Count} row groups");
        var columns = RowGroups[rowGroup].Columns;
        if ((uint)column >= (uint)columns.Count) throw new ArgumentOutOfRangeException(nameof(column), column, $"the schema has {columns.Count} columns");
        return columns[column];
    }

    private static async ValueTask ReadExactlyAsync(IRandomAccessSource source, long offset, Memory<byte> destination, string what, CancellationToken cancellationToken)
    {
        try
        {
            await source.ReadAsync(offset, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new ParquetFormatException($"the file is truncated: {what} at offset {offset} ({destination.Length} bytes) is past its end", e);
        }
    }

    private static List<RowGroupInfo> BuildRowGroups(FileMetaData metadata, ParquetSchema schema, long dataEnd)
    {
        var rowGroups = new List<RowGroupInfo>(metadata.RowGroups.Count);
        var columnOrders = metadata.ColumnOrders;
        for (var g = 0; g < metadata.RowGroups.Count; g++)
        {
            var rowGroup = metadata.RowGroups[g];
            if (rowGroup.Columns.Count != schema.Columns.Count)
                throw new ParquetFormatException($"row group {g} has {rowGroup.Columns.Count} column chunks but the schema has {schema.Columns.Count} columns");
            if (rowGroup.NumRows < 0) throw new ParquetFormatException($"row group {g} has a negative row count {rowGroup.NumRows}");
            var chunks = new ColumnChunkInfo[rowGroup.Columns.Count];
            for (var c = 0; c < chunks.Length; c++)
            {
                var column = schema.Columns[c];
                var meta = rowGroup.Columns[c].MetaData
                    ?? throw new ParquetFormatException($"row group {g}, column '{column.DottedPath}': no column metadata (chunks in other files are not supported)");
                if (meta.Type != column.Type)
                    throw new ParquetFormatException($"row group {g}, column '{column.DottedPath}': chunk type {meta.Type} differs from the schema's {column.Type}");
                // dictionary_page_offset 0 is what some writers put for "none": the magic sits there, never a page
                var start = meta.DictionaryPageOffset is > 0 and var dictionaryOffset && dictionaryOffset < meta.DataPageOffset ? dictionaryOffset : meta.DataPageOffset;
                if (start < 4 || meta.TotalCompressedSize < 0 || start + meta.TotalCompressedSize > dataEnd)
                    throw new ParquetFormatException(
                        $"row group {g}, column '{column.DottedPath}': chunk at offset {start} ({meta.TotalCompressedSize} bytes) lies outside the file's data (which ends at {dataEnd})");
                var statistics = columnOrders is not null && c < columnOrders.Count && columnOrders[c] != ColumnOrder.TypeDefinedOrder
                    ? null
                    : StatisticsFrom(meta.Statistics, column);
                chunks[c] = new ColumnChunkInfo(column, meta.Codec, meta.Encodings, meta.NumValues, meta.TotalCompressedSize, meta.TotalUncompressedSize, start, statistics);
            }
            rowGroups.Add(new RowGroupInfo(g, rowGroup.NumRows, rowGroup.TotalByteSize, chunks));
        }
        return rowGroups;
    }

    /// <summary>min_value/max_value when present; the legacy min/max only where their signed order is the column's order.</summary>
    internal static ColumnStatistics? StatisticsFrom(Statistics? statistics, ColumnDescriptor column)
    {
        if (statistics is null) return null;
        byte[]? min = null, max = null;
        if (statistics.MinValue is not null && statistics.MaxValue is not null)
        {
            min = statistics.MinValue;
            max = statistics.MaxValue;
        }
        else if (statistics.Min is not null && statistics.Max is not null && StatisticsOrder.LegacyOrderAgrees(column))
        {
            min = statistics.Min;
            max = statistics.Max;
        }
        if (min is not null && !HasPlainWidth(column, min, max!)) min = max = null;
        return new ColumnStatistics(column.Type, statistics.NullCount, statistics.DistinctCount, min, max);
    }

    /// <summary>Numeric bounds must have their type's width, or the typed accessors would read garbage.</summary>
    private static bool HasPlainWidth(ColumnDescriptor column, byte[] min, byte[] max)
    {
        var width = column.Type switch
        {
            PhysicalType.Boolean => 1,
            PhysicalType.Int32 or PhysicalType.Float => 4,
            PhysicalType.Int64 or PhysicalType.Double => 8,
            _ => -1,
        };
        return width < 0 || (min.Length == width && max.Length == width);
    }
}
