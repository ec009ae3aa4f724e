using System.Runtime.CompilerServices;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Blocks.VParquet4.Search;
using Tempo.Streaming.Parquet;
using Tempo.Streaming.Parquet.Scanning;
using Tempo.Streaming.TraceQL.Engine;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.BlockFormat;

public sealed partial class BlockReader
{
    /// <summary>
    /// The traces of the block that may meet <paramref name="condition"/>, in row order: the condition is scanned
    /// column by column first (<see cref="ConditionScan"/>: statistics, page index and dictionaries skip what cannot
    /// match), and only the rows it leaves are assembled and decoded — a few rows alone, page by page; a row group
    /// where many rows are left, in one pass. <paramref name="statistics"/> counts what the scan read and skipped.
    /// </summary>
    public async IAsyncEnumerable<(byte[] TraceId, Trace Trace)> ReadCandidateTracesAsync(TraceCondition condition, ScanStatistics statistics,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(statistics);
        ParquetFileReader file;
        IScanIterator? scan;
        try
        {
            file = await FileAsync().ConfigureAwait(false);
            scan = ConditionScan.Build(file, condition, Meta.DedicatedColumns, statistics);
        }
        catch (Exception e) when (IsBlockFault(e))
        {
            throw Corrupt("opening data.parquet for a search", e);
        }

        var firstRows = new long[file.RowGroups.Count + 1];
        for (var i = 0; i < file.RowGroups.Count; i++)
        {
            firstRows[i + 1] = firstRows[i] + file.RowGroups[i].RowCount;
        }

        var nextRowGroup = 0;
        var lookahead = -1L; // a candidate row read from the scan that belongs to the next row group
        var exhausted = false;
        var rows = new List<long>();
        while (true)
        {
            rows.Clear();
            List<(byte[] TraceId, Trace Trace)> decoded;
            int rowGroup;
            try
            {
                if (scan is null)
                {
                    if (nextRowGroup >= file.RowGroups.Count)
                    {
                        yield break;
                    }
                    rowGroup = nextRowGroup++;
                    for (var r = 0L; r < file.RowGroups[rowGroup].RowCount; r++)
                    {
                        rows.Add(r);
                    }
                }
                else
                {
                    if (lookahead < 0)
                    {
                        if (exhausted || !await scan.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                        {
                            yield break;
                        }
                        lookahead = scan.Current.Position.Row;
                    }

                    rowGroup = RowGroupOf(firstRows, lookahead);
                    rows.Add(lookahead - firstRows[rowGroup]);
                    lookahead = -1;
                    while (true)
                    {
                        if (!await scan.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                        {
                            exhausted = true;
                            break;
                        }
                        var row = scan.Current.Position.Row;
                        if (row >= firstRows[rowGroup + 1])
                        {
                            lookahead = row;
                            break;
                        }
                        rows.Add(row - firstRows[rowGroup]);
                    }
                }

                decoded = await ReadRowsAsync(file, rowGroup, rows, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsBlockFault(e))
            {
                throw Corrupt("searching data.parquet", e);
            }

            foreach (var trace in decoded)
            {
                yield return trace;
            }
        }
    }

    private static int RowGroupOf(long[] firstRows, long row)
    {
        var index = Array.BinarySearch(firstRows, row);
        var rowGroup = index >= 0 ? index : ~index - 1;
        // Empty row groups share their first row with the next one: take the last group starting at or before the row.
        while (rowGroup + 1 < firstRows.Length - 1 && firstRows[rowGroup + 1] <= row)
        {
            rowGroup++;
        }
        return rowGroup;
    }

    /// <summary>
    /// Decodes the given rows (ascending, relative to the row group). Many rows: one pass over the row group, skipping
    /// the others; few: each run of adjacent rows from the pages that hold it.
    /// </summary>
    private async Task<List<(byte[] TraceId, Trace Trace)>> ReadRowsAsync(ParquetFileReader file, int rowGroup, List<long> rows, CancellationToken cancellationToken)
    {
        var result = new List<(byte[], Trace)>(rows.Count);
        var rowCount = file.RowGroups[rowGroup].RowCount;
        if (rows.Count * 8L >= rowCount)
        {
            var records = await RecordReader.OpenAsync(file, rowGroup, columns: null, cancellationToken).ConfigureAwait(false);
            var position = 0L;
            foreach (var row in rows)
            {
                if (row > position)
                {
                    records.SkipRows(row - position);
                }
                result.Add(Decode(records.ReadRow(), rowGroup, row));
                position = row + 1;
            }
            return result;
        }

        for (var i = 0; i < rows.Count;)
        {
            var first = rows[i];
            var run = 1;
            while (i + run < rows.Count && rows[i + run] == first + run)
            {
                run++;
            }
            var records = await RecordReader.OpenRowsAsync(file, rowGroup, first, run, columns: null, cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < run; k++)
            {
                result.Add(Decode(records.ReadRow(), rowGroup, first + k));
            }
            i += run;
        }
        return result;
    }

    private (byte[] TraceId, Trace Trace) Decode(ParquetGroup? row, int rowGroup, long index)
    {
        if (row is null)
        {
            throw Corrupt($"row group {rowGroup} ends before row {index} that a search found", null);
        }
        return (TraceRowReader.TraceIdOf(row), _rows.Read(row));
    }
}
