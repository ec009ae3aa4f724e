namespace Tempo.Streaming.Parquet.Format;

/// <summary>parquet.thrift <c>PageType</c>.</summary>
public enum PageType
{
    DataPage = 0,
    IndexPage = 1,
    DictionaryPage = 2,
    DataPageV2 = 3,
}

/// <summary>parquet.thrift <c>BoundaryOrder</c>: whether a ColumnIndex's min/max lists are sorted.</summary>
public enum BoundaryOrder
{
    Unordered = 0,
    Ascending = 1,
    Descending = 2,
}

/// <summary>parquet.thrift <c>ConvertedType</c>, the legacy annotation written next to the logical type for old readers.</summary>
public enum ConvertedType
{
    Utf8 = 0,
    Map = 1,
    MapKeyValue = 2,
    List = 3,
    Enum = 4,
    Decimal = 5,
    Date = 6,
    TimeMillis = 7,
    TimeMicros = 8,
    TimestampMillis = 9,
    TimestampMicros = 10,
    Uint8 = 11,
    Uint16 = 12,
    Uint32 = 13,
    Uint64 = 14,
    Int8 = 15,
    Int16 = 16,
    Int32 = 17,
    Int64 = 18,
    Json = 19,
    Bson = 20,
    Interval = 21,
}

/// <summary>
/// parquet.thrift <c>ColumnOrder</c> union, by member field id. Only <see cref="TypeDefinedOrder"/> is written;
/// a member this reader does not know reads as <see cref="Unknown"/> (min/max statistics of such a column must be ignored).
/// </summary>
public enum ColumnOrder
{
    Unknown = 0,
    TypeDefinedOrder = 1,
    Ieee754TotalOrder = 2,
    Int96TimestampOrder = 3,
}

/// <summary>parquet.thrift <c>TimeUnit</c> union of TIME and TIMESTAMP annotations, by member field id.</summary>
public enum TimeUnit
{
    Millis = 1,
    Micros = 2,
    Nanos = 3,
}
