using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Reading;

/// <summary>
/// Row reads through the <see cref="PageCache"/>: every value encoding the writer produces, v1 and v2 pages, pages of
/// hundreds of thousands of entries, repeated reads served from the cache, and damaged pages reported clearly.
/// </summary>
public sealed class CachedRowReadTests
{
    // A trace-like row with one column per encoding: sorted ids (DELTA_BINARY_PACKED), names (DELTA_LENGTH_BYTE_ARRAY),
    // keys sharing prefixes (DELTA_BYTE_ARRAY), doubles (BYTE_STREAM_SPLIT), a list of dictionary strings, a list of
    // PLAIN ints with nulls, booleans, and a column that is always null (levels only).
    private static readonly ParquetSchema Rows = Schema.Message("r",
        Schema.Primitive("id", Repetition.Required, PhysicalType.Int64),
        Schema.String("name", Repetition.Optional),
        Schema.String("key", Repetition.Optional),
        Schema.Primitive("score", Repetition.Optional, PhysicalType.Double),
        Schema.List("tags", Repetition.Optional, Schema.String("element", Repetition.Optional)),
        Schema.List("nums", Repetition.Optional, Schema.Primitive("element", Repetition.Optional, PhysicalType.Int32)),
        Schema.Primitive("flag", Repetition.Optional, PhysicalType.Boolean),
        Schema.String("nothing", Repetition.Optional));

    private static readonly Dictionary<string, ColumnWriteOptions> Encodings = new()
    {
        ["id"] = new(ColumnEncoding.DeltaBinaryPacked),
        ["name"] = new(ColumnEncoding.DeltaLengthByteArray),
        ["key"] = new(ColumnEncoding.DeltaByteArray),
        ["score"] = new(ColumnEncoding.ByteStreamSplit),
        ["tags.list.element"] = new(ColumnEncoding.Dictionary),
        ["nums.list.element"] = new(ColumnEncoding.Plain),
        ["flag"] = new(ColumnEncoding.Plain),
    };

    private static byte[] WriteFile(int rows, DataPageVersion version, int entryLimit, int pageSize, CompressionCodec codec = CompressionCodec.Zstd) =>
        ParquetFiles.Write(Rows,
            new ParquetWriterOptions
            {
                PageVersion = version, DataPageEntryLimit = entryLimit, DataPageSize = pageSize, Compression = codec, Columns = Encodings,
            },
            writer =>
            {
                var group = writer.CreateRowGroup();
                var w = group.Records;
                for (var i = 0; i < rows; i++) WriteRow(w, i);
                group.Complete();
            });

    private static void WriteRow(RecordWriter w, int i)
    {
        w.BeginRecord();
        w.WriteInt64Field(0, 1000L + 3L * i);
        if (i % 7 != 0) w.WriteStringField(1, $"name-{i}");
        if (i % 5 != 0) w.WriteStringField(2, $"service/operation/{i / 10:D6}/{i % 10}");
        if (i % 3 != 0) w.WriteDoubleField(3, i * 0.25);
        if (i % 4 != 0)
        {
            w.BeginList(4);
            for (var t = 0; t < i % 6; t++)
            {
                w.BeginListElement();
                if (t != 2) w.WriteString($"tag-{(i + t) % 9}");
                w.EndListElement();
            }
            w.EndList();
        }
        w.BeginList(5);
        for (var n = 0; n < i % 4; n++)
        {
            w.BeginListElement();
            if (n != 1) w.WriteInt32(i * 10 + n);
            w.EndListElement();
        }
        w.EndList();
        if (i % 2 == 0) { w.BeginField(6); w.WriteBoolean(i % 4 == 0); w.EndField(); }
        w.EndRecord();
    }

    [Theory]
    [InlineData(DataPageVersion.V1, CompressionCodec.Zstd)]
    [InlineData(DataPageVersion.V2, CompressionCodec.Zstd)]
    [InlineData(DataPageVersion.V1, CompressionCodec.Uncompressed)]
    [InlineData(DataPageVersion.V2, CompressionCodec.Snappy)]
    public async Task Every_encoding_reads_back_row_by_row_first_from_the_file_then_from_the_cache(DataPageVersion version, CompressionCodec codec)
    {
        const int count = 2500;
        var file = WriteFile(count, version, entryLimit: 700, pageSize: 2048, codec);
        var expected = (await ParquetFiles.ReadAllRowsAsync(file)).Select(RowReadTests.Render).ToArray();
        var cache = new PageCache(64 << 20);
        var reader = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = cache });
        var encodings = reader.RowGroups[0].Columns.SelectMany(c => c.Encodings).ToHashSet();
        encodings.Should().Contain([Encoding.DeltaBinaryPacked, Encoding.DeltaLengthByteArray, Encoding.DeltaByteArray, Encoding.ByteStreamSplit,
            Encoding.RleDictionary, Encoding.Plain]);
        (await reader.ReadPageIndexesAsync(0)).Should().OnlyContain(p => p!.Pages.Count > 1 || p.Pages[0].IsAllNull);

        for (var pass = 0; pass < 2; pass++)
        {
            var misses = cache.Misses;
            for (var row = 0; row < count; row++)
            {
                var records = await RecordReader.OpenRowsAsync(reader, 0, row);
                RowReadTests.Render(records.ReadRow()!).Should().Be(expected[row], "row {0}, pass {1}", row, pass);
            }
            if (pass == 1) cache.Misses.Should().Be(misses, "the second pass finds every page in the cache");
        }
    }

    [Theory]
    [InlineData(DataPageVersion.V1)]
    [InlineData(DataPageVersion.V2)]
    public async Task Pages_of_hundreds_of_thousands_of_entries_give_any_row(DataPageVersion version)
    {
        // No entry limit and a byte limit no page reaches: every chunk is one page, the list columns' of 300,000+ entries.
        const int count = 140_000;
        var file = WriteFile(count, version, entryLimit: int.MaxValue, pageSize: 64 << 20);
        var reader = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = new PageCache(256 << 20) });
        var indexes = await reader.ReadPageIndexesAsync(0);
        indexes.Should().OnlyContain(p => p!.Pages.Count == 1);
        reader.RowGroups[0].Columns.Max(c => c.ValueCount).Should().BeGreaterThan(300_000);

        var whole = await RecordReader.OpenAsync(reader, 0);
        var expected = new string[count];
        for (var row = 0; row < count; row++) expected[row] = RowReadTests.Render(whole.ReadRow()!);
        var random = new Random(11);
        foreach (var row in new[] { 0, 1, count / 2, count - 2, count - 1 }.Concat(Enumerable.Range(0, 300).Select(_ => random.Next(count))))
        {
            var records = await RecordReader.OpenRowsAsync(reader, 0, row);
            RowReadTests.Render(records.ReadRow()!).Should().Be(expected[row], "row {0}", row);
        }
        var range = await RecordReader.OpenRowsAsync(reader, 0, 777, 50);
        for (var row = 777; row < 827; row++) RowReadTests.Render(range.ReadRow()!).Should().Be(expected[row]);
    }

    [Fact]
    public async Task A_damaged_data_page_is_reported_with_its_column_and_offset()
    {
        var file = WriteFile(2000, DataPageVersion.V1, entryLimit: 700, pageSize: 2048, CompressionCodec.Uncompressed);
        var reader = await ParquetFiles.OpenAsync(file);
        var column = reader.Schema.Column("tags.list.element");
        var page = (await reader.ReadPageIndexesAsync(0))[column.Index]!.Pages[1];

        // The page header's first byte (field 1, the page type) becomes a field of an unknown type.
        var badHeader = (byte[])file.Clone();
        badHeader[page.Offset] = 0x1F;
        var damaged = await ParquetFiles.OpenAsync(badHeader);
        (await FluentActions.Awaiting(() => RecordReader.OpenRowsAsync(damaged, 0, page.FirstRowIndex)).Should().ThrowAsync<ParquetFormatException>())
            .WithMessage($"column 'tags.list.element' in row group 0, page at offset {page.Offset}: *");

        // Levels that no longer add up to the rows the offset index gives the page.
        var badLevels = (byte[])file.Clone();
        PageHeaderLength(file, page.Offset, out var bodyAt);
        for (var i = 4; i < 24; i++) badLevels[bodyAt + i] = 0x00; // RLE runs of length 0 (repetition levels follow the 4-byte length)
        var broken = await ParquetFiles.OpenAsync(badLevels);
        (await FluentActions.Awaiting(() => RecordReader.OpenRowsAsync(broken, 0, page.FirstRowIndex)).Should().ThrowAsync<ParquetFormatException>())
            .WithMessage($"column 'tags.list.element' in row group 0, page at offset {page.Offset}: *");
    }

    private static void PageHeaderLength(byte[] file, long offset, out long bodyAt)
    {
        Tempo.Streaming.Parquet.Format.PageHeader.Read(file.AsSpan((int)offset), out var headerLength);
        bodyAt = offset + headerLength;
    }
}
