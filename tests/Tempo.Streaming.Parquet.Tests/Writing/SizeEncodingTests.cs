using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Writing;

/// <summary>The size options of the writer: DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, byte-aligned
/// dictionary indices, the encoded-size page limit and per-column compression levels.</summary>
public sealed class SizeEncodingTests
{
    private static readonly ParquetSchema Table = Schema.Message("m",
        Schema.String("s", Repetition.Optional),
        Schema.Primitive("fixed", Repetition.Required, PhysicalType.FixedLenByteArray, typeLength: 3),
        Schema.Primitive("i32", Repetition.Required, PhysicalType.Int32),
        Schema.Primitive("i64", Repetition.Optional, PhysicalType.Int64),
        Schema.Primitive("f", Repetition.Required, PhysicalType.Float),
        Schema.Primitive("d", Repetition.Required, PhysicalType.Double));

    private static string? StringAt(int i) => i % 7 == 0 ? null : i % 5 == 0 ? "" : $"prefix/{i / 10:D4}/{new string('x', i % 13)}";
    private static byte[] FixedAt(int i) => [(byte)(i >> 8), (byte)i, (byte)(i * 7)];
    private static long? Int64At(int i) => i % 9 == 0 ? null : i % 4 == 0 ? long.MinValue + i : 1_700_000_000_000_000_000L + (long)i * 7919;

    private static byte[] WriteTable(ParquetWriterOptions options, int rows) => ParquetFiles.Write(Table, options, writer =>
    {
        var group = writer.CreateRowGroup();
        for (var i = 0; i < rows; i++)
        {
            if (StringAt(i) is { } s) group.Column(0).WriteString(s); else group.Column(0).WriteNull(0);
            group.Column(1).WriteBytes(FixedAt(i));
            group.Column(2).WriteInt32(i % 3 == 0 ? int.MinValue + i : i * 31);
            if (Int64At(i) is { } l) group.Column(3).WriteInt64(l); else group.Column(3).WriteNull(0);
            group.Column(4).WriteFloat(i % 11 == 0 ? float.NaN : i * 0.25f);
            group.Column(5).WriteDouble(i % 10 == 0 ? -0.0 : i / 3.0);
        }
        group.Complete();
    });

    private static async Task AssertRowsAsync(byte[] file, int rows)
    {
        var read = await ParquetFiles.ReadAllRowsAsync(file);
        read.Should().HaveCount(rows);
        for (var i = 0; i < rows; i++)
        {
            read[i]["s"].Should().Be(StringAt(i), $"row {i}");
            ((byte[])read[i]["fixed"]!).Should().Equal(FixedAt(i));
            read[i]["i32"].Should().Be(i % 3 == 0 ? int.MinValue + i : i * 31);
            read[i]["i64"].Should().Be(Int64At(i));
            if (i % 11 == 0) float.IsNaN((float)read[i]["f"]!).Should().BeTrue(); else read[i]["f"].Should().Be(i * 0.25f);
            BitConverter.DoubleToInt64Bits((double)read[i]["d"]!).Should().Be(BitConverter.DoubleToInt64Bits(i % 10 == 0 ? -0.0 : i / 3.0));
        }
    }

    [Theory]
    [InlineData(DataPageVersion.V1, CompressionCodec.Zstd)]
    [InlineData(DataPageVersion.V2, CompressionCodec.Uncompressed)]
    public async Task Delta_string_and_byte_stream_split_columns_round_trip_over_many_pages(DataPageVersion version, CompressionCodec codec)
    {
        var options = new ParquetWriterOptions
        {
            Compression = codec,
            PageVersion = version,
            DataPageSize = 700,
            Columns = new Dictionary<string, ColumnWriteOptions>
            {
                ["s"] = new(ColumnEncoding.DeltaByteArray),
                ["fixed"] = new(ColumnEncoding.ByteStreamSplit),
                ["i32"] = new(ColumnEncoding.ByteStreamSplit),
                ["i64"] = new(ColumnEncoding.ByteStreamSplit),
                ["f"] = new(ColumnEncoding.ByteStreamSplit),
                ["d"] = new(ColumnEncoding.ByteStreamSplit),
            },
        };
        var file = WriteTable(options, 1500);

        var reader = await ParquetFiles.OpenAsync(file);
        var columns = reader.RowGroups[0].Columns;
        columns[0].Encodings.Should().Contain(Encoding.DeltaByteArray).And.NotContain(Encoding.RleDictionary);
        for (var c = 1; c < 6; c++) columns[c].Encodings.Should().Contain(Encoding.ByteStreamSplit, Table.Columns[c].DottedPath);
        (await reader.ReadPageIndexAsync(0, 3))!.Pages.Count.Should().BeGreaterThan(5, "small pages exercise per-page encoding");
        await AssertRowsAsync(file, 1500);
    }

    [Fact]
    public async Task Delta_length_byte_array_and_delta_byte_array_on_fixed_length_values_round_trip()
    {
        var options = new ParquetWriterOptions
        {
            DataPageSize = 300,
            Columns = new Dictionary<string, ColumnWriteOptions>
            {
                ["s"] = new(ColumnEncoding.DeltaLengthByteArray),
                ["fixed"] = new(ColumnEncoding.DeltaByteArray),
            },
        };
        var file = WriteTable(options, 800);

        var reader = await ParquetFiles.OpenAsync(file);
        reader.RowGroups[0].Columns[0].Encodings.Should().Contain(Encoding.DeltaLengthByteArray);
        reader.RowGroups[0].Columns[1].Encodings.Should().Contain(Encoding.DeltaByteArray);
        await AssertRowsAsync(file, 800);
    }

    [Theory]
    [InlineData("s", ColumnEncoding.ByteStreamSplit, "BYTE_STREAM_SPLIT")]
    [InlineData("i32", ColumnEncoding.DeltaLengthByteArray, "DELTA_LENGTH_BYTE_ARRAY")]
    [InlineData("fixed", ColumnEncoding.DeltaLengthByteArray, "DELTA_LENGTH_BYTE_ARRAY")]
    [InlineData("d", ColumnEncoding.DeltaByteArray, "DELTA_BYTE_ARRAY")]
    [InlineData("f", ColumnEncoding.DeltaBinaryPacked, "DELTA_BINARY_PACKED")]
    public void An_encoding_on_a_type_it_cannot_hold_fails_when_the_writer_is_created(string column, ColumnEncoding encoding, string name)
    {
        var options = new ParquetWriterOptions { Columns = new Dictionary<string, ColumnWriteOptions> { [column] = new(encoding) } };
        FluentActions.Invoking(() => new ParquetFileWriter(new MemoryStream(), Table, options))
            .Should().Throw<ArgumentException>().WithMessage($"*'{column}'*{name}*");
    }

    [Fact]
    public async Task Byte_aligned_dictionary_indices_round_trip_and_widen_only_indices_of_four_bits_or_more()
    {
        // "s" has ~150 distinct values (8-bit indices either way, 4+ bits needed), "i32" below 8 distinct (3 bits).
        var schema = Schema.Message("m", Schema.String("s", Repetition.Required), Schema.Primitive("i32", Repetition.Required, PhysicalType.Int32));
        byte[] Write(bool aligned, int distinct) => ParquetFiles.Write(schema,
            new ParquetWriterOptions { Compression = CompressionCodec.Uncompressed, ByteAlignedDictionaryIndices = aligned }, writer =>
            {
                var group = writer.CreateRowGroup();
                for (var i = 0; i < 4000; i++)
                {
                    group.Column(0).WriteString($"v{i * 7919 % distinct}");
                    group.Column(1).WriteInt32(i * 13 % 7);
                }
                group.Complete();
            });

        foreach (var distinct in new[] { 20, 150, 3000 })
        {
            var packed = Write(aligned: false, distinct);
            var aligned = Write(aligned: true, distinct);
            var packedReader = await ParquetFiles.OpenAsync(packed);
            var alignedReader = await ParquetFiles.OpenAsync(aligned);
            alignedReader.RowGroups[0].Columns[0].Encodings.Should().Contain(Encoding.RleDictionary);
            // 5 bits → 8, 8 → 8, 12 → 16: the uncompressed chunk grows unless the width already was a whole byte
            var growth = alignedReader.RowGroups[0].Columns[0].UncompressedSize - packedReader.RowGroups[0].Columns[0].UncompressedSize;
            if (distinct == 150) growth.Should().Be(0);
            else growth.Should().BeGreaterThan(0, $"{distinct} distinct values");
            alignedReader.RowGroups[0].Columns[1].UncompressedSize.Should().Be(packedReader.RowGroups[0].Columns[1].UncompressedSize, "3-bit indices stay packed");

            var rows = await ParquetFiles.ReadAllRowsAsync(aligned);
            for (var i = 0; i < 4000; i++)
            {
                rows[i]["s"].Should().Be($"v{i * 7919 % distinct}");
                rows[i]["i32"].Should().Be(i * 13 % 7);
            }
        }
    }

    [Fact]
    public async Task The_page_size_limits_encoded_values_so_dictionary_pages_hold_more_rows_up_to_sixteen_times_the_plain_size()
    {
        var schema = Schema.Message("m", Schema.String("s", Repetition.Required), Schema.String("p", Repetition.Required));
        const int rows = 20_000;
        var file = ParquetFiles.Write(schema, new ParquetWriterOptions
        {
            DataPageSize = 8192,
            LimitEncodedPageSize = true,
            Columns = new Dictionary<string, ColumnWriteOptions> { ["p"] = new(ColumnEncoding.Plain) },
        }, writer =>
        {
            var group = writer.CreateRowGroup();
            for (var i = 0; i < rows; i++)
            {
                // 24-byte values, 4 distinct: 2-bit indices, mostly short RLE runs — ~40× smaller than PLAIN
                var value = $"a-fairly-long-value-{i % 4:D4}";
                group.Column(0).WriteString(value);
                group.Column(1).WriteString(value);
            }
            group.Complete();
        });

        var reader = await ParquetFiles.OpenAsync(file);
        var dictionaryPages = (await reader.ReadPageIndexAsync(0, 0))!.Pages.Count;
        var plainPages = (await reader.ReadPageIndexAsync(0, 1))!.Pages.Count;
        var plainBytes = rows * (4 + 24);
        plainPages.Should().BeInRange(plainBytes / 8192 - 1, plainBytes / 8192 + 1, "PLAIN pages are cut at the page size");
        dictionaryPages.Should().BeGreaterThanOrEqualTo(plainBytes / (16 * 8192), "a page holds at most 16× the page size in PLAIN bytes");
        dictionaryPages.Should().BeLessThan(plainPages / 8, "dictionary pages are cut by their encoded size, not by PLAIN bytes");

        var byPlainSize = ParquetFiles.Write(schema, new ParquetWriterOptions { DataPageSize = 8192 }, writer =>
        {
            var group = writer.CreateRowGroup();
            for (var i = 0; i < rows; i++)
            {
                group.Column(0).WriteString($"a-fairly-long-value-{i % 4:D4}");
                group.Column(1).WriteString("x");
            }
            group.Complete();
        });
        var defaultPages = (await (await ParquetFiles.OpenAsync(byPlainSize)).ReadPageIndexAsync(0, 0))!.Pages.Count;
        defaultPages.Should().BeInRange(plainBytes / 8192 - 1, plainBytes / 8192 + 1, "by default the page size counts PLAIN bytes");
        var values = await ParquetFiles.ReadAllRowsAsync(file);
        values[rows - 1]["s"].Should().Be($"a-fairly-long-value-{(rows - 1) % 4:D4}");
    }

    [Fact]
    public async Task A_column_compression_level_overrides_the_file_level()
    {
        var schema = Schema.Message("m", Schema.String("a", Repetition.Required), Schema.String("b", Repetition.Required));
        var file = ParquetFiles.Write(schema, new ParquetWriterOptions
        {
            Compression = CompressionCodec.Zstd,
            CompressionLevel = 1,
            DefaultEncoding = ColumnEncoding.Plain,
            Columns = new Dictionary<string, ColumnWriteOptions> { ["b"] = new(CompressionLevel: 19) },
        }, writer =>
        {
            var group = writer.CreateRowGroup();
            var random = new Random(7);
            for (var i = 0; i < 5000; i++)
            {
                // repetitive but not trivially so: higher zstd levels find the longer matches
                var value = $"{random.Next(40)}-{random.Next(40)}-{random.Next(3)}-{i % 17}";
                group.Column(0).WriteString(value);
                group.Column(1).WriteString(value);
            }
            group.Complete();
        });

        var reader = await ParquetFiles.OpenAsync(file);
        var columns = reader.RowGroups[0].Columns;
        columns[1].UncompressedSize.Should().Be(columns[0].UncompressedSize);
        columns[1].CompressedSize.Should().BeLessThan(columns[0].CompressedSize, "level 19 beats level 1 on the same bytes");
        var rows = await ParquetFiles.ReadAllRowsAsync(file);
        for (var i = 0; i < 5000; i++) rows[i]["b"].Should().Be(rows[i]["a"]);
    }
}
