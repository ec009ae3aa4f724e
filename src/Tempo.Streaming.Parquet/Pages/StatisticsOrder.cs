using System.Buffers.Binary;

namespace Tempo.Streaming.Parquet;

/// <summary>
/// The sort order min/max statistics use (parquet.thrift <c>ColumnOrder</c> → TypeDefinedOrder): signed for INT32 and
/// INT64 unless the logical type is an unsigned integer, IEEE 754 for FLOAT and DOUBLE (NaN never a bound), false &lt;
/// true for BOOLEAN, unsigned lexicographic bytes for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY. Values are PLAIN encoded
/// (little-endian numbers, raw bytes) as statistics store them.
/// </summary>
internal static class StatisticsOrder
{
    public static bool IsUnsigned(ColumnDescriptor column)
        => column.Node.LogicalType is { Kind: LogicalTypeKind.Integer, IsSigned: false };

    /// <summary>
    /// Whether the deprecated <c>min</c>/<c>max</c> fields (1, 2) may be written: their order is the legacy signed
    /// comparison, which agrees with TypeDefinedOrder only for signed integers, floating point and booleans
    /// (parquet-format issue PARQUET-686: readers must ignore them for byte arrays and unsigned integers).
    /// </summary>
    public static bool LegacyOrderAgrees(ColumnDescriptor column) => column.Type switch
    {
        PhysicalType.Int32 or PhysicalType.Int64 => !IsUnsigned(column),
        PhysicalType.Float or PhysicalType.Double or PhysicalType.Boolean => true,
        _ => false,
    };

    public static int Compare(PhysicalType type, bool unsigned, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        switch (type)
        {
            case PhysicalType.Boolean:
                return a[0].CompareTo(b[0]);
            case PhysicalType.Int32:
                return unsigned
                    ? BinaryPrimitives.ReadUInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt32LittleEndian(b))
                    : BinaryPrimitives.ReadInt32LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt32LittleEndian(b));
            case PhysicalType.Int64:
                return unsigned
                    ? BinaryPrimitives.ReadUInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadUInt64LittleEndian(b))
                    : BinaryPrimitives.ReadInt64LittleEndian(a).CompareTo(BinaryPrimitives.ReadInt64LittleEndian(b));
            case PhysicalType.Float:
                return BinaryPrimitives.ReadSingleLittleEndian(a).CompareTo(BinaryPrimitives.ReadSingleLittleEndian(b));
            case PhysicalType.Double:
                return BinaryPrimitives.ReadDoubleLittleEndian(a).CompareTo(BinaryPrimitives.ReadDoubleLittleEndian(b));
            default:
                return a.SequenceCompareTo(b);
        }
    }
}
