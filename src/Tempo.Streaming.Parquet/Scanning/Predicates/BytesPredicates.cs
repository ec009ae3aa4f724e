namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// Byte-string ranges (=, &lt;, &lt;=, &gt;, &gt;=, between) in unsigned lexicographic order — the order of UTF-8
/// strings by code point and of Parquet's BYTE_ARRAY statistics. A null bound is open.
/// </summary>
public sealed class BytesRangePredicate(byte[]? min, bool minInclusive, byte[]? max, bool maxInclusive, string description) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value) => value.Kind == ColumnValueKind.Bytes && InRange(value.Bytes.Span);

    private bool InRange(ReadOnlySpan<byte> v)
    {
        if (min is not null)
        {
            var c = v.SequenceCompareTo(min);
            if (minInclusive ? c < 0 : c <= 0) return false;
        }
        if (max is not null)
        {
            var c = v.SequenceCompareTo(max);
            if (maxInclusive ? c > 0 : c >= 0) return false;
        }
        return true;
    }

    public override bool KeepBounds(in ValueBounds bounds)
    {
        if (bounds.AllNull) return false;
        if (bounds.Kind != BoundsKind.Bytes) return true;
        if (max is not null)
        {
            var c = bounds.MinBytes.AsSpan().SequenceCompareTo(max);
            if (maxInclusive ? c > 0 : c >= 0) return false;
        }
        if (min is not null)
        {
            var c = bounds.MaxBytes.AsSpan().SequenceCompareTo(min);
            if (minInclusive ? c < 0 : c <= 0) return false;
        }
        return true;
    }

    public override string ToString() => description;
}

/// <summary>Byte-string inequality (a null matches nothing).</summary>
public sealed class BytesNotEqualPredicate(byte[] constant, string description) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value) => value.Kind == ColumnValueKind.Bytes && !value.Bytes.Span.SequenceEqual(constant);

    public override bool KeepBounds(in ValueBounds bounds)
        => !bounds.AllNull
            && !(bounds.Kind == BoundsKind.Bytes && bounds.MinBytes.AsSpan().SequenceEqual(constant) && bounds.MaxBytes.AsSpan().SequenceEqual(constant));

    public override string ToString() => description;
}

/// <summary>Byte-string set membership (hash lookup on the value's bytes, no copy).</summary>
public sealed class BytesInPredicate : ColumnPredicate
{
    private readonly HashSet<byte[]> _set;
    private readonly HashSet<byte[]>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly string _description;

    public BytesInPredicate(IEnumerable<byte[]> values, string description)
    {
        ArgumentNullException.ThrowIfNull(values);
        _set = new HashSet<byte[]>(values, ByteSequenceComparer.Instance);
        _lookup = _set.GetAlternateLookup<ReadOnlySpan<byte>>();
        _description = description;
    }

    public override bool KeepValue(in ColumnValue value) => value.Kind == ColumnValueKind.Bytes && _lookup.Contains(value.Bytes.Span);

    public override bool KeepBounds(in ValueBounds bounds)
    {
        if (bounds.AllNull || _set.Count == 0) return false;
        if (bounds.Kind != BoundsKind.Bytes) return true;
        foreach (var v in _set)
        {
            if (v.AsSpan().SequenceCompareTo(bounds.MinBytes) >= 0 && v.AsSpan().SequenceCompareTo(bounds.MaxBytes) <= 0) return true;
        }
        return false;
    }

    public override string ToString() => _description;
}

/// <summary>Byte-string prefix (TraceQL has none, but tag-value autocomplete and Tempo's search by prefix do).</summary>
public sealed class BytesPrefixPredicate(byte[] prefix, string description) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value) => value.Kind == ColumnValueKind.Bytes && value.Bytes.Span.StartsWith(prefix);

    /// <summary>Some v in [min, max] starts with p iff min cut to |p| bytes ≤ p ≤ max (lexicographic order).</summary>
    public override bool KeepBounds(in ValueBounds bounds)
    {
        if (bounds.AllNull) return false;
        if (bounds.Kind != BoundsKind.Bytes) return true;
        var min = bounds.MinBytes.AsSpan();
        if (min.Length > prefix.Length) min = min[..prefix.Length];
        return min.SequenceCompareTo(prefix) <= 0 && bounds.MaxBytes.AsSpan().SequenceCompareTo(prefix) >= 0;
    }

    public override string ToString() => description;
}

/// <summary>Boolean equality.</summary>
public sealed class BooleanEqualPredicate(bool constant) : ColumnPredicate
{
    public override bool KeepValue(in ColumnValue value) => value.Kind == ColumnValueKind.Boolean && value.Boolean == constant;

    public override bool KeepBounds(in ValueBounds bounds)
    {
        if (bounds.AllNull) return false;
        if (bounds.Kind != BoundsKind.Boolean) return true;
        return constant ? bounds.MaxBoolean : !bounds.MinBoolean;
    }

    public override string ToString() => constant ? "= true" : "= false";
}

internal static class Utf8Text
{
    public static byte[] Bytes(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return System.Text.Encoding.UTF8.GetBytes(value);
    }
}
