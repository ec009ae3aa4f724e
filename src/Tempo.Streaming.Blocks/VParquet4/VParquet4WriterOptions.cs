using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Per-column encodings, zstd levels and page size for vParquet4 files, chosen by measured bytes per span on the shop
/// workload (20,000 traces, 346,551 spans; figures below are B/span of that block) while staying readable by any
/// Parquet reader (DuckDB reads every encoding used here). Tempo's schema and column layout are unchanged.
/// <list type="bullet">
/// <item>Random IDs: DELTA_LENGTH_BYTE_ARRAY (the constant lengths vanish; SpanID 8.40 → 8.25, ParentSpanID 5.08 →
/// 4.98); the sorted trace IDs: DELTA_BYTE_ARRAY (shared prefixes; TraceID 0.94 → 0.88).</item>
/// <item>Times: DELTA_BINARY_PACKED. BYTE_STREAM_SPLIT would save 0.8 B/span on span starts and durations (spans are
/// grouped by service, so a trace boundary in every 32-value miniblock widens all its deltas), but DuckDB 1.5 reads
/// BYTE_STREAM_SPLIT only for FLOAT/DOUBLE columns.</item>
/// <item>Everything else: dictionary with byte-aligned indices (0.9 B/span less), nested-set numbers and integer
/// attribute values included (dictionary beats delta there by 0.3–1.8 B/span).</item>
/// <item>Pages of at most 128 KiB of encoded values (trace by ID decodes one small page per column); 32 KiB pages cost
/// +9 B/span and 64 KiB +5.6 before the encoded-size page limit, see <see cref="ParquetWriterOptions.DataPageSize"/>.</item>
/// <item>Pages also end past <see cref="DataPageEntryLimit"/> level entries (100,000; the Parquet writer's default is
/// parquet-mr's 20,000): 52.7 → 49.9 B/span (no limit: 48.8; fewer pages also give zstd more context). The limit
/// bounds the entries trace by ID decodes in columns that hold few or no values (null-only and empty-list columns,
/// which the byte limit never cuts): with the reader's decoded-page cache, warm lookups measured p50 0.8 → 1.6 ms
/// from 20,000 to 100,000 (p99 8–24 ms either way on a loaded machine), and p50 5.6 ms without a limit.</item>
/// <item>zstd levels by column (<see cref="ZstdLevelFor"/>): level 1 where data is random (IDs, delta-packed times:
/// no level compresses them), higher levels only where they pay for their CPU.</item>
/// </list>
/// </summary>
public static class VParquet4WriterOptions
{
    /// <summary>zstd level of the columns without a tuned level: level 3 is zstd's default.</summary>
    public const int DefaultZstdLevel = 3;

    /// <summary>Encoded bytes per data page: small enough that trace by ID decodes ~100 small pages.</summary>
    public const int DataPageSize = 128 * 1024;

    /// <summary>Level entries per data page at most (see the class summary for the measured sizes and lookups).</summary>
    public const int DataPageEntryLimit = 100_000;

    /// <param name="compression">Codec of every column.</param>
    /// <param name="compressionLevel">One level for every column; null = the tuned per-column zstd levels (or the
    /// codec's default for other codecs).</param>
    public static ParquetWriterOptions Create(CompressionCodec compression = CompressionCodec.Zstd, int? compressionLevel = null)
    {
        var tunedLevels = compression == CompressionCodec.Zstd && compressionLevel is null;
        var columns = new Dictionary<string, ColumnWriteOptions>(StringComparer.Ordinal);
        foreach (var column in VParquet4Schema.Instance.Columns)
        {
            var encoding = EncodingFor(column);
            int? level = tunedLevels ? ZstdLevelFor(column) : null;
            if (encoding is not null || level is not null)
            {
                columns[column.DottedPath] = new ColumnWriteOptions(encoding, CompressionLevel: level);
            }
        }

        return new ParquetWriterOptions
        {
            Compression = compression,
            CompressionLevel = compressionLevel ?? (compression == CompressionCodec.Zstd ? DefaultZstdLevel : null),
            DefaultEncoding = ColumnEncoding.Dictionary,
            DataPageSize = DataPageSize,
            DataPageEntryLimit = DataPageEntryLimit,
            LimitEncodedPageSize = true,
            ByteAlignedDictionaryIndices = true,
            Columns = columns,
            CreatedBy = "Tempo.Streaming vParquet4",
        };
    }

    /// <summary>The encoding override of a column, or null for the default (dictionary).</summary>
    private static ColumnEncoding? EncodingFor(ColumnDescriptor column)
    {
        var name = column.Path[^1];
        var spanLevel = column.Path.Count > 1; // trace-level columns sit at the root
        switch (column.Type)
        {
            case PhysicalType.ByteArray when name is "TraceID" or "TraceIDText" && !spanLevel:
                // Rows are sorted by trace ID: consecutive IDs share leading bytes.
                return ColumnEncoding.DeltaByteArray;
            case PhysicalType.ByteArray when name is "TraceID" or "SpanID" or "ParentSpanID":
                // Random bytes: a dictionary only adds indexes; the lengths are (almost) all 8 or 16.
                return ColumnEncoding.DeltaLengthByteArray;
            case PhysicalType.Int64 when name is "StartTimeUnixNano" or "EndTimeUnixNano" or "DurationNano" or "TimeSinceStartNano":
                // BYTE_STREAM_SPLIT would be smaller for span starts and durations (3.82 vs 4.22 and 3.45 vs 3.83 B/span),
                // but DuckDB 1.5 reads BYTE_STREAM_SPLIT for FLOAT/DOUBLE only ("only supported for FLOAT or DOUBLE").
                return ColumnEncoding.DeltaBinaryPacked;
            case PhysicalType.Int32 when name is "ErrorCount":
                return ColumnEncoding.DeltaBinaryPacked;
            case PhysicalType.Double:
            case PhysicalType.Boolean:
                return ColumnEncoding.Plain;
            default:
                return null;
        }
    }

    /// <summary>
    /// The zstd level of a column. Measured per column as B/span saved per ms of compression CPU for the whole block
    /// (zstd at level 3 everywhere: 51.6 B/span for 232 ms; level 9 everywhere: 47.6 for 1,180 ms): random IDs gain
    /// nothing above level 1; the span-attribute columns (long repetitive index and level streams) gain most from
    /// levels 7–9; the many small level-only columns gain ~0.02 B/span each from level 5 at ~2 ms.
    /// Timed per column with 100,000-entry pages (20,000 traces, 346,551 spans; one block): these levels compress in
    /// ~0.8 s (2.4 µs/span) to 49.9 B/span, level 1 everywhere in 0.19 s to 54.6, level 3 in 0.34 s to 52.8. The span
    /// attribute Value column alone takes 0.27 s at level 9 (4.03 B/span; 4.54 at level 4 in 0.10 s). Span start times
    /// and durations (DELTA_BINARY_PACKED) come out of every level byte for byte as large as they went in.
    /// </summary>
    public static int ZstdLevelFor(ColumnDescriptor column)
    {
        var name = column.Path[^1];
        var path = column.DottedPath;
        if (name is "TraceID" or "TraceIDText" or "SpanID" or "ParentSpanID" && !path.Contains(".Links.", StringComparison.Ordinal))
        {
            return 1;
        }
        if (name is "StartTimeUnixNano" or "EndTimeUnixNano" or "DurationNano")
        {
            // Bit-packed deltas of nanosecond times are incompressible: the cheapest level (span starts and durations 26 → 6 ms per block).
            return 1;
        }
        var spanAttribute = path.Contains(".Spans.list.element.Attrs.", StringComparison.Ordinal);
        if (spanAttribute)
        {
            // Value 5.18 → 4.18 (+185 ms), Key 1.82 → 1.45 (+40 ms), ValueDouble/Bool/Dropped 0.73 → 0.58 (+37 ms each).
            return name switch
            {
                "element" when path.EndsWith(".Value.list.element", StringComparison.Ordinal) => 9,
                "Key" => 7,
                "ValueDouble" or "ValueBool" or "ValueDropped" or "element" when IsLevelOnlyAttributeColumn(path) => 9,
                _ => 5,
            };
        }
        if (path.StartsWith("rs.list.element.Resource.Attrs.", StringComparison.Ordinal))
        {
            return 9; // small raw pages, 0.27 B/span saved for ~25 ms
        }
        return 5;
    }

    private static bool IsLevelOnlyAttributeColumn(string path) =>
        path.EndsWith(".ValueDouble.list.element", StringComparison.Ordinal)
        || path.EndsWith(".ValueBool.list.element", StringComparison.Ordinal)
        || path.EndsWith(".ValueDropped", StringComparison.Ordinal);
}
