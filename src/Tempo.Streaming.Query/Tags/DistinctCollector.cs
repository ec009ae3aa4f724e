namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// Collects distinct values with Tempo's two stop conditions (pkg/collector <c>DistinctString</c>): at most
/// <c>limit</c> values, and at most <c>maxStaleValues</c> consecutive values that were already known. Either one sets
/// <see cref="Exceeded"/>, after which nothing more is collected. 0 disables a condition.
/// </summary>
internal sealed class DistinctCollector<T>
    where T : notnull
{
    private readonly HashSet<T> _seen;
    private readonly List<T> _values = [];
    private readonly int _limit;
    private readonly int _maxStaleValues;
    private int _staleRun;

    public DistinctCollector(int limit, int maxStaleValues, IEqualityComparer<T>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(maxStaleValues);
        _limit = limit;
        _maxStaleValues = maxStaleValues;
        _seen = new HashSet<T>(comparer);
    }

    public bool Exceeded { get; private set; }

    /// <summary>The collected values in the order they were first seen.</summary>
    public List<T> Values => _values;

    /// <returns>True when collection has stopped (the caller can stop feeding values).</returns>
    public bool Collect(T value)
    {
        if (Exceeded)
        {
            return true;
        }

        if (_seen.Contains(value))
        {
            _staleRun++;
            if (_maxStaleValues > 0 && _staleRun >= _maxStaleValues)
            {
                Exceeded = true;
            }

            return Exceeded;
        }

        _staleRun = 0;
        if (_limit > 0 && _values.Count >= _limit)
        {
            Exceeded = true;
            return true;
        }

        _seen.Add(value);
        _values.Add(value);
        return false;
    }
}
