namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// Integer ranges: =, &lt;, &lt;=, &gt;, &gt;=, between. Matches <see cref="ColumnValueKind.Int64"/> and
/// <see cref="ColumnValueKind.UInt64"/> values; comparisons are on the mathematical value (128-bit), so an unsigned
/// column's values above <see cref="long.MaxValue"/> are greater than every signed constant.
/// </summary>
public sealed class IntegerRangePredicate(Int128 min, bool minInclusive, Int128 max, bool maxInclusive, string description) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value)
    {
        if (value.Kind is not (ColumnValueKind.Int64 or ColumnValueKind.UInt64)) return false;
        var v = value.Integer;
        return (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
    }

    public override bool KeepBounds(in ValueBounds bounds)
    {
        if (bounds.AllNull) return false;
        if (bounds.Kind != BoundsKind.Integer) return true;
        return (maxInclusive ? bounds.MinInteger <= max : bounds.MinInteger < max)
            && (minInclusive ? bounds.MaxInteger >= min : bounds.MaxInteger > min);
    }

    public override string ToString() => description;
}

/// <summary>Integer inequality (TraceQL <c>!=</c>: a null does not match).</summary>
public sealed class IntegerNotEqualPredicate(long constant) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value)
        => value.Kind is ColumnValueKind.Int64 or ColumnValueKind.UInt64 && value.Integer != constant;

    public override bool KeepBounds(in ValueBounds bounds)
        => !bounds.AllNull && !(bounds.Kind == BoundsKind.Integer && bounds.MinInteger == constant && bounds.MaxInteger == constant);

    public override string ToString() => $"!= {constant}";
}

/// <summary>Integer set membership.</summary>
public sealed class IntegerInPredicate : ColumnPredicate
{
    private readonly long[] _sorted;

    public IntegerInPredicate(IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _sorted = [.. new SortedSet<long>(values)];
    }

    public override bool KeepValue(in ColumnValue value)
    {
        if (value.Kind == ColumnValueKind.Int64) return Array.BinarySearch(_sorted, value.Int64) >= 0;
        return value.Kind == ColumnValueKind.UInt64 && value.UInt64 <= long.MaxValue && Array.BinarySearch(_sorted, value.Int64) >= 0;
    }

    public override bool KeepBounds(in ValueBounds bounds)
    {
        if (bounds.AllNull || _sorted.Length == 0) return false;
        if (bounds.Kind != BoundsKind.Integer) return true;
        foreach (var v in _sorted)
        {
            if (v >= bounds.MinInteger && v <= bounds.MaxInteger) return true;
        }
        return false;
    }

    public override string ToString() => $"in ({string.Join(", ", _sorted)})";
}
