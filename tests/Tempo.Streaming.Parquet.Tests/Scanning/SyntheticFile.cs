using System.Buffers.Binary;
using Tempo.Streaming.Parquet.Scanning;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>One decoded column entry of a synthetic chunk, with the position a correct scan must give it.</summary>
internal readonly record struct SyntheticEntry(int Repetition, int Definition, object? Value, RowNumber Expected);

/// <summary>
/// An in-memory stand-in for a Parquet file behind the scan seam (<see cref="IScanSource"/>): per row group and column
/// the entries with their levels, page boundaries with statistics, chunk statistics and an optional dictionary. It
/// follows the ColumnChunkReader contract (batches end on row boundaries, SkipRows skips whole rows) and counts what
/// was decoded, so tests can prove that pruning skipped work — independent of the real reader.
/// </summary>
internal sealed class SyntheticFile : IScanSource
{
    private readonly List<SyntheticEntry>[][] _chunks; // [rowGroup][column]
    private readonly int _rowsPerPage;
    private readonly List<RowGroupInfo> _rowGroups = [];

    public SyntheticFile(ParquetSchema schema, IReadOnlyList<List<SyntheticEntry>[]> rowGroups, int rowsPerPage, bool dictionaries = false, bool statistics = true)
    {
        Schema = schema;
        _rowsPerPage = rowsPerPage;
        _chunks = [.. rowGroups];
        for (var g = 0; g < _chunks.Length; g++)
        {
            var columns = new List<ColumnChunkInfo>();
            long rows = 0;
            for (var c = 0; c < schema.Columns.Count; c++)
            {
                var entries = _chunks[g][c];
                rows = 0;
                foreach (var e in entries) if (e.Repetition == 0) rows++;
                var column = schema.Columns[c];
                var (min, max, nulls) = Stats(column, entries);
                var encodings = dictionaries && column.Type == PhysicalType.ByteArray
                    ? new[] { Encoding.RleDictionary, Encoding.Rle }
                    : new[] { Encoding.Plain, Encoding.Rle };
                columns.Add(new ColumnChunkInfo(column, CompressionCodec.Uncompressed, encodings, entries.Count, entries.Count * 8, entries.Count * 8, 0,
                    statistics ? new ColumnStatistics(column.Type, nulls, null, min, max) : null));
            }
            _rowGroups.Add(new RowGroupInfo(g, rows, 0, columns));
        }
        Dictionaries = dictionaries;
    }

    public bool Dictionaries { get; }
    public ParquetSchema Schema { get; }
    public IReadOnlyList<RowGroupInfo> RowGroups => _rowGroups;

    /// <summary>Entries handed out by ReadBatch (decoded), over all chunks.</summary>
    public long EntriesDecoded { get; private set; }
    public long RowsSkipped { get; private set; }
    public int ChunksOpened { get; private set; }

    public ValueTask<IColumnChunkCursor> OpenChunkAsync(int rowGroup, int column, CancellationToken cancellationToken)
    {
        ChunksOpened++;
        var entries = _chunks[rowGroup][column];
        var descriptor = Schema.Columns[column];
        ColumnBatch? dictionary = null;
        if (Dictionaries && descriptor.Type == PhysicalType.ByteArray)
        {
            var distinct = new List<object?>();
            var seen = new HashSet<string>();
            foreach (var e in entries)
            {
                if (e.Value is string s && seen.Add(s)) distinct.Add(s);
            }
            dictionary = new ColumnBatch(Math.Max(1, distinct.Count));
            Fill(dictionary, descriptor, distinct);
        }
        return ValueTask.FromResult<IColumnChunkCursor>(new Cursor(this, descriptor, entries, dictionary));
    }

    public IReadOnlyList<Parquet.Format.PageEncodingStats>? EncodingStats(int rowGroup, int column) => null;

    public ValueTask<PageIndex?> ReadPageIndexAsync(int rowGroup, int column, CancellationToken cancellationToken)
    {
        var entries = _chunks[rowGroup][column];
        var descriptor = Schema.Columns[column];
        var pages = new List<PageIndexEntry>();
        var rowStarts = new List<int>();
        for (var i = 0; i < entries.Count; i++) if (entries[i].Repetition == 0) rowStarts.Add(i);
        for (var firstRow = 0; firstRow < rowStarts.Count; firstRow += _rowsPerPage)
        {
            var from = rowStarts[firstRow];
            var to = firstRow + _rowsPerPage < rowStarts.Count ? rowStarts[firstRow + _rowsPerPage] : entries.Count;
            var page = entries.GetRange(from, to - from);
            var (min, max, nulls) = Stats(descriptor, page);
            pages.Add(new PageIndexEntry(0, 0, firstRow, nulls == page.Count, min, max, nulls));
        }
        return ValueTask.FromResult<PageIndex?>(new PageIndex(pages));
    }

    private static (byte[]? Min, byte[]? Max, long Nulls) Stats(ColumnDescriptor column, List<SyntheticEntry> entries)
    {
        object? min = null, max = null;
        long nulls = 0;
        foreach (var e in entries)
        {
            if (e.Value is null)
            {
                nulls++;
                continue;
            }
            if (min is null || Compare(e.Value, min) < 0) min = e.Value;
            if (max is null || Compare(e.Value, max) > 0) max = e.Value;
        }
        return (min is null ? null : Plain(column, min), max is null ? null : Plain(column, max), nulls);
    }

    private static int Compare(object a, object b) => (a, b) switch
    {
        (long x, long y) => x.CompareTo(y),
        (double x, double y) => x.CompareTo(y),
        (bool x, bool y) => x.CompareTo(y),
        (string x, string y) => System.Text.Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(y)),
        _ => throw new InvalidOperationException($"cannot compare {a} and {b}"),
    };

    public static byte[] Plain(ColumnDescriptor column, object value)
    {
        switch (column.Type)
        {
            case PhysicalType.Int64:
                var l = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(l, (long)value);
                return l;
            case PhysicalType.Int32:
                var i = new byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(i, (int)(long)value);
                return i;
            case PhysicalType.Double:
                var d = new byte[8];
                BinaryPrimitives.WriteDoubleLittleEndian(d, (double)value);
                return d;
            case PhysicalType.Boolean:
                return [(bool)value ? (byte)1 : (byte)0];
            default:
                return System.Text.Encoding.UTF8.GetBytes((string)value);
        }
    }

    /// <summary>Fills a batch's typed value arrays from non-null values in order.</summary>
    internal static void Fill(ColumnBatch batch, ColumnDescriptor column, IReadOnlyList<object?> values)
    {
        var n = values.Count;
        switch (column.Type)
        {
            case PhysicalType.Int64:
                batch.Int64s = new long[n];
                for (var i = 0; i < n; i++) batch.Int64s[i] = (long)values[i]!;
                break;
            case PhysicalType.Int32:
                batch.Int32s = new int[n];
                for (var i = 0; i < n; i++) batch.Int32s[i] = (int)(long)values[i]!;
                break;
            case PhysicalType.Double:
                batch.Doubles = new double[n];
                for (var i = 0; i < n; i++) batch.Doubles[i] = (double)values[i]!;
                break;
            case PhysicalType.Boolean:
                batch.Booleans = new bool[n];
                for (var i = 0; i < n; i++) batch.Booleans[i] = (bool)values[i]!;
                break;
            default:
                var offsets = new int[n + 1];
                var data = new List<byte>();
                for (var i = 0; i < n; i++)
                {
                    data.AddRange(System.Text.Encoding.UTF8.GetBytes((string)values[i]!));
                    offsets[i + 1] = data.Count;
                }
                batch.ByteData = [.. data];
                batch.ByteOffsets = offsets;
                break;
        }
        batch.ValueCount = n;
    }

    private sealed class Cursor(SyntheticFile file, ColumnDescriptor column, List<SyntheticEntry> entries, ColumnBatch? dictionary) : IColumnChunkCursor
    {
        private int _next;

        public ColumnBatch? Dictionary => dictionary;

        public int ReadBatch(ColumnBatch batch)
        {
            if (_next >= entries.Count) return 0;
            var capacity = batch.DefinitionLevels.Length;
            var end = _next;
            do
            {
                // one whole row; a batch holds at least one row even when that row exceeds the capacity
                var rowEnd = end + 1;
                while (rowEnd < entries.Count && entries[rowEnd].Repetition != 0) rowEnd++;
                if (end > _next && rowEnd - _next > capacity) break;
                end = rowEnd;
            }
            while (end < entries.Count);
            var count = end - _next;
            if (batch.DefinitionLevels.Length < count)
            {
                batch.DefinitionLevels = new short[count];
                batch.RepetitionLevels = new short[count];
            }
            var values = new List<object?>();
            for (var i = 0; i < count; i++)
            {
                var e = entries[_next + i];
                batch.DefinitionLevels[i] = (short)e.Definition;
                batch.RepetitionLevels[i] = (short)e.Repetition;
                if (e.Definition == column.MaxDefinitionLevel) values.Add(e.Value);
            }
            batch.LevelCount = count;
            Fill(batch, column, values);
            _next = end;
            file.EntriesDecoded += count;
            return count;
        }

        public void SkipRows(long rows)
        {
            file.RowsSkipped += rows;
            while (rows > 0 && _next < entries.Count)
            {
                _next++;
                while (_next < entries.Count && entries[_next].Repetition != 0) _next++;
                rows--;
            }
        }
    }
}
