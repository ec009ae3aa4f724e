namespace Tempo.Streaming.Parquet.Tests.FileRoundTrip;

public sealed class RoundTripTests
{
    private static readonly ParquetSchema Flat = Schema.Message("flat",
        Schema.Primitive("b", Repetition.Required, PhysicalType.Boolean),
        Schema.Primitive("i32", Repetition.Required, PhysicalType.Int32),
        Schema.Primitive("i64", Repetition.Optional, PhysicalType.Int64),
        Schema.Primitive("u64", Repetition.Optional, PhysicalType.Int64, LogicalType.Integer(64, false)),
        Schema.Primitive("u32", Repetition.Optional, PhysicalType.Int32, LogicalType.Integer(32, false)),
        Schema.Primitive("f", Repetition.Optional, PhysicalType.Float),
        Schema.Primitive("d", Repetition.Required, PhysicalType.Double),
        Schema.String("s", Repetition.Optional),
        Schema.Primitive("bin", Repetition.Optional, PhysicalType.ByteArray),
        Schema.Primitive("id", Repetition.Required, PhysicalType.FixedLenByteArray, typeLength: 16));

    private sealed record FlatRow(bool B, int I32, long? I64, ulong? U64, uint? U32, float? F, double D, string? S, byte[]? Bin, byte[] Id);

    private static List<FlatRow> FlatRows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<FlatRow>(count);
        for (var i = 0; i < count; i++)
        {
            var id = new byte[16];
            random.NextBytes(id);
            rows.Add(new FlatRow(
                random.Next(2) == 0,
                random.Next(-1000, 1000),
                random.Next(5) == 0 ? null : random.NextInt64(long.MinValue, long.MaxValue),
                random.Next(5) == 0 ? null : (ulong)random.NextInt64() * 2 + 1,
                random.Next(5) == 0 ? null : (uint)random.Next() * 2u,
                random.Next(5) == 0 ? null : (float)random.NextDouble() * 100 - 50,
                random.NextDouble(),
                random.Next(4) == 0 ? null : "svc-" + random.Next(20),
                random.Next(4) == 0 ? null : id[..random.Next(0, 16)],
                id));
        }
        return rows;
    }

    private static void WriteFlat(RowGroupWriter group, IEnumerable<FlatRow> rows)
    {
        var w = group.Records;
        foreach (var row in rows)
        {
            w.BeginRecord();
            w.BeginField(0); w.WriteBoolean(row.B); w.EndField();
            w.BeginField(1); w.WriteInt32(row.I32); w.EndField();
            if (row.I64 is { } i64) { w.BeginField(2); w.WriteInt64(i64); w.EndField(); }
            if (row.U64 is { } u64) { w.BeginField(3); w.WriteInt64((long)u64); w.EndField(); }
            if (row.U32 is { } u32) { w.BeginField(4); w.WriteInt32((int)u32); w.EndField(); }
            if (row.F is { } f) { w.BeginField(5); w.WriteFloat(f); w.EndField(); }
            w.BeginField(6); w.WriteDouble(row.D); w.EndField();
            if (row.S is { } s) { w.BeginField(7); w.WriteString(s); w.EndField(); }
            if (row.Bin is { } bin) { w.BeginField(8); w.WriteBytes(bin); w.EndField(); }
            w.BeginField(9); w.WriteBytes(row.Id); w.EndField();
            w.EndRecord();
        }
    }

    private static void AssertFlat(List<ParquetGroup> actual, List<FlatRow> expected)
    {
        actual.Should().HaveCount(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var row = actual[i];
            var e = expected[i];
            row["b"].Should().Be(e.B);
            row["i32"].Should().Be(e.I32);
            row["i64"].Should().Be(e.I64);
            row["u64"].Should().Be(e.U64 is { } u ? (long)u : null);
            row["u32"].Should().Be(e.U32 is { } u32 ? (int)u32 : null);
            row["f"].Should().Be(e.F);
            row["d"].Should().Be(e.D);
            row["s"].Should().Be(e.S);
            ((byte[]?)row["bin"]).Should().Equal(e.Bin!, because: "row {0}", i);
            ((byte[])row["id"]!).Should().Equal(e.Id);
        }
    }

    public static TheoryData<CompressionCodec, DataPageVersion, ColumnEncoding> Variants()
    {
        var data = new TheoryData<CompressionCodec, DataPageVersion, ColumnEncoding>();
        foreach (var codec in new[] { CompressionCodec.Uncompressed, CompressionCodec.Snappy, CompressionCodec.Zstd, CompressionCodec.Gzip })
        foreach (var version in new[] { DataPageVersion.V1, DataPageVersion.V2 })
        foreach (var encoding in new[] { ColumnEncoding.Dictionary, ColumnEncoding.Plain })
            data.Add(codec, version, encoding);
        data.Add(CompressionCodec.Snappy, DataPageVersion.V2, ColumnEncoding.DeltaBinaryPacked);
        data.Add(CompressionCodec.Brotli, DataPageVersion.V1, ColumnEncoding.Dictionary);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Every_physical_type_round_trips(CompressionCodec codec, DataPageVersion version, ColumnEncoding encoding)
    {
        var rows = FlatRows(3000, seed: 7);
        var options = new ParquetWriterOptions { Compression = codec, PageVersion = version, DefaultEncoding = encoding, DataPageSize = 4096 };
        if (encoding == ColumnEncoding.DeltaBinaryPacked)
        {
            // delta applies to the integer columns; the rest keep the dictionary default
            options = new ParquetWriterOptions
            {
                Compression = codec, PageVersion = version, DataPageSize = 4096,
                Columns = new Dictionary<string, ColumnWriteOptions> { ["i32"] = new(encoding), ["i64"] = new(encoding), ["u64"] = new(encoding), ["u32"] = new(encoding) },
            };
        }

        var file = ParquetFiles.Write(Flat, options, writer =>
        {
            var first = writer.CreateRowGroup();
            WriteFlat(first, rows.Take(1700));
            first.Complete();
            var second = writer.CreateRowGroup();
            WriteFlat(second, rows.Skip(1700));
            second.Complete();
        });

        var reader = await ParquetFiles.OpenAsync(file);
        reader.RowCount.Should().Be(3000);
        reader.RowGroups.Should().HaveCount(2);
        reader.RowGroups[0].RowCount.Should().Be(1700);
        reader.RowGroups[0].Columns[0].Codec.Should().Be(codec);
        AssertFlat(await ParquetFiles.ReadAllRowsAsync(file), rows);
    }

    [Fact]
    public async Task Schema_key_values_and_created_by_survive()
    {
        var file = ParquetFiles.Write(Flat, new ParquetWriterOptions { CreatedBy = "tests" }, writer =>
        {
            writer.KeyValueMetadata["a"] = "1";
            var group = writer.CreateRowGroup();
            WriteFlat(group, FlatRows(3, 1));
            group.Complete();
            writer.KeyValueMetadata["late"] = "2";
        });

        var reader = await ParquetFiles.OpenAsync(file);
        reader.CreatedBy.Should().Be("tests");
        reader.KeyValueMetadata.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "1", ["late"] = "2" });
        reader.Schema.Columns.Select(c => c.DottedPath).Should().Equal(Flat.Columns.Select(c => c.DottedPath));
        reader.Schema.Column("u64").Node.LogicalType.Should().Be(LogicalType.Integer(64, false));
        reader.Schema.Column("s").Node.LogicalType.Should().Be(LogicalType.String);
        reader.Schema.Column("id").Node.TypeLength.Should().Be(16);
        reader.Schema.Column("i64").Node.Repetition.Should().Be(Repetition.Optional);
        reader.FooterLength.Should().BeGreaterThan(0).And.BeLessThan(file.Length);
    }

    [Fact]
    public async Task Reading_a_subset_of_columns_leaves_the_others_null()
    {
        var rows = FlatRows(50, 3);
        var file = ParquetFiles.Write(Flat, new ParquetWriterOptions(), writer =>
        {
            var group = writer.CreateRowGroup();
            WriteFlat(group, rows);
            group.Complete();
        });

        var read = await ParquetFiles.ReadAllRowsAsync(file, [1, 7]);

        read.Should().HaveCount(50);
        for (var i = 0; i < 50; i++)
        {
            read[i]["i32"].Should().Be(rows[i].I32);
            read[i]["s"].Should().Be(rows[i].S);
            read[i]["b"].Should().BeNull();
            read[i]["id"].Should().BeNull();
        }
    }

    [Fact]
    public async Task An_empty_file_and_an_empty_row_group_are_valid()
    {
        var empty = ParquetFiles.Write(Flat, new ParquetWriterOptions(), _ => { });
        var reader = await ParquetFiles.OpenAsync(empty);
        reader.RowCount.Should().Be(0);
        reader.RowGroups.Should().BeEmpty();

        var emptyGroup = ParquetFiles.Write(Flat, new ParquetWriterOptions(), writer => writer.CreateRowGroup().Complete());
        (await ParquetFiles.ReadAllRowsAsync(emptyGroup)).Should().BeEmpty();
    }
}
