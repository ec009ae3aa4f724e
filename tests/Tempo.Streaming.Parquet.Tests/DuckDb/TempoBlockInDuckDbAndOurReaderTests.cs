using System.Globalization;
using System.Text.Json.Nodes;
using Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>
/// A block written by Tempo itself (parquet-go, vParquet4): our reader must see the schema DuckDB sees — the column
/// paths, physical types, repetition and logical types Tempo's queriers rely on — and the same values.
/// </summary>
public sealed class TempoBlockInDuckDbAndOurReaderTests
{
    private const string SpanName = "rs.list.element.ss.list.element.Spans.list.element.Name";

    [TempoBlockFact]
    public async Task Our_reader_sees_the_schema_rows_and_values_DuckDB_sees()
    {
        var file = DuckDbCli.Literal(TempoBlockFactAttribute.DataParquet);
        var results = DuckDbCli.Query(
            string.Format(CultureInfo.InvariantCulture, DuckDbSchemaAssert.SchemaSql, file),
            "SELECT TraceID, StartTimeUnixNano, " +
            "flatten(list_transform(rs, r -> flatten(list_transform(r.ss, s -> list_transform(s.Spans, sp -> sp.Name))))) AS SpanNames " +
            $"FROM read_parquet({file}, file_row_number = true) ORDER BY file_row_number",
            string.Format(CultureInfo.InvariantCulture, DuckDbInspection.RowsSql, file),
            string.Format(CultureInfo.InvariantCulture, DuckDbInspection.ChunksSql, file));
        var (duckSchema, duckColumns, duckRows, duckChunks) = (results[0]!.AsArray(), results[1]!.AsArray(), results[2]!.AsArray(), results[3]!.AsArray());

        var reader = await ParquetFileReader.OpenAsync(ByteArraySource.FromFile(TempoBlockFactAttribute.DataParquet));
        reader.RowCount.Should().Be(134);
        duckRows.Should().HaveCount(134);
        DuckDbSchemaAssert.Matches(reader.Schema, duckSchema, logicalTypesInFile: true);
        OurReader.FooterMatches(reader, duckChunks);

        // a handful of columns read alone (the others come back null): trace ID, start time, every span name
        var schema = reader.Schema;
        int[] columns = [schema.Column("TraceID").Index, schema.Column("StartTimeUnixNano").Index, schema.Column(SpanName).Index];
        var ours = new JsonArray();
        var records = await RecordReader.OpenAsync(reader, 0, columns);
        while (records.ReadRow() is { } row)
        {
            var names = new JsonArray();
            foreach (var rs in Elements(row["rs"]))
            {
                foreach (var ss in Elements(rs["ss"]))
                {
                    foreach (var span in Elements(ss["Spans"])) names.Add((string?)span["Name"]);
                }
            }
            ours.Add(new JsonObject
            {
                ["TraceID"] = Convert.ToHexStringLower((byte[])row["TraceID"]!),
                ["StartTimeUnixNano"] = ((ulong)(long)row["StartTimeUnixNano"]!).ToString(CultureInfo.InvariantCulture),
                ["SpanNames"] = names,
            });
        }
        JsonAssert.Equal(duckColumns, ours, "TraceID, StartTimeUnixNano and span names read by our RecordReader (expected = DuckDB)");

        // and every row whole
        JsonAssert.Equal(duckRows, await OurReader.AllRowsAsync(reader), "whole rows read by our RecordReader (expected = DuckDB)");
    }

    /// <summary>The elements of a three-level LIST group value.</summary>
    private static IEnumerable<ParquetGroup> Elements(object? listGroup)
    {
        var wrapper = listGroup as ParquetGroup ?? throw new InvalidOperationException($"expected a LIST group, got {listGroup ?? "null"}");
        foreach (var entry in (List<object?>)wrapper["list"]!) yield return (ParquetGroup)((ParquetGroup)entry!)["element"]!;
    }
}
