using System.Buffers.Binary;

namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>What min/max statistics describe, after decoding for the column's type and sort order.</summary>
public enum BoundsKind : byte
{
    /// <summary>No usable min/max (absent, NaN, or a type whose order this reader does not rely on).</summary>
    None,
    Boolean,
    /// <summary>INT32/INT64 widened to 128 bits with the column's signedness, so UINT_64 compares unsigned.</summary>
    Integer,
    Double,
    /// <summary>BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY in unsigned lexicographic order (Parquet's TypeDefinedOrder).</summary>
    Bytes,
}

/// <summary>
/// The statistics of a column chunk (row-group pruning) or of one data page (page-index pruning), decoded once so
/// predicates compare numbers and bytes, not PLAIN encodings. Min/max are PLAIN-encoded in the file; integers are
/// compared signed unless the column carries an unsigned integer logical type (parquet-format LogicalTypes.md: the
/// sort order of UINT_* is unsigned, so a UINT_64 max of 2^63 must not read as negative).
/// </summary>
public readonly struct ValueBounds
{
    private ValueBounds(BoundsKind kind, Int128 minInteger, Int128 maxInteger, double minDouble, double maxDouble,
        byte[]? minBytes, byte[]? maxBytes, long? nullCount, bool allNull)
    {
        Kind = kind;
        MinInteger = minInteger;
        MaxInteger = maxInteger;
        MinDouble = minDouble;
        MaxDouble = maxDouble;
        MinBytes = minBytes;
        MaxBytes = maxBytes;
        NullCount = nullCount;
        AllNull = allNull;
    }

    public BoundsKind Kind { get; }
    public bool HasMinMax => Kind != BoundsKind.None;
    public Int128 MinInteger { get; }
    public Int128 MaxInteger { get; }
    public double MinDouble { get; }
    public double MaxDouble { get; }
    public byte[]? MinBytes { get; }
    public byte[]? MaxBytes { get; }

    /// <summary>Booleans are kept as integers 0/1.</summary>
    public bool MinBoolean => MinInteger != 0;
    public bool MaxBoolean => MaxInteger != 0;

    /// <summary>Entries below the maximum definition level (nulls and empty lists), when the writer recorded it.</summary>
    public long? NullCount { get; }

    /// <summary>True when the chunk or page holds no value at all (every entry is null).</summary>
    public bool AllNull { get; }

    /// <summary>False only when the statistics prove there is no null entry.</summary>
    public bool MayContainNull => NullCount is null || NullCount.Value > 0;

    /// <summary>Bounds that prove nothing (every predicate keeps them).</summary>
    public static ValueBounds Unknown => new(BoundsKind.None, 0, 0, 0, 0, null, null, null, false);

    /// <summary>The bounds of a whole column chunk from the footer statistics.</summary>
    public static ValueBounds FromChunk(ColumnChunkInfo chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var stats = chunk.Statistics;
        if (stats is null) return Unknown;
        var allNull = stats.NullCount is { } n && n >= chunk.ValueCount;
        return Decode(chunk.Column, stats.Min, stats.Max, stats.NullCount, allNull);
    }

    /// <summary>The bounds of one data page from the column index.</summary>
    public static ValueBounds FromPage(ColumnDescriptor column, PageIndexEntry page)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(page);
        // A null page has meaningless (often empty) min/max in the ColumnIndex; only its null-ness counts.
        return page.IsAllNull
            ? new ValueBounds(BoundsKind.None, 0, 0, 0, 0, null, null, page.NullCount, true)
            : Decode(column, page.Min, page.Max, page.NullCount, false);
    }

    private static ValueBounds Decode(ColumnDescriptor column, byte[]? min, byte[]? max, long? nullCount, bool allNull)
    {
        var none = new ValueBounds(BoundsKind.None, 0, 0, 0, 0, null, null, nullCount, allNull);
        if (min is null || max is null || allNull) return none;
        var logical = column.Node.LogicalType?.Kind;
        switch (column.Type)
        {
            case PhysicalType.Boolean:
                return min.Length >= 1 && max.Length >= 1
                    ? new ValueBounds(BoundsKind.Boolean, min[0] != 0 ? 1 : 0, max[0] != 0 ? 1 : 0, 0, 0, null, null, nullCount, false)
                    : none;
            case PhysicalType.Int32:
                {
                    if (min.Length != 4 || max.Length != 4) return none;
                    var unsigned = ColumnValueDecoder.IsUnsignedInteger(column);
                    Int128 lo = unsigned ? BinaryPrimitives.ReadUInt32LittleEndian(min) : BinaryPrimitives.ReadInt32LittleEndian(min);
                    Int128 hi = unsigned ? BinaryPrimitives.ReadUInt32LittleEndian(max) : BinaryPrimitives.ReadInt32LittleEndian(max);
                    return new ValueBounds(BoundsKind.Integer, lo, hi, 0, 0, null, null, nullCount, false);
                }
            case PhysicalType.Int64:
                {
                    if (min.Length != 8 || max.Length != 8) return none;
                    var unsigned = ColumnValueDecoder.IsUnsignedInteger(column);
                    Int128 lo = unsigned ? BinaryPrimitives.ReadUInt64LittleEndian(min) : BinaryPrimitives.ReadInt64LittleEndian(min);
                    Int128 hi = unsigned ? BinaryPrimitives.ReadUInt64LittleEndian(max) : BinaryPrimitives.ReadInt64LittleEndian(max);
                    return new ValueBounds(BoundsKind.Integer, lo, hi, 0, 0, null, null, nullCount, false);
                }
            case PhysicalType.Float:
            case PhysicalType.Double:
                {
                    double lo, hi;
                    if (column.Type == PhysicalType.Float)
                    {
                        if (min.Length != 4 || max.Length != 4) return none;
                        lo = BinaryPrimitives.ReadSingleLittleEndian(min);
                        hi = BinaryPrimitives.ReadSingleLittleEndian(max);
                    }
                    else
                    {
                        if (min.Length != 8 || max.Length != 8) return none;
                        lo = BinaryPrimitives.ReadDoubleLittleEndian(min);
                        hi = BinaryPrimitives.ReadDoubleLittleEndian(max);
                    }
                    // The spec says NaN must not be written into min/max; a writer that did gives no usable order.
                    if (double.IsNaN(lo) || double.IsNaN(hi)) return none;
                    // parquet-format: a zero min may have been written as +0 and a zero max as -0; widen both.
                    if (lo == 0) lo = -0.0;
                    if (hi == 0) hi = 0.0;
                    return new ValueBounds(BoundsKind.Double, 0, 0, lo, hi, null, null, nullCount, false);
                }
            case PhysicalType.ByteArray:
            case PhysicalType.FixedLenByteArray:
                // DECIMAL byte arrays sort as signed two's complement, FLOAT16 as numbers: not the byte order used here.
                return logical is LogicalTypeKind.Decimal or LogicalTypeKind.Float16
                    ? none
                    : new ValueBounds(BoundsKind.Bytes, 0, 0, 0, 0, min, max, nullCount, false);
            default:
                // INT96 has no defined sort order.
                return none;
        }
    }
}
