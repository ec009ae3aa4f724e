namespace Tempo.Streaming.Parquet;

/// <summary>What a logical-type annotation says about a node.</summary>
public enum LogicalTypeKind
{
    String,
    Map,
    List,
    Enum,
    Decimal,
    Date,
    Time,
    Timestamp,
    Integer,
    Unknown,
    Json,
    Bson,
    Uuid,
    Float16,
    /// <summary>An annotation this reader does not know (a newer union member); the values still read as their physical type.</summary>
    Other,
}

/// <summary>
/// A logical-type annotation (parquet.thrift <c>LogicalType</c>, with the legacy <c>ConvertedType</c> written alongside
/// for readers that only know that). Only the parameters of the kinds the project writes are modelled; other kinds
/// are kept by kind so a file from another writer still opens.
/// </summary>
public sealed record LogicalType(LogicalTypeKind Kind, int BitWidth = 0, bool IsSigned = true)
{
    public static readonly LogicalType String = new(LogicalTypeKind.String);
    public static readonly LogicalType List = new(LogicalTypeKind.List);
    public static readonly LogicalType Map = new(LogicalTypeKind.Map);

    /// <summary>An integer annotation: bit width 8, 16, 32 or 64; unsigned ones are Tempo's UINT_32/UINT_64 columns.</summary>
    public static LogicalType Integer(int bitWidth, bool isSigned) => bitWidth is 8 or 16 or 32 or 64
        ? new LogicalType(LogicalTypeKind.Integer, bitWidth, isSigned)
        : throw new ArgumentOutOfRangeException(nameof(bitWidth), bitWidth, "integer logical types are 8, 16, 32 or 64 bits wide");
}
