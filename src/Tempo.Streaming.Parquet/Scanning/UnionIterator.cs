namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// OR of iterators at a depth (Tempo's UnionIterator): yields every position at <see cref="Depth"/> where any child
/// has a result, in order, with the values of all children that stand on it.
/// </summary>
public sealed class UnionIterator : IScanIterator
{
    private readonly IScanIterator[] _children;
    private readonly bool[] _has;
    private readonly ScanResult _current = new();
    private bool _started;
    private bool _hasCurrent;

    public UnionIterator(int depth, IReadOnlyList<IScanIterator> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Count == 0) throw new ArgumentException("a union needs at least one iterator", nameof(children));
        if (depth is < 0 or >= RowNumber.MaxDepth) throw new ArgumentOutOfRangeException(nameof(depth), depth, $"depth must be 0 to {RowNumber.MaxDepth - 1}");
        Depth = depth;
        _children = [.. children];
        _has = new bool[_children.Length];
    }

    public int Depth { get; }

    public ScanResult Current => _current;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            _started = true;
            for (var i = 0; i < _children.Length; i++) _has[i] = await _children[i].MoveNextAsync(cancellationToken).ConfigureAwait(false);
        }

        var lowest = -1;
        for (var i = 0; i < _children.Length; i++)
        {
            if (_has[i] && (lowest < 0 || RowNumber.Compare(_children[i].Current.Position, _children[lowest].Current.Position, Depth) < 0)) lowest = i;
        }
        if (lowest < 0)
        {
            _hasCurrent = false;
            return false;
        }

        var position = _children[lowest].Current.Position.TruncateTo(Depth);
        _current.Reset(position);
        for (var i = 0; i < _children.Length; i++)
        {
            while (_has[i] && RowNumber.EqualAt(_children[i].Current.Position, position, Depth))
            {
                _current.AddCopies(_children[i].Current);
                _has[i] = await _children[i].MoveNextAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        _hasCurrent = true;
        return true;
    }

    public async ValueTask<bool> SeekToAsync(RowNumber target, int depth, CancellationToken cancellationToken = default)
    {
        if (_hasCurrent && RowNumber.Compare(_current.Position, target, depth) >= 0) return true;
        var fresh = !_started;
        _started = true;
        for (var i = 0; i < _children.Length; i++)
        {
            if (fresh || (_has[i] && RowNumber.Compare(_children[i].Current.Position, target, depth) < 0))
            {
                _has[i] = await _children[i].SeekToAsync(target, depth, cancellationToken).ConfigureAwait(false);
            }
        }
        return await MoveNextAsync(cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => $"Union@{Depth}({string.Join(", ", (IEnumerable<IScanIterator>)_children)})";
}
