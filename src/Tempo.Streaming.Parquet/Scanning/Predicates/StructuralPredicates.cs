namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>Matches entries without a value (definition level below the column's maximum: a null or a missing parent).</summary>
public sealed class IsNullPredicate : ColumnPredicate
{
    public static readonly IsNullPredicate Instance = new();

    public override bool KeepValue(in ColumnValue value) => value.IsNull;

    public override bool KeepBounds(in ValueBounds bounds) => bounds.MayContainNull;

    // Nulls never appear in a dictionary; the iterator keeps the chunk on its own when it may hold nulls.
    public override bool KeepDictionary(ColumnDescriptor column, ColumnBatch dictionary) => false;

    public override string ToString() => "is null";
}

/// <summary>Matches entries that hold a value (definition level = the column's maximum).</summary>
public sealed class IsNotNullPredicate : ColumnPredicate
{
    public static readonly IsNotNullPredicate Instance = new();

    public override bool KeepValue(in ColumnValue value) => !value.IsNull;

    public override bool KeepBounds(in ValueBounds bounds) => !bounds.AllNull;

    public override bool KeepDictionary(ColumnDescriptor column, ColumnBatch dictionary) => dictionary.ValueCount > 0;

    public override string ToString() => "is not null";
}

/// <summary>All children must match. Pruning keeps only what every child keeps.</summary>
public sealed class AndPredicate : ColumnPredicate
{
    private readonly ColumnPredicate[] _children;

    public AndPredicate(params ColumnPredicate[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Length == 0) throw new ArgumentException("AND needs at least one predicate", nameof(children));
        _children = children;
    }

    public override bool IsExpensive
    {
        get
        {
            foreach (var c in _children)
            {
                if (c.IsExpensive) return true;
            }
            return false;
        }
    }

    public override bool KeepValue(in ColumnValue value)
    {
        foreach (var c in _children)
        {
            if (!c.KeepValue(value)) return false;
        }
        return true;
    }

    public override bool KeepBounds(in ValueBounds bounds)
    {
        foreach (var c in _children)
        {
            if (!c.KeepBounds(bounds)) return false;
        }
        return true;
    }

    public override string ToString() => "(" + string.Join(" && ", (IEnumerable<ColumnPredicate>)_children) + ")";
}

/// <summary>Any child may match. Pruning keeps what any child keeps.</summary>
public sealed class OrPredicate : ColumnPredicate
{
    private readonly ColumnPredicate[] _children;

    public OrPredicate(params ColumnPredicate[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Length == 0) throw new ArgumentException("OR needs at least one predicate", nameof(children));
        _children = children;
    }

    public override bool IsExpensive
    {
        get
        {
            foreach (var c in _children)
            {
                if (c.IsExpensive) return true;
            }
            return false;
        }
    }

    public override bool KeepValue(in ColumnValue value)
    {
        foreach (var c in _children)
        {
            if (c.KeepValue(value)) return true;
        }
        return false;
    }

    public override bool KeepBounds(in ValueBounds bounds)
    {
        foreach (var c in _children)
        {
            if (c.KeepBounds(bounds)) return true;
        }
        return false;
    }

    public override string ToString() => "(" + string.Join(" || ", (IEnumerable<ColumnPredicate>)_children) + ")";
}

/// <summary>
/// A caller-supplied test (TraceQL conditions the typed predicates do not express). Optionally with a bounds test;
/// without one nothing is pruned by statistics, but dictionaries are still checked entry by entry.
/// </summary>
public sealed class CallbackPredicate(ColumnValueTest test, Func<ValueBounds, bool>? boundsTest = null, string description = "callback") : ColumnPredicate
{
    public override bool IsExpensive => true;

    public override bool KeepValue(in ColumnValue value) => test(value);

    public override bool KeepBounds(in ValueBounds bounds) => boundsTest is null || boundsTest(bounds);

    public override string ToString() => description;
}
