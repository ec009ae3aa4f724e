namespace Tempo.Streaming.Parquet;

/// <summary>Footer facts about one row group.</summary>
public sealed record RowGroupInfo(int Index, long RowCount, long TotalByteSize, IReadOnlyList<ColumnChunkInfo> Columns);

/// <summary>Footer facts about one column chunk.</summary>
public sealed record ColumnChunkInfo(
    ColumnDescriptor Column,
    CompressionCodec Codec,
    IReadOnlyList<Encoding> Encodings,
    long ValueCount,
    long CompressedSize,
    long UncompressedSize,
    /// <summary>File offset of the chunk's first page (its dictionary page when it has one).</summary>
    long Offset,
    ColumnStatistics? Statistics);

/// <summary>
/// Min/max/null count of a chunk or page. Min and max are PLAIN-encoded values (little-endian numbers, raw bytes for
/// byte arrays); the typed accessors decode them for the column's physical type.
/// </summary>
public sealed record ColumnStatistics(PhysicalType Type, long? NullCount, long? DistinctCount, byte[]? Min, byte[]? Max)
{
    public bool HasMinMax => Min is not null && Max is not null;
    public long MinInt64 => Type == PhysicalType.Int32 ? BitConverter.ToInt32(Min!) : BitConverter.ToInt64(Min!);
    public long MaxInt64 => Type == PhysicalType.Int32 ? BitConverter.ToInt32(Max!) : BitConverter.ToInt64(Max!);
    public double MinDouble => Type == PhysicalType.Float ? BitConverter.ToSingle(Min!) : BitConverter.ToDouble(Min!);
    public double MaxDouble => Type == PhysicalType.Float ? BitConverter.ToSingle(Max!) : BitConverter.ToDouble(Max!);
}

/// <summary>The page index of one column chunk: per data page its location, first row, and statistics.</summary>
public sealed record PageIndex(IReadOnlyList<PageIndexEntry> Pages);

public sealed record PageIndexEntry(long Offset, int CompressedSize, long FirstRowIndex, bool IsAllNull, byte[]? Min, byte[]? Max, long? NullCount);
