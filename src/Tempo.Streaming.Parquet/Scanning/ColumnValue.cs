using System.Runtime.CompilerServices;


namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>How a scanned value is to be read. Integer physical types are widened so predicates compare numbers, not
/// storage: INT32 (signed or unsigned 8/16/32) → <see cref="Int64"/>, INT64 → <see cref="Int64"/> unless it is
/// annotated unsigned (Tempo's UINT_64 timestamps) → <see cref="UInt64"/>, FLOAT and DOUBLE → <see cref="Double"/>,
/// byte arrays, fixed-length byte arrays and INT96 → <see cref="Bytes"/>.</summary>
public enum ColumnValueKind : byte
{
    /// <summary>The entry has no value: its definition level is below the column's maximum.</summary>
    Null,
    Boolean,
    Int64,
    /// <summary>An INT64 column with an unsigned logical type; the 64 bits read as <see cref="ulong"/>.</summary>
    UInt64,
    Double,
    Bytes,
}

/// <summary>
/// One scanned value without boxing. Numbers live in 64 bits (a double by its bit pattern); bytes are a window on the
/// iterator's decode buffer — valid until the iterator moves, copy them (<see cref="ReadOnlyMemory{T}.ToArray"/>) to
/// keep them. <see cref="DefinitionLevel"/> says how much of the column's path exists for a null.
/// </summary>
public readonly struct ColumnValue
{
    private readonly long _bits;

    private ColumnValue(ColumnValueKind kind, long bits, ReadOnlyMemory<byte> bytes, int definitionLevel)
    {
        Kind = kind;
        _bits = bits;
        Bytes = bytes;
        DefinitionLevel = (short)definitionLevel;
    }

    public ColumnValueKind Kind { get; }

    /// <summary>The entry's definition level (the column's maximum for every non-null value).</summary>
    public short DefinitionLevel { get; }

    public bool IsNull => Kind == ColumnValueKind.Null;

    public bool Boolean => _bits != 0;

    /// <summary>The integer value (for <see cref="ColumnValueKind.UInt64"/> the raw bits; see <see cref="UInt64"/>).</summary>
    public long Int64 => _bits;

    public ulong UInt64 => unchecked((ulong)_bits);

    public double Double => BitConverter.Int64BitsToDouble(_bits);

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The bytes decoded as UTF-8 (allocates; for tests and result shaping, not per-value loops).</summary>
    public string GetString() => System.Text.Encoding.UTF8.GetString(Bytes.Span);

    /// <summary>An integer widened to 128 bits with its sign or unsignedness applied (for exact comparisons).</summary>
    internal Int128 Integer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Kind == ColumnValueKind.UInt64 ? (Int128)unchecked((ulong)_bits) : (Int128)_bits;
    }

    public static ColumnValue Null(int definitionLevel) => new(ColumnValueKind.Null, 0, default, definitionLevel);
    public static ColumnValue FromBoolean(bool value, int definitionLevel) => new(ColumnValueKind.Boolean, value ? 1 : 0, default, definitionLevel);
    public static ColumnValue FromInt64(long value, int definitionLevel) => new(ColumnValueKind.Int64, value, default, definitionLevel);
    public static ColumnValue FromUInt64(ulong value, int definitionLevel) => new(ColumnValueKind.UInt64, unchecked((long)value), default, definitionLevel);
    public static ColumnValue FromDouble(double value, int definitionLevel) => new(ColumnValueKind.Double, BitConverter.DoubleToInt64Bits(value), default, definitionLevel);
    public static ColumnValue FromBytes(ReadOnlyMemory<byte> value, int definitionLevel) => new(ColumnValueKind.Bytes, 0, value, definitionLevel);

    /// <summary>The same value with its bytes moved to <paramref name="bytes"/> (used when results outlive a batch).</summary>
    internal ColumnValue WithBytes(ReadOnlyMemory<byte> bytes) => new(Kind, _bits, bytes, DefinitionLevel);

    public override string ToString() => Kind switch
    {
        ColumnValueKind.Null => $"null(def {DefinitionLevel})",
        ColumnValueKind.Boolean => Boolean ? "true" : "false",
        ColumnValueKind.Int64 => Int64.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ColumnValueKind.UInt64 => UInt64.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ColumnValueKind.Double => Double.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => $"\"{GetString()}\"",
    };
}
