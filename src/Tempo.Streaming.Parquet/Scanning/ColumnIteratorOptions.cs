namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>How a <see cref="ColumnIterator"/> scans its column.</summary>
public sealed record ColumnIteratorOptions
{
    public static readonly ColumnIteratorOptions Default = new();

    /// <summary>The condition values must meet; null = select only (every entry is yielded, nulls included).</summary>
    public ColumnPredicate? Predicate { get; init; }

    /// <summary>The name results carry (<see cref="ScanEntry.Name"/>); null = the column's dotted path.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// When set, results are positions at this repetition depth: the position is truncated to it and only the first
    /// matching entry of each element at that depth is yielded (e.g. depth 0 on a span column = "traces with a span
    /// where …", one result per trace). Null = every matching entry at its full position.
    /// </summary>
    public int? ResultDepth { get; init; }

    /// <summary>First row group to scan (block jobs are row-group ranges).</summary>
    public int FirstRowGroup { get; init; }

    /// <summary>Number of row groups to scan from <see cref="FirstRowGroup"/>; null = to the end of the file.</summary>
    public int? RowGroupCount { get; init; }

    /// <summary>Entries decoded per batch.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>Prune row groups by the chunks' min/max/null-count statistics.</summary>
    public bool UseStatistics { get; init; } = true;

    /// <summary>Prune chunks by their dictionary (when every data page is dictionary-encoded).</summary>
    public bool UseDictionary { get; init; } = true;

    /// <summary>Prune data pages by the column index (one small ranged read per chunk that has one).</summary>
    public bool UsePageIndex { get; init; } = true;

    /// <summary>Counters to add to; share one instance between the iterators of a query to get its totals.</summary>
    public ScanStatistics? Statistics { get; init; }
}
