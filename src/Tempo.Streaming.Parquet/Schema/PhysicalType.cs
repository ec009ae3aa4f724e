namespace Tempo.Streaming.Parquet;

/// <summary>Parquet physical types; the numeric values are those of <c>Type</c> in parquet.thrift.</summary>
public enum PhysicalType
{
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,
    /// <summary>Deprecated 96-bit timestamps; read as 12-byte fixed values, never written.</summary>
    Int96 = 3,
    Float = 4,
    Double = 5,
    ByteArray = 6,
    FixedLenByteArray = 7,
}

/// <summary>Field repetition; the numeric values are those of <c>FieldRepetitionType</c> in parquet.thrift.</summary>
public enum Repetition
{
    Required = 0,
    Optional = 1,
    Repeated = 2,
}

/// <summary>Page compression codecs; the numeric values are those of <c>CompressionCodec</c> in parquet.thrift.</summary>
public enum CompressionCodec
{
    Uncompressed = 0,
    Snappy = 1,
    Gzip = 2,
    Lzo = 3,
    Brotli = 4,
    Lz4 = 5,
    Zstd = 6,
    Lz4Raw = 7,
}

/// <summary>Value and level encodings; the numeric values are those of <c>Encoding</c> in parquet.thrift.</summary>
public enum Encoding
{
    Plain = 0,
    PlainDictionary = 2,
    Rle = 3,
    BitPacked = 4,
    DeltaBinaryPacked = 5,
    DeltaLengthByteArray = 6,
    DeltaByteArray = 7,
    RleDictionary = 8,
    ByteStreamSplit = 9,
}
