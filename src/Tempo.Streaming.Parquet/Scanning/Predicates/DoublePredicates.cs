namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>Floating-point ranges on FLOAT/DOUBLE columns (<see cref="ColumnValueKind.Double"/>); NaN matches nothing.</summary>
public sealed class DoubleRangePredicate(double min, bool minInclusive, double max, bool maxInclusive, string description) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value)
    {
        if (value.Kind != ColumnValueKind.Double) return false;
        var v = value.Double;
        return (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
    }

    public override bool KeepBounds(in ValueBounds bounds)
    {
        if (bounds.AllNull) return false;
        if (bounds.Kind != BoundsKind.Double) return true;
        return (maxInclusive ? bounds.MinDouble <= max : bounds.MinDouble < max)
            && (minInclusive ? bounds.MaxDouble >= min : bounds.MaxDouble > min);
    }

    public override string ToString() => description;
}

/// <summary>Floating-point inequality; a NaN value is unequal to every constant (IEEE), a null matches nothing.</summary>
public sealed class DoubleNotEqualPredicate(double constant) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value) => value.Kind == ColumnValueKind.Double && value.Double != constant;

    // A chunk whose min = max = constant could still hold NaNs (excluded from statistics), so only all-null pruning is safe.
    public override bool KeepBounds(in ValueBounds bounds) => !bounds.AllNull;

    public override string ToString() => $"!= {constant}";
}
