using Tempo.Streaming.Parquet.Scanning;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

internal static class ScanAssertions
{
    public static object? Box(ColumnValue v) => v.Kind switch
    {
        ColumnValueKind.Null => null,
        ColumnValueKind.Boolean => v.Boolean,
        ColumnValueKind.Int64 => v.Int64,
        ColumnValueKind.UInt64 => (long)v.UInt64,
        ColumnValueKind.Double => v.Double,
        _ => v.GetString(),
    };

    public static async Task<List<(RowNumber Position, object? Value)>> CollectAsync(ColumnIterator iterator)
    {
        var results = new List<(RowNumber, object?)>();
        while (await iterator.MoveNextAsync()) results.Add((iterator.Position, Box(iterator.Value)));
        return results;
    }

    public static async Task<List<(RowNumber Position, List<(string Name, RowNumber Position, object? Value)> Entries)>> CollectAsync(IScanIterator iterator)
    {
        var results = new List<(RowNumber, List<(string, RowNumber, object?)>)>();
        while (await iterator.MoveNextAsync())
        {
            var entries = new List<(string, RowNumber, object?)>();
            foreach (var e in iterator.Current.Entries) entries.Add((e.Name, e.Position, Box(e.Value)));
            results.Add((iterator.Current.Position, entries));
        }
        return results;
    }

    /// <summary>The expected (position, value) of a column's entries passing a reference test.</summary>
    public static List<(RowNumber Position, object? Value)> Expected(IEnumerable<SyntheticEntry> entries, Func<object?, bool> test)
        => entries.Where(e => test(e.Value)).Select(e => (e.Expected, e.Value)).ToList();
}
