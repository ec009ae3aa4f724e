using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Per-column encodings and codecs for vParquet4 files, chosen for bytes per span (the issue's ≤ 40 B/span target)
/// while staying readable by any Parquet reader (DuckDB reads zstd): dictionaries for names, keys and small enums,
/// DELTA_BINARY_PACKED for times, counters and the nested-set numbers (as Tempo's <c>delta</c> tags), PLAIN for
/// random IDs and the unique TraceIDText, one codec (zstd by default) for every column.
/// </summary>
public static class VParquet4WriterOptions
{
    /// <summary>Default zstd level: level 3 is zstd's default and compresses at about 1 GB/s here.</summary>
    public const int DefaultZstdLevel = 3;

    public static ParquetWriterOptions Create(CompressionCodec compression = CompressionCodec.Zstd, int? compressionLevel = null)
    {
        var columns = new Dictionary<string, ColumnWriteOptions>(StringComparer.Ordinal);
        foreach (var column in VParquet4Schema.Instance.Columns)
        {
            var encoding = EncodingFor(column);
            if (encoding is not null)
            {
                columns[column.DottedPath] = new ColumnWriteOptions(encoding);
            }
        }

        return new ParquetWriterOptions
        {
            Compression = compression,
            CompressionLevel = compressionLevel ?? (compression == CompressionCodec.Zstd ? DefaultZstdLevel : null),
            DefaultEncoding = ColumnEncoding.Dictionary,
            Columns = columns,
            CreatedBy = "Tempo.Streaming vParquet4",
        };
    }

    /// <summary>The encoding override of a column, or null for the default (dictionary).</summary>
    private static ColumnEncoding? EncodingFor(ColumnDescriptor column)
    {
        var name = column.Path[^1];
        var parent = column.Path.Count >= 2 ? column.Path[^2] : "";
        switch (column.Type)
        {
            case PhysicalType.ByteArray when name is "TraceID" or "SpanID" or "ParentSpanID" or "TraceIDText":
                // Random (or unique) bytes: a dictionary only adds indexes.
                return ColumnEncoding.Plain;
            case PhysicalType.Int64 when name is "StartTimeUnixNano" or "EndTimeUnixNano" or "DurationNano" or "TimeSinceStartNano":
                return ColumnEncoding.DeltaBinaryPacked;
            case PhysicalType.Int32 when name is "ParentID" or "NestedSetLeft" or "NestedSetRight" or "SpanCount" or "ErrorCount":
                return ColumnEncoding.DeltaBinaryPacked;
            case PhysicalType.Int64 when parent == "list" && column.Path.Count >= 3 && column.Path[^3] == "ValueInt":
                return ColumnEncoding.DeltaBinaryPacked;
            case PhysicalType.Double:
            case PhysicalType.Boolean:
                return ColumnEncoding.Plain;
            default:
                return null;
        }
    }
}
