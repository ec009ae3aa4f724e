namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>Builders for the predicates a scan pushes down (TraceQL's comparison operators and a few more).</summary>
public static class ColumnPredicates
{
    // Integers (INT32, INT64, unsigned ones included: comparisons are on the mathematical value).
    public static ColumnPredicate Equal(long value) => new IntegerRangePredicate(value, true, value, true, $"= {value}");
    public static ColumnPredicate NotEqual(long value) => new IntegerNotEqualPredicate(value);
    public static ColumnPredicate Less(long value) => new IntegerRangePredicate(Int128.MinValue, true, value, false, $"< {value}");
    public static ColumnPredicate LessOrEqual(long value) => new IntegerRangePredicate(Int128.MinValue, true, value, true, $"<= {value}");
    public static ColumnPredicate Greater(long value) => new IntegerRangePredicate(value, false, Int128.MaxValue, true, $"> {value}");
    public static ColumnPredicate GreaterOrEqual(long value) => new IntegerRangePredicate(value, true, Int128.MaxValue, true, $">= {value}");

    /// <summary>min ≤ v ≤ max.</summary>
    public static ColumnPredicate Between(long min, long max) => new IntegerRangePredicate(min, true, max, true, $"between {min} and {max}");

    /// <summary>An integer range over the full unsigned 64-bit domain too (e.g. UINT_64 timestamps past 2^63).</summary>
    public static ColumnPredicate IntegerRange(Int128 min, bool minInclusive, Int128 max, bool maxInclusive)
        => new IntegerRangePredicate(min, minInclusive, max, maxInclusive,
            $"{(minInclusive ? "[" : "(")}{min}, {max}{(maxInclusive ? "]" : ")")}");

    public static ColumnPredicate In(params long[] values) => new IntegerInPredicate(values);

    // Floating point (FLOAT, DOUBLE).
    public static ColumnPredicate Equal(double value) => new DoubleRangePredicate(value, true, value, true, $"= {value}");
    public static ColumnPredicate NotEqual(double value) => new DoubleNotEqualPredicate(value);
    public static ColumnPredicate Less(double value) => new DoubleRangePredicate(double.NegativeInfinity, true, value, false, $"< {value}");
    public static ColumnPredicate LessOrEqual(double value) => new DoubleRangePredicate(double.NegativeInfinity, true, value, true, $"<= {value}");
    public static ColumnPredicate Greater(double value) => new DoubleRangePredicate(value, false, double.PositiveInfinity, true, $"> {value}");
    public static ColumnPredicate GreaterOrEqual(double value) => new DoubleRangePredicate(value, true, double.PositiveInfinity, true, $">= {value}");
    public static ColumnPredicate Between(double min, double max) => new DoubleRangePredicate(min, true, max, true, $"between {min} and {max}");

    // Strings (UTF-8 byte arrays, compared by bytes = by code point).
    public static ColumnPredicate Equal(string value) => EqualBytes(Utf8Text.Bytes(value), $"= \"{value}\"");
    public static ColumnPredicate NotEqual(string value) => new BytesNotEqualPredicate(Utf8Text.Bytes(value), $"!= \"{value}\"");
    public static ColumnPredicate Less(string value) => new BytesRangePredicate(null, true, Utf8Text.Bytes(value), false, $"< \"{value}\"");
    public static ColumnPredicate LessOrEqual(string value) => new BytesRangePredicate(null, true, Utf8Text.Bytes(value), true, $"<= \"{value}\"");
    public static ColumnPredicate Greater(string value) => new BytesRangePredicate(Utf8Text.Bytes(value), false, null, true, $"> \"{value}\"");
    public static ColumnPredicate GreaterOrEqual(string value) => new BytesRangePredicate(Utf8Text.Bytes(value), true, null, true, $">= \"{value}\"");
    public static ColumnPredicate Between(string min, string max)
        => new BytesRangePredicate(Utf8Text.Bytes(min), true, Utf8Text.Bytes(max), true, $"between \"{min}\" and \"{max}\"");

    public static ColumnPredicate In(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var bytes = new byte[values.Length][];
        for (var i = 0; i < values.Length; i++) bytes[i] = Utf8Text.Bytes(values[i]);
        return new BytesInPredicate(bytes, $"in (\"{string.Join("\", \"", values)}\")");
    }

    public static ColumnPredicate StartsWith(string prefix) => new BytesPrefixPredicate(Utf8Text.Bytes(prefix), $"starts with \"{prefix}\"");

    /// <summary>TraceQL <c>=~</c>: the whole value matches the pattern.</summary>
    public static ColumnPredicate Regex(string pattern) => new RegexPredicate(pattern);

    /// <summary>TraceQL <c>!~</c>: a non-null value that does not match the pattern.</summary>
    public static ColumnPredicate NotRegex(string pattern) => new RegexPredicate(pattern, negate: true);

    // Raw bytes (trace and span IDs).
    public static ColumnPredicate EqualBytes(byte[] value) => EqualBytes(value, $"= 0x{Convert.ToHexString(value)}");

    private static BytesRangePredicate EqualBytes(byte[] value, string description)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new BytesRangePredicate(value, true, value, true, description);
    }

    public static ColumnPredicate Equal(bool value) => new BooleanEqualPredicate(value);

    public static ColumnPredicate IsNull() => IsNullPredicate.Instance;
    public static ColumnPredicate IsNotNull() => IsNotNullPredicate.Instance;
    public static ColumnPredicate And(params ColumnPredicate[] predicates) => new AndPredicate(predicates);
    public static ColumnPredicate Or(params ColumnPredicate[] predicates) => new OrPredicate(predicates);

    public static ColumnPredicate Callback(ColumnValueTest test, Func<ValueBounds, bool>? boundsTest = null, string description = "callback")
    {
        ArgumentNullException.ThrowIfNull(test);
        return new CallbackPredicate(test, boundsTest, description);
    }
}
