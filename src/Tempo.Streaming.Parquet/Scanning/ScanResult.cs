namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>One value of a result: the column it came from (the iterator's name), where it is, and what it is.</summary>
public readonly struct ScanEntry(string name, RowNumber position, ColumnValue value)
{
    public string Name { get; } = name;

    /// <summary>The value's full position (all of its column's depths).</summary>
    public RowNumber Position { get; } = position;

    public ColumnValue Value { get; } = value;

    public override string ToString() => $"{Name}@{Position}={Value}";
}

/// <summary>
/// What an iterator yields: a position and the values found there (one for a column iterator, those of every child
/// for joins and unions). The instance is reused: it is valid until the iterator that produced it moves. Joins copy the
/// bytes of collected values into their own buffer, so a join's result does not depend on its children's buffers.
/// </summary>
public sealed class ScanResult
{
    private ScanEntry[] _entries = new ScanEntry[4];
    private byte[] _arena = new byte[512];
    private int _arenaUsed;

    /// <summary>The result's position: for joins and unions, truncated to their depth.</summary>
    public RowNumber Position { get; private set; } = RowNumber.Empty;

    public int Count { get; private set; }

    public ReadOnlySpan<ScanEntry> Entries => _entries.AsSpan(0, Count);

    /// <summary>The first value collected from the iterator named <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, out ColumnValue value)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_entries[i].Name, name, StringComparison.Ordinal))
            {
                value = _entries[i].Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    internal void Reset(in RowNumber position)
    {
        Position = position;
        Count = 0;
        _arenaUsed = 0;
    }

    internal void Add(in ScanEntry entry)
    {
        if (Count == _entries.Length) Array.Resize(ref _entries, Count * 2);
        _entries[Count++] = entry;
    }

    /// <summary>Adds the entries of another result, copying their bytes into this result's buffer.</summary>
    internal void AddCopies(ScanResult other)
    {
        foreach (ref readonly var e in other.Entries)
        {
            if (e.Value.Kind != ColumnValueKind.Bytes)
            {
                Add(e);
                continue;
            }
            var source = e.Value.Bytes.Span;
            if (_arena.Length - _arenaUsed < source.Length)
            {
                // Earlier entries keep pointing into the old buffer, which stays alive through them: no copy-over needed.
                _arena = new byte[Math.Max(_arena.Length * 2, source.Length)];
                _arenaUsed = 0;
            }
            var target = _arena.AsMemory(_arenaUsed, source.Length);
            source.CopyTo(target.Span);
            _arenaUsed += source.Length;
            Add(new ScanEntry(e.Name, e.Position, e.Value.WithBytes(target)));
        }
    }

    public override string ToString() => $"{Position}: {string.Join(", ", Entries.ToArray())}";
}

/// <summary>
/// A pull iterator over positions in a Parquet file, composable like Tempo's <c>parquetquery.Iterator</c>: column
/// iterators at the leaves, joins (AND) and unions (OR) above them. Results come in increasing position order.
/// </summary>
public interface IScanIterator
{
    /// <summary>The current result; valid after a call returned true, until the next call.</summary>
    ScanResult Current { get; }

    /// <summary>Moves to the next result; false at the end.</summary>
    ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves to the first result whose position, compared down to <paramref name="depth"/>, is at or after
    /// <paramref name="target"/>; stays on the current result when it already is. Row groups and pages before the
    /// target are skipped without being decoded. False when there is no such result.
    /// </summary>
    ValueTask<bool> SeekToAsync(RowNumber target, int depth, CancellationToken cancellationToken = default);
}
