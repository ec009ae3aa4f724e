using System.Globalization;
using System.Text.Json.Nodes;
using Tempo.Streaming.Parquet.Tests.DuckDb.TestData;

namespace Tempo.Streaming.Parquet.Tests.DuckDb;

/// <summary>
/// Files written by DuckDB, read by our reader: every row our RecordReader assembles must equal DuckDB's own
/// read_parquet row, our schema must be DuckDB's schema, and our footer facts DuckDB's parquet_metadata. DuckDB writes
/// only legacy ConvertedType annotations (UTF8, LIST, MAP, UINT_8 …), so these files also check that the reader honours
/// them. PARQUET_VERSION v2 makes DuckDB write data pages v2 with DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
/// BYTE_STREAM_SPLIT and RLE_DICTIONARY; v1 writes PLAIN and PLAIN_DICTIONARY — the test asserts it really got them.
/// </summary>
public sealed class DuckDbFilesInOurReaderTests(DuckDbWrittenFiles files) : IClassFixture<DuckDbWrittenFiles>
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var (compression, version) in DuckDbWrittenFiles.Variants) cases.Add(compression, version);
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Our_reader_returns_what_DuckDB_reads_from_its_own_file(string compression, string parquetVersion)
    {
        var (path, duckSchema, duckChunks) = files.Variant(compression, parquetVersion);

        // what DuckDB really wrote, so the test provably covers these encodings and codecs
        var encodings = duckChunks.SelectMany(c => DuckDbInspection.Encodings(c!.AsObject())).ToHashSet();
        string[] expected = parquetVersion == "v2"
            ? ["PLAIN", "RLE_DICTIONARY", "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "BYTE_STREAM_SPLIT"]
            : ["PLAIN", "PLAIN_DICTIONARY"];
        encodings.Should().Contain(expected);
        duckChunks.Select(c => (string?)c!["compression"]).Distinct().Should().Equal(compression.ToUpperInvariant());

        var reader = await ParquetFileReader.OpenAsync(ByteArraySource.FromFile(path));
        reader.RowCount.Should().Be(DuckDbWrittenFiles.RowCount);
        reader.RowGroups.Select(g => g.RowCount).Should().Equal(
            DuckDbWrittenFiles.RowGroupSize, DuckDbWrittenFiles.RowGroupSize, DuckDbWrittenFiles.RowCount - 2 * DuckDbWrittenFiles.RowGroupSize);
        reader.CreatedBy.Should().StartWith("DuckDB");
        DuckDbSchemaAssert.Matches(reader.Schema, duckSchema, logicalTypesInFile: false);
        OurReader.FooterMatches(reader, duckChunks);
        JsonAssert.Equal(files.Rows, await OurReader.AllRowsAsync(reader), "rows our RecordReader assembled (expected = DuckDB's read_parquet)");
    }

    [Fact]
    public async Task Column_chunk_reader_batches_and_skips_rows_of_a_DuckDB_file()
    {
        var reader = await ParquetFileReader.OpenAsync(ByteArraySource.FromFile(files.IdsPath));

        var ids = await reader.ReadColumnChunkAsync(0, 0);
        var batch = new ColumnBatch(1000);
        var next = 0L;
        int entries;
        while ((entries = ids.ReadBatch(batch)) > 0)
        {
            batch.ValueCount.Should().Be(entries, "id is never null");
            for (var i = 0; i < batch.ValueCount; i++) batch.Int64s[i].Should().Be(next++);
        }
        next.Should().Be(DuckDbWrittenFiles.IdsRowCount);

        var strings = await reader.ReadColumnChunkAsync(0, 1);
        strings.SkipRows(7001);
        strings.ReadBatch(batch).Should().BeGreaterThan(0);
        // rows 7001, 7002, 7003: 7002 is a multiple of 3, so null
        var texts = new List<string?>();
        for (int e = 0, v = 0; e < 3; e++)
        {
            texts.Add(batch.DefinitionLevels[e] == 1 ? System.Text.Encoding.UTF8.GetString(batch.GetBytes(v++)) : null);
        }
        texts.Should().Equal("v7001", null, "v7003");
    }
}

/// <summary>
/// The DuckDB-written files of <see cref="DuckDbFilesInOurReaderTests"/>, made in one node run (each run costs
/// a DuckDB start): the same rows under every codec and both PARQUET_VERSIONs, plus what DuckDB says about each file.
/// </summary>
public sealed class DuckDbWrittenFiles : IDisposable
{
    public const int RowCount = 4500;
    public const int RowGroupSize = 2048; // DuckDB cuts row groups at multiples of its 2048-row vectors
    public const int IdsRowCount = 10000;

    public static readonly (string Compression, string Version)[] Variants =
    [
        ("uncompressed", "v1"), ("snappy", "v1"), ("zstd", "v1"), ("gzip", "v1"),
        ("uncompressed", "v2"), ("snappy", "v2"), ("zstd", "v2"), ("gzip", "v2"),
    ];

    // nulls, booleans, doubles, floats, every integer width signed and unsigned (values past the signed maximum),
    // low- and high-cardinality strings, blobs with 0x00/0xFF, lists (null, empty, null elements), a list of lists,
    // a struct with a nested struct, a map (null, empty, null values) and a list of structs
    private const string RowsSelect = """
        SELECT
          i::BIGINT AS id,
          (i % 7 = 0) AS flag,
          CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.5::DOUBLE END AS dbl,
          (i / 3)::FLOAT AS flt,
          (i % 200)::UTINYINT AS u8,
          (i * 7 % 60000)::USMALLINT AS u16,
          (4000000000 + i)::UINTEGER AS u32,
          9223372036854775808::UBIGINT + i::UBIGINT AS u64,
          (i % 200 - 100)::TINYINT AS i8,
          (i * 13 % 60000 - 30000)::SMALLINT AS i16,
          CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 31)::INTEGER END AS i32,
          'name-' || (i % 37) AS low_card,
          md5(i::VARCHAR) AS high_card,
          CASE WHEN i % 3 = 0 THEN NULL ELSE '\x00\xFF'::BLOB || i::VARCHAR::BLOB END AS blob,
          CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN [] ELSE [i, NULL, i + 1] END AS int_list,
          CASE WHEN i % 6 = 0 THEN NULL ELSE ['a' || (i % 3), NULL] END AS str_list,
          [[i], [], NULL, [i, i]] AS nested_list,
          CASE WHEN i % 5 = 0 THEN NULL ELSE {'name': 'n' || i, 'val': CASE WHEN i % 2 = 0 THEN NULL ELSE i END, 'inner': {'d': i / 2}} END AS st,
          CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN MAP {}::MAP(VARCHAR, BIGINT) ELSE MAP {'k' || (i % 3): i, 'z': NULL} END AS m,
          [{'a': i, 'b': 'x'}, NULL] AS struct_list
        FROM range(4500) t(i)
        """;

    private readonly TempDirectory _dir = new();
    private readonly Dictionary<(string, string), (string Path, JsonArray Schema, JsonArray Chunks)> _variants = [];

    public DuckDbWrittenFiles()
    {
        IdsPath = _dir.File("ids.parquet");
        var statements = new List<string>
        {
            "SET threads = 1", // one writer thread: row groups of exactly ROW_GROUP_SIZE rows
            $"COPY (SELECT i::BIGINT AS id, CASE WHEN i % 3 = 0 THEN NULL ELSE 'v' || i END AS s FROM range({IdsRowCount}) t(i)) " +
            $"TO {DuckDbCli.Literal(IdsPath)} (FORMAT parquet, ROW_GROUP_SIZE {IdsRowCount}, PARQUET_VERSION v2)",
        };
        foreach (var (compression, version) in Variants)
        {
            statements.Add($"COPY ({RowsSelect}) TO {DuckDbCli.Literal(PathOf(compression, version))} " +
                $"(FORMAT parquet, COMPRESSION {compression}, ROW_GROUP_SIZE {RowGroupSize}, PARQUET_VERSION {version})");
        }
        var first = DuckDbCli.Literal(PathOf(Variants[0].Compression, Variants[0].Version));
        statements.Add(string.Format(CultureInfo.InvariantCulture, DuckDbInspection.RowsSql, first));
        foreach (var (compression, version) in Variants)
        {
            var file = DuckDbCli.Literal(PathOf(compression, version));
            statements.Add(string.Format(CultureInfo.InvariantCulture, DuckDbSchemaAssert.SchemaSql, file));
            statements.Add(string.Format(CultureInfo.InvariantCulture, DuckDbInspection.ChunksSql, file));
        }

        var results = DuckDbCli.Query([.. statements]);
        var next = 2 + Variants.Length;
        Rows = results[next++]!.AsArray();
        foreach (var (compression, version) in Variants)
        {
            _variants[(compression, version)] = (PathOf(compression, version), results[next++]!.AsArray(), results[next++]!.AsArray());
        }
    }

    /// <summary>DuckDB's read_parquet rows, in file order (the same for every variant).</summary>
    public JsonArray Rows { get; }

    /// <summary>10,000 rows of (id BIGINT, s VARCHAR with every third null) in one row group, data pages v2.</summary>
    public string IdsPath { get; }

    public (string Path, JsonArray Schema, JsonArray Chunks) Variant(string compression, string version) => _variants[(compression, version)];

    private string PathOf(string compression, string version) => _dir.File($"duckdb-{compression}-{version}.parquet");

    public void Dispose() => _dir.Dispose();
}
