namespace Tempo.Streaming.Parquet.Scanning;

/// <summary>
/// Turns the typed arrays of a <see cref="ColumnBatch"/> into <see cref="ColumnValue"/>s for one column, applying the
/// widening rules of <see cref="ColumnValueKind"/> (decided once per column from its physical and logical type).
/// </summary>
internal sealed class ColumnValueDecoder
{
    private readonly PhysicalType _type;
    private readonly bool _unsigned;
    private readonly int _maxDefinitionLevel;

    public ColumnValueDecoder(ColumnDescriptor column)
    {
        _type = column.Type;
        _unsigned = IsUnsignedInteger(column);
        _maxDefinitionLevel = column.MaxDefinitionLevel;
    }

    /// <summary>True for INT32/INT64 columns annotated as unsigned integers (UINT_8 … UINT_64).</summary>
    public static bool IsUnsignedInteger(ColumnDescriptor column)
        => column.Node.LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false };

    public ColumnValue Decode(ColumnBatch batch, int valueIndex) => _type switch
    {
        PhysicalType.Boolean => ColumnValue.FromBoolean(batch.Booleans[valueIndex], _maxDefinitionLevel),
        PhysicalType.Int32 => ColumnValue.FromInt64(
            _unsigned ? unchecked((uint)batch.Int32s[valueIndex]) : batch.Int32s[valueIndex], _maxDefinitionLevel),
        PhysicalType.Int64 => _unsigned
            ? ColumnValue.FromUInt64(unchecked((ulong)batch.Int64s[valueIndex]), _maxDefinitionLevel)
            : ColumnValue.FromInt64(batch.Int64s[valueIndex], _maxDefinitionLevel),
        PhysicalType.Float => ColumnValue.FromDouble(batch.Floats[valueIndex], _maxDefinitionLevel),
        PhysicalType.Double => ColumnValue.FromDouble(batch.Doubles[valueIndex], _maxDefinitionLevel),
        _ => ColumnValue.FromBytes(
            batch.ByteData.AsMemory(batch.ByteOffsets[valueIndex], batch.ByteOffsets[valueIndex + 1] - batch.ByteOffsets[valueIndex]),
            _maxDefinitionLevel),
    };
}
