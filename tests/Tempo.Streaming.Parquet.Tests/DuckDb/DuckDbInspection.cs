using System.Globalization;
using System.Text.Json.Nodes;
using Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>Everything DuckDB says about one Parquet file, gathered in a single node run.</summary>
internal sealed record DuckDbInspection(JsonArray Rows, JsonArray Schema, JsonArray Chunks, JsonArray KeyValues, JsonObject File)
{
    public const string ChunksSql =
        "SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, type, num_values, stats_min_value, stats_max_value, " +
        "stats_null_count, compression, encodings, dictionary_page_offset, data_page_offset FROM parquet_metadata({0}) ORDER BY row_group_id, column_id";

    /// <summary>Rows in file order (DuckDB may scan row groups in parallel, so the order is pinned by file_row_number).</summary>
    public const string RowsSql = "SELECT * EXCLUDE (file_row_number) FROM read_parquet({0}, file_row_number = true) ORDER BY file_row_number";

    private const int MaxExactBoundLength = 64;

    public static DuckDbInspection Of(string path, params string[] extraStatements)
    {
        var file = DuckDbCli.Literal(path);
        string[] statements =
        [
            string.Format(CultureInfo.InvariantCulture, RowsSql, file),
            string.Format(CultureInfo.InvariantCulture, DuckDbSchemaAssert.SchemaSql, file),
            string.Format(CultureInfo.InvariantCulture, ChunksSql, file),
            $"SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata({file}) ORDER BY key",
            $"SELECT num_rows, num_row_groups, created_by FROM parquet_file_metadata({file})",
            .. extraStatements,
        ];
        var results = DuckDbCli.Query(statements);
        var inspection = new DuckDbInspection(results[0]!.AsArray(), results[1]!.AsArray(), results[2]!.AsArray(), results[3]!.AsArray(), results[4]!.AsArray()[0]!.AsObject());
        inspection.Extra = results.Skip(5).Select(r => r!.AsArray()).ToList();
        return inspection;
    }

    /// <summary>Results of the extra statements passed to <see cref="Of"/>.</summary>
    public IReadOnlyList<JsonArray> Extra { get; private set; } = [];

    public JsonObject Chunk(int rowGroup, int column, int columnCount) => Chunks[rowGroup * columnCount + column]!.AsObject();

    /// <summary>Encoding names of a chunk (parquet_metadata lists them comma-separated).</summary>
    public static HashSet<string> Encodings(JsonObject chunk)
        => ((string)chunk["encodings"]!).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    /// <summary>
    /// Checks every column chunk DuckDB lists against what the records written into it imply: row counts, the dotted
    /// path, physical type, num_values (level entries), null count and min/max statistics.
    /// </summary>
    public void ChunksMatch(ParquetSchema schema, IReadOnlyList<IReadOnlyList<object?[]>> rowGroups)
    {
        var columns = schema.Columns.Count;
        Chunks.Count.Should().Be(rowGroups.Count * columns, "DuckDB lists one chunk per column per row group");
        for (var g = 0; g < rowGroups.Count; g++)
        {
            foreach (var column in schema.Columns)
            {
                var chunk = Chunk(g, column.Index, columns);
                var at = $"row group {g}, column {column.DottedPath}";
                ((string?)chunk["row_group_num_rows"]).Should().Be(rowGroups[g].Count.ToString(CultureInfo.InvariantCulture), at);
                ((string?)chunk["path_in_schema"]).Should().Be(string.Join(", ", column.Path), at);
                ((string?)chunk["type"]).Should().Be(DuckDbShape.TypeName(column.Type), at);

                var facts = ColumnFacts.Collect(schema, column, rowGroups[g]);
                ((string?)chunk["num_values"]).Should().Be(facts.Entries.ToString(CultureInfo.InvariantCulture), $"{at}: num_values counts every level entry");
                ((string?)chunk["stats_null_count"]).Should().Be(facts.Nulls.ToString(CultureInfo.InvariantCulture), $"{at}: null_count counts entries below the max definition level");
                var (min, max) = ((string?)chunk["stats_min_value"], (string?)chunk["stats_max_value"]);
                if (min is null && max is null && facts.Values.Any(v => v is string or byte[] && ColumnFacts.Bytes(v).Length > MaxExactBoundLength))
                {
                    // our writer keeps Statistics exact: byte-array bounds longer than 64 bytes (parquet-mr's truncation
                    // length) are left out of the chunk statistics rather than written truncated
                    continue;
                }
                StatisticsMatch(column, facts.MinMax(), min, max, at);
            }
        }
    }

    private static void StatisticsMatch(ColumnDescriptor column, (object Min, object Max)? expected, string? min, string? max, string at)
    {
        if (expected is not { } bounds)
        {
            min.Should().BeNull($"{at} holds no value, so it has no min");
            max.Should().BeNull($"{at} holds no value, so it has no max");
            return;
        }
        min.Should().NotBeNull($"{at}: min_value statistic");
        max.Should().NotBeNull($"{at}: max_value statistic");
        switch (column.Type)
        {
            case PhysicalType.Float:
                float.Parse(min!, CultureInfo.InvariantCulture).Should().Be((float)bounds.Min, $"{at}: min (DuckDB printed {min})");
                float.Parse(max!, CultureInfo.InvariantCulture).Should().Be((float)bounds.Max, $"{at}: max (DuckDB printed {max})");
                break;
            case PhysicalType.Double:
                double.Parse(min!, CultureInfo.InvariantCulture).Should().Be((double)bounds.Min, $"{at}: min (DuckDB printed {min})");
                double.Parse(max!, CultureInfo.InvariantCulture).Should().Be((double)bounds.Max, $"{at}: max (DuckDB printed {max})");
                break;
            default:
                min.Should().Be(DuckDbShape.StatValue(column.Node, bounds.Min), $"{at}: min");
                max.Should().Be(DuckDbShape.StatValue(column.Node, bounds.Max), $"{at}: max");
                break;
        }
    }

    /// <summary>The expected read_parquet rows: every record of every row group in DuckDB's JSON shape.</summary>
    public static JsonArray ExpectedRows(ParquetSchema schema, IEnumerable<IReadOnlyList<object?[]>> rowGroups)
    {
        var rows = new JsonArray();
        foreach (var group in rowGroups)
        {
            foreach (var record in group) rows.Add(DuckDbShape.Row(schema.Root, record));
        }
        return rows;
    }
}
