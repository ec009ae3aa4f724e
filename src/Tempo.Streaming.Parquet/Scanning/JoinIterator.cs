namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// AND of iterators at a depth (Tempo's JoinIterator / LeftJoinIterator): yields each position at
/// <see cref="Depth"/> where every required iterator has a result, with the values of all of them and those of the
/// optional iterators at the same position. Joining span-level columns at depth 3 (vParquet4's span) gives "spans where
/// A and B"; at depth 0, "traces where …". Optional iterators are the second pass: extra columns fetched only for the
/// positions found, by seeking (row groups and pages before each position are skipped undecoded).
/// <para>The leading required iterator is the one furthest ahead: the others seek to it, so the most selective child
/// drives the scan (Tempo's swap-to-front heuristic).</para>
/// </summary>
public sealed class JoinIterator : IScanIterator
{
    private readonly IScanIterator[] _required;
    private readonly IScanIterator[] _optional;
    private readonly bool[] _optionalHas;
    private readonly bool[] _optionalDone;
    private readonly Func<ScanResult, bool>? _keep;
    private readonly ScanResult _current = new();
    private bool _started;
    private bool _exhausted;
    private bool _hasCurrent;

    /// <param name="depth">The repetition depth results are joined at (0 = row).</param>
    /// <param name="required">Iterators that must all have a result at a position.</param>
    /// <param name="optional">Iterators whose results are added when present (may be null).</param>
    /// <param name="keep">A test on each joined result (Tempo's GroupPredicate); null keeps all.</param>
    public JoinIterator(int depth, IReadOnlyList<IScanIterator> required, IReadOnlyList<IScanIterator>? optional = null, Func<ScanResult, bool>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(required);
        if (required.Count == 0) throw new ArgumentException("a join needs at least one required iterator", nameof(required));
        if (depth is < 0 or >= RowNumber.MaxDepth) throw new ArgumentOutOfRangeException(nameof(depth), depth, $"depth must be 0 to {RowNumber.MaxDepth - 1}");
        Depth = depth;
        _required = [.. required];
        _optional = optional is null ? [] : [.. optional];
        _optionalHas = new bool[_optional.Length];
        _optionalDone = new bool[_optional.Length];
        _keep = keep;
    }

    public int Depth { get; }

    public ScanResult Current => _current;

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            _started = true;
            foreach (var child in _required)
            {
                if (!await child.MoveNextAsync(cancellationToken).ConfigureAwait(false)) return End();
            }
        }

        while (!_exhausted)
        {
            if (!await AlignAsync(cancellationToken).ConfigureAwait(false)) return End();
            await CollectAsync(cancellationToken).ConfigureAwait(false);
            if (_keep is null || _keep(_current))
            {
                _hasCurrent = true;
                return true;
            }
        }
        return End();
    }

    public async ValueTask<bool> SeekToAsync(RowNumber target, int depth, CancellationToken cancellationToken = default)
    {
        if (_hasCurrent && RowNumber.Compare(_current.Position, target, depth) >= 0) return true;
        if (_exhausted) return false;
        var fresh = !_started;
        _started = true;
        foreach (var child in _required)
        {
            if (fresh || RowNumber.Compare(child.Current.Position, target, depth) < 0)
            {
                if (!await child.SeekToAsync(target, depth, cancellationToken).ConfigureAwait(false)) return End();
            }
        }
        return await MoveNextAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Seeks the required iterators until all stand on the same position at the join depth.</summary>
    private async ValueTask<bool> AlignAsync(CancellationToken cancellationToken)
    {
        var i = 1;
        while (i < _required.Length)
        {
            var lead = _required[0].Current.Position;
            var child = _required[i];
            if (RowNumber.Compare(child.Current.Position, lead, Depth) < 0
                && !await child.SeekToAsync(lead, Depth, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
            if (RowNumber.Compare(child.Current.Position, lead, Depth) > 0)
            {
                // This child is further ahead: it leads now, and every other child must catch up with it.
                (_required[0], _required[i]) = (_required[i], _required[0]);
                i = 1;
                continue;
            }
            i++;
        }
        return true;
    }

    private async ValueTask CollectAsync(CancellationToken cancellationToken)
    {
        var position = _required[0].Current.Position.TruncateTo(Depth);
        _current.Reset(position);
        foreach (var child in _required)
        {
            do
            {
                _current.AddCopies(child.Current);
                if (!await child.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    // This result stands; there is no further one.
                    _exhausted = true;
                    break;
                }
            }
            while (RowNumber.EqualAt(child.Current.Position, position, Depth));
        }

        for (var j = 0; j < _optional.Length; j++)
        {
            if (_optionalDone[j]) continue;
            var child = _optional[j];
            if (!_optionalHas[j] || RowNumber.Compare(child.Current.Position, position, Depth) < 0)
            {
                _optionalHas[j] = await child.SeekToAsync(position, Depth, cancellationToken).ConfigureAwait(false);
            }
            while (_optionalHas[j] && RowNumber.EqualAt(child.Current.Position, position, Depth))
            {
                _current.AddCopies(child.Current);
                _optionalHas[j] = await child.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            }
            if (!_optionalHas[j]) _optionalDone[j] = true;
        }
    }

    private bool End()
    {
        _exhausted = true;
        _hasCurrent = false;
        return false;
    }

    public override string ToString() => $"Join@{Depth}({string.Join(", ", (IEnumerable<IScanIterator>)_required)}"
        + (_optional.Length > 0 ? $"; optional {string.Join(", ", (IEnumerable<IScanIterator>)_optional)}" : "") + ")";
}
