using System.Globalization;
using System.Text.Json.Nodes;
using Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>
/// Files written by our writer, read back by DuckDB — a Parquet reader nobody here wrote. DuckDB must see the schema
/// we meant (names, physical and logical types, repetition), exactly the values we wrote, and column chunk metadata
/// (num_values, null counts, min/max, codec, encodings) that agrees with the data.
/// </summary>
public sealed class OurFilesInDuckDbTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<CompressionCodec, DataPageVersion, ColumnEncoding> FlatCases => new()
    {
        { CompressionCodec.Uncompressed, DataPageVersion.V1, ColumnEncoding.Plain },
        { CompressionCodec.Snappy, DataPageVersion.V1, ColumnEncoding.Dictionary },
        { CompressionCodec.Zstd, DataPageVersion.V2, ColumnEncoding.Dictionary },
        { CompressionCodec.Gzip, DataPageVersion.V2, ColumnEncoding.Plain },
        { CompressionCodec.Snappy, DataPageVersion.V2, ColumnEncoding.DeltaBinaryPacked },
        { CompressionCodec.Zstd, DataPageVersion.V1, ColumnEncoding.DeltaBinaryPacked },
        { CompressionCodec.Gzip, DataPageVersion.V1, ColumnEncoding.Dictionary },
        { CompressionCodec.Uncompressed, DataPageVersion.V2, ColumnEncoding.Dictionary },
        { CompressionCodec.Zstd, DataPageVersion.V1, ColumnEncoding.DeltaLengthByteArray },
        { CompressionCodec.Snappy, DataPageVersion.V2, ColumnEncoding.DeltaByteArray },
        { CompressionCodec.Zstd, DataPageVersion.V1, ColumnEncoding.DeltaByteArray },
        { CompressionCodec.Zstd, DataPageVersion.V1, ColumnEncoding.ByteStreamSplit },
        { CompressionCodec.Uncompressed, DataPageVersion.V2, ColumnEncoding.ByteStreamSplit },
    };

    [Theory]
    [MemberData(nameof(FlatCases))]
    public async Task Every_physical_type_and_integer_annotation_reads_back_in_DuckDB(CompressionCodec codec, DataPageVersion pageVersion, ColumnEncoding encoding)
    {
        // DELTA_BINARY_PACKED exists for INT32/INT64 only: those columns get it, the others stay PLAIN; likewise the
        // other non-dictionary encodings go to the physical types they are defined for
        var overrides = new Dictionary<string, ColumnWriteOptions>();
        if (encoding == ColumnEncoding.DeltaBinaryPacked)
        {
            foreach (var name in FlatTable.IntegerColumns) overrides[name] = new ColumnWriteOptions(ColumnEncoding.DeltaBinaryPacked);
        }
        foreach (var column in FlatTable.Schema.Columns)
        {
            if (Supports(encoding, column.Type)) overrides[column.DottedPath] = new ColumnWriteOptions(encoding);
        }
        var options = new ParquetWriterOptions
        {
            Compression = codec,
            PageVersion = pageVersion,
            DefaultEncoding = encoding is ColumnEncoding.Dictionary or ColumnEncoding.Plain ? encoding : ColumnEncoding.Plain,
            Columns = overrides,
            DataPageSize = 512, // many pages per chunk
            CreatedBy = "Tempo.Streaming duckdb-test",
        };
        var seed = (int)codec * 10 + (int)pageVersion * 3 + (int)encoding;
        List<object?[]>[] rowGroups = [FlatTable.Rows(300, seed), FlatTable.Rows(217, seed + 1), FlatTable.Rows(150, seed + 2)];
        var path = _dir.File("flat.parquet");
        using (var output = File.Create(path))
        using (var writer = new ParquetFileWriter(output, FlatTable.Schema, options))
        {
            writer.KeyValueMetadata["tempo.test"] = "flat=1; ünïcødé";
            writer.KeyValueMetadata["empty"] = "";
            foreach (var rows in rowGroups)
            {
                var rowGroup = writer.CreateRowGroup();
                FlatTable.WriteColumns(rowGroup, rows);
                rowGroup.RowCount.Should().Be(rows.Count);
                rowGroup.Complete();
            }
            writer.Close();
        }

        var duck = DuckDbInspection.Of(path);

        DuckDbSchemaAssert.Matches(FlatTable.Schema, duck.Schema, logicalTypesInFile: true);
        JsonAssert.Equal(DuckDbInspection.ExpectedRows(FlatTable.Schema, rowGroups), duck.Rows, "DuckDB's read_parquet rows");
        duck.ChunksMatch(FlatTable.Schema, rowGroups);
        ((string?)duck.File["num_rows"]).Should().Be("667");
        ((string?)duck.File["num_row_groups"]).Should().Be("3");
        ((string?)duck.File["created_by"]).Should().Be("Tempo.Streaming duckdb-test");
        JsonAssert.Equal(
            new JsonArray(new JsonObject { ["key"] = "empty", ["value"] = "" }, new JsonObject { ["key"] = "tempo.test", ["value"] = "flat=1; ünïcødé" }),
            duck.KeyValues,
            "parquet_kv_metadata");

        var codecName = codec.ToString().ToUpperInvariant();
        for (var g = 0; g < rowGroups.Length; g++)
        {
            foreach (var column in FlatTable.Schema.Columns)
            {
                var chunk = duck.Chunk(g, column.Index, FlatTable.Schema.Columns.Count);
                var at = $"row group {g}, column {column.DottedPath}";
                ((string?)chunk["compression"]).Should().Be(codecName, at);
                var encodings = DuckDbInspection.Encodings(chunk);
                var dictionary = encodings.Contains("RLE_DICTIONARY") || encodings.Contains("PLAIN_DICTIONARY");
                switch (encoding)
                {
                    case ColumnEncoding.Plain:
                        encodings.Should().Contain("PLAIN", at);
                        dictionary.Should().BeFalse($"{at} was written PLAIN, encodings {string.Join(",", encodings)}");
                        chunk["dictionary_page_offset"].Should().BeNull(at);
                        break;
                    case ColumnEncoding.Dictionary when FlatTable.LowCardinalityColumns.Contains(column.DottedPath):
                        dictionary.Should().BeTrue($"{at} was written with a dictionary, encodings {string.Join(",", encodings)}");
                        chunk["dictionary_page_offset"].Should().NotBeNull(at);
                        break;
                    case ColumnEncoding.DeltaBinaryPacked when FlatTable.IntegerColumns.Contains(column.DottedPath):
                        encodings.Should().Contain("DELTA_BINARY_PACKED", at);
                        dictionary.Should().BeFalse(at);
                        break;
                    case ColumnEncoding.DeltaLengthByteArray or ColumnEncoding.DeltaByteArray or ColumnEncoding.ByteStreamSplit
                        when Supports(encoding, column.Type) && chunk["data_page_offset"] is not null:
                        var name = encoding switch
                        {
                            ColumnEncoding.DeltaLengthByteArray => "DELTA_LENGTH_BYTE_ARRAY",
                            ColumnEncoding.DeltaByteArray => "DELTA_BYTE_ARRAY",
                            _ => "BYTE_STREAM_SPLIT",
                        };
                        encodings.Should().Contain(name, at);
                        dictionary.Should().BeFalse(at);
                        break;
                }
            }
        }

        // the test is only about many pages if the writer really cut many: check that with our own page index
        var reader = await ParquetFileReader.OpenAsync(ByteArraySource.FromFile(path));
        var pageIndex = await reader.ReadPageIndexAsync(0, FlatTable.Schema.Column("i64").Index);
        pageIndex.Should().NotBeNull("WritePageIndex is on by default");
        pageIndex!.Pages.Count.Should().BeGreaterThan(3, "a 512-byte page size over 300 rows of 8-byte values cuts many pages");
    }

    /// <summary>The physical types an encoding is defined for (parquet-format Encodings.md).</summary>
    private static bool Supports(ColumnEncoding encoding, PhysicalType type) => encoding switch
    {
        ColumnEncoding.DeltaLengthByteArray => type == PhysicalType.ByteArray,
        ColumnEncoding.DeltaByteArray => type is PhysicalType.ByteArray or PhysicalType.FixedLenByteArray,
        // Parquet allows INT32/INT64/FIXED_LEN_BYTE_ARRAY too (format 2.11), but DuckDB 1.5 rejects them
        // ("BYTE_STREAM_SPLIT encoding is only supported for FLOAT or DOUBLE data"); our reader's tests cover those.
        ColumnEncoding.ByteStreamSplit => type is PhysicalType.Float or PhysicalType.Double,
        _ => false,
    };

    [Fact]
    public async Task A_dictionary_past_its_size_limit_falls_back_to_PLAIN_and_DuckDB_reads_both_halves()
    {
        var schema = Schema.Message("overflow",
            Schema.String("high_cardinality", Repetition.Optional),
            Schema.Primitive("ids", Repetition.Required, PhysicalType.Int64),
            Schema.String("low_cardinality"));
        var rows = new List<object?[]>();
        for (var i = 0; i < 3000; i++)
        {
            // each value repeats 8 times, so the first pages gain from the dictionary (the writer keeps it) until the
            // distinct values outgrow the 2 KiB limit a few hundred rows in
            var n = i / 8;
            rows.Add([i % 17 == 0 ? null : $"value-{n:D6}-{(n * 2654435761L) & 0xFFFFFF:x6}", (long)n * 1_000_003, $"service-{i % 4}"]);
        }
        var options = new ParquetWriterOptions
        {
            Compression = CompressionCodec.Snappy,
            DictionaryPageSizeLimit = 2048,
            DataPageSize = 4096,
        };
        var path = _dir.File("overflow.parquet");
        using (var output = File.Create(path))
        using (var writer = new ParquetFileWriter(output, schema, options))
        {
            var rowGroup = writer.CreateRowGroup();
            foreach (var row in rows) RecordTree.Write(rowGroup.Records, schema.Root, row);
            rowGroup.Complete();
            writer.Close();
        }

        var duck = DuckDbInspection.Of(path);
        JsonAssert.Equal(DuckDbInspection.ExpectedRows(schema, [rows]), duck.Rows, "DuckDB's read_parquet rows");
        duck.ChunksMatch(schema, [rows]);
        foreach (var name in new[] { "high_cardinality", "ids" })
        {
            var encodings = DuckDbInspection.Encodings(duck.Chunk(0, schema.Column(name).Index, 3));
            encodings.Should().Contain("PLAIN", $"{name} overflowed its dictionary");
            encodings.Should().Contain("RLE_DICTIONARY", $"{name} started dictionary-encoded");
        }
        DuckDbInspection.Encodings(duck.Chunk(0, 2, 3)).Should().Contain("RLE_DICTIONARY");

        // prove the fallback happened mid-chunk: the dictionary holds fewer values than the chunk has distinct ones
        var reader = await ParquetFileReader.OpenAsync(ByteArraySource.FromFile(path));
        var chunkReader = await reader.ReadColumnChunkAsync(0, 0);
        chunkReader.Dictionary.Should().NotBeNull("the chunk starts dictionary-encoded");
        chunkReader.Dictionary!.ValueCount.Should().BeLessThan(rows.Select(r => r[0]).Where(v => v is not null).Distinct().Count(), "the dictionary stopped growing at 2 KiB");
        var lowCardinality = await reader.ReadColumnChunkAsync(0, 2);
        lowCardinality.Dictionary!.ValueCount.Should().Be(4);
    }

    public static TheoryData<CompressionCodec, DataPageVersion, ColumnEncoding> NestedCases => new()
    {
        { CompressionCodec.Snappy, DataPageVersion.V1, ColumnEncoding.Dictionary },
        { CompressionCodec.Zstd, DataPageVersion.V2, ColumnEncoding.Dictionary },
        { CompressionCodec.Gzip, DataPageVersion.V1, ColumnEncoding.Plain },
        { CompressionCodec.Uncompressed, DataPageVersion.V2, ColumnEncoding.Plain },
    };

    [Theory]
    [MemberData(nameof(NestedCases))]
    public void Lists_maps_and_nested_structs_shredded_by_the_record_writer_read_back_in_DuckDB(CompressionCodec codec, DataPageVersion pageVersion, ColumnEncoding encoding)
    {
        var schema = NestedTable.Schema;
        var options = new ParquetWriterOptions
        {
            Compression = codec,
            PageVersion = pageVersion,
            DefaultEncoding = encoding,
            DataPageSize = 256,
        };
        List<object?[]>[] rowGroups = [NestedTable.Rows(250, 1), NestedTable.Rows(180, 2), NestedTable.Rows(97, 3)];
        var path = _dir.File("nested.parquet");
        using (var output = File.Create(path))
        using (var writer = new ParquetFileWriter(output, schema, options))
        {
            writer.KeyValueMetadata["shape"] = "nested";
            foreach (var rows in rowGroups)
            {
                var rowGroup = writer.CreateRowGroup();
                foreach (var row in rows) RecordTree.Write(rowGroup.Records, schema.Root, row);
                rowGroup.RowCount.Should().Be(rows.Count);
                rowGroup.Complete();
            }
            writer.Close();
        }

        var duck = DuckDbInspection.Of(path);

        DuckDbSchemaAssert.Matches(schema, duck.Schema, logicalTypesInFile: true);
        JsonAssert.Equal(DuckDbInspection.ExpectedRows(schema, rowGroups), duck.Rows, "DuckDB's read_parquet rows");
        duck.ChunksMatch(schema, rowGroups);
        ((string?)duck.File["num_rows"]).Should().Be((250 + 180 + 97).ToString(CultureInfo.InvariantCulture));
        duck.KeyValues.Should().ContainSingle();
        JsonAssert.Equal(new JsonObject { ["key"] = "shape", ["value"] = "nested" }, duck.KeyValues[0], "parquet_kv_metadata");
    }

    [Fact]
    public void A_file_without_row_groups_reads_back_in_DuckDB()
    {
        var schema = EdgeSchema;
        var emptyPath = _dir.File("empty.parquet");
        using (var output = File.Create(emptyPath))
        using (var writer = new ParquetFileWriter(output, schema))
        {
            writer.Close();
        }

        var empty = DuckDbCli.Query(
            $"SELECT count(*)::INTEGER AS n FROM read_parquet({DuckDbCli.Literal(emptyPath)})",
            $"SELECT num_rows, num_row_groups FROM parquet_file_metadata({DuckDbCli.Literal(emptyPath)})",
            string.Format(CultureInfo.InvariantCulture, DuckDbSchemaAssert.SchemaSql, DuckDbCli.Literal(emptyPath)));
        JsonAssert.Equal(new JsonArray(new JsonObject { ["n"] = 0 }), empty[0], "rows of a file without row groups");
        JsonAssert.Equal(new JsonArray(new JsonObject { ["num_rows"] = "0", ["num_row_groups"] = "0" }), empty[1], "file metadata");
        DuckDbSchemaAssert.Matches(schema, empty[2]!.AsArray(), logicalTypesInFile: true);
    }

    private static readonly ParquetSchema EdgeSchema = Schema.Message("edges",
        Schema.Primitive("id", Repetition.Required, PhysicalType.Int64),
        Schema.Primitive("never", Repetition.Optional, PhysicalType.Double),
        Schema.List("empty_lists", Repetition.Optional, Schema.String("element", Repetition.Optional)),
        Schema.String("long_text", Repetition.Optional));

    [Theory]
    [InlineData(ColumnEncoding.Plain)]
    [InlineData(ColumnEncoding.Dictionary)]
    public void Chunks_of_only_nulls_and_long_strings_read_back_in_DuckDB(ColumnEncoding encoding)
    {
        var schema = EdgeSchema;

        var rows = new List<object?[]>();
        for (var i = 0; i < 40; i++)
        {
            // 'never' is always null, the lists always empty: min/max must be absent, null_count = every entry
            rows.Add([(long)i, null, i % 2 == 0 ? null : RecordTree.List(), i % 3 == 0 ? null : new string((char)('a' + i % 26), 300 + i)]);
        }
        var path = _dir.File($"nulls-{encoding}.parquet");
        using (var output = File.Create(path))
        using (var writer = new ParquetFileWriter(output, schema, new ParquetWriterOptions { DefaultEncoding = encoding }))
        {
            var rowGroup = writer.CreateRowGroup();
            foreach (var row in rows) RecordTree.Write(rowGroup.Records, schema.Root, row);
            rowGroup.Complete();
            writer.Close();
        }

        var duck = DuckDbInspection.Of(path);
        JsonAssert.Equal(DuckDbInspection.ExpectedRows(schema, [rows]), duck.Rows, "DuckDB's read_parquet rows");
        duck.ChunksMatch(schema, [rows]);
    }
}
