using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Writing;

public sealed class WriterBehaviourTests
{
    private static readonly ParquetSchema Numbers = Schema.Message("m",
        Schema.Primitive("i32", Repetition.Required, PhysicalType.Int32),
        Schema.Primitive("i64", Repetition.Optional, PhysicalType.Int64),
        Schema.Primitive("u64", Repetition.Required, PhysicalType.Int64, LogicalType.Integer(64, false)),
        Schema.Primitive("d", Repetition.Required, PhysicalType.Double),
        Schema.String("s", Repetition.Required),
        Schema.Primitive("b", Repetition.Required, PhysicalType.Boolean));

    private static byte[] Write(ParquetWriterOptions options, int rows, Func<int, (int, long?, ulong, double, string, bool)> row) => ParquetFiles.Write(Numbers, options, writer =>
    {
        var group = writer.CreateRowGroup();
        for (var i = 0; i < rows; i++)
        {
            var (i32, i64, u64, d, s, b) = row(i);
            group.Column(0).WriteInt32(i32);
            if (i64 is { } v) group.Column(1).WriteInt64(v); else group.Column(1).WriteNull(0);
            group.Column(2).WriteInt64((long)u64);
            group.Column(3).WriteDouble(d);
            group.Column(4).WriteString(s);
            group.Column(5).WriteBoolean(b);
        }
        group.Complete();
    });

    [Fact]
    public async Task Delta_binary_packed_columns_round_trip_with_extremes()
    {
        var options = new ParquetWriterOptions
        {
            Columns = new Dictionary<string, ColumnWriteOptions>
            {
                ["i32"] = new(ColumnEncoding.DeltaBinaryPacked),
                ["i64"] = new(ColumnEncoding.DeltaBinaryPacked),
                ["u64"] = new(ColumnEncoding.DeltaBinaryPacked, CompressionCodec.Zstd),
            },
            DataPageSize = 2000,
        };
        long[] extremes = [long.MinValue, long.MaxValue, 0, -1, 1];
        var file = Write(options, 1000, i => (i % 3 == 0 ? int.MinValue : int.MaxValue - i, i % 4 == 0 ? null : extremes[i % 5], (ulong)i * 1_000_000_007UL, i, "x", true));

        var reader = await ParquetFiles.OpenAsync(file);
        reader.RowGroups[0].Columns[0].Encodings.Should().Contain(Encoding.DeltaBinaryPacked);
        reader.RowGroups[0].Columns[2].Codec.Should().Be(CompressionCodec.Zstd);
        var rows = await ParquetFiles.ReadAllRowsAsync(file);
        for (var i = 0; i < 1000; i++)
        {
            rows[i]["i32"].Should().Be(i % 3 == 0 ? int.MinValue : int.MaxValue - i);
            rows[i]["i64"].Should().Be(i % 4 == 0 ? null : extremes[i % 5]);
            rows[i]["u64"].Should().Be((long)((ulong)i * 1_000_000_007UL));
        }
    }

    [Fact]
    public void Delta_on_a_non_integer_column_fails_at_construction()
    {
        var options = new ParquetWriterOptions { Columns = new Dictionary<string, ColumnWriteOptions> { ["s"] = new(ColumnEncoding.DeltaBinaryPacked) } };
        var act = () => new ParquetFileWriter(new MemoryStream(), Numbers, options);
        act.Should().Throw<ArgumentException>().WithMessage("*'s'*DELTA_BINARY_PACKED*");

        var unknown = new ParquetWriterOptions { Columns = new Dictionary<string, ColumnWriteOptions> { ["nope"] = new(ColumnEncoding.Plain) } };
        FluentActions.Invoking(() => new ParquetFileWriter(new MemoryStream(), Numbers, unknown)).Should().Throw<ArgumentException>().WithMessage("*'nope'*");
    }

    [Fact]
    public async Task Dictionary_is_used_for_repetitive_columns_and_dropped_for_unique_ones()
    {
        var file = Write(new ParquetWriterOptions(), 5000, i => (i % 10, i, (ulong)i, i * 1.5, "service-" + (i % 8), i % 2 == 0));
        var reader = await ParquetFiles.OpenAsync(file);
        var columns = reader.RowGroups[0].Columns;
        columns[0].Encodings.Should().Contain(Encoding.RleDictionary);
        columns[4].Encodings.Should().Contain(Encoding.RleDictionary);
        columns[1].Encodings.Should().NotContain(Encoding.RleDictionary, "unique values gain nothing from a dictionary");
        columns[5].Encodings.Should().NotContain(Encoding.RleDictionary, "booleans are never dictionary-encoded");
        reader.Metadata.RowGroups[0].Columns[0].MetaData!.DictionaryPageOffset.Should().NotBeNull();
        var chunk = await reader.ReadColumnChunkAsync(0, 4);
        chunk.Dictionary!.ValueCount.Should().Be(8);
    }

    [Fact]
    public async Task Dictionary_falls_back_to_plain_when_it_outgrows_the_limit()
    {
        var options = new ParquetWriterOptions { DictionaryPageSizeLimit = 300, DataPageSize = 256 };
        // repetitive first (the dictionary pays off), then unique values that overflow 300 bytes of dictionary
        static string Value(int i) => i < 2000 ? "v" + (i % 5) : "v" + i;
        var file = Write(options, 4000, i => (i % 1000, 1, 1, 1, Value(i), true));
        var reader = await ParquetFiles.OpenAsync(file);
        var encodings = reader.RowGroups[0].Columns[4].Encodings;
        encodings.Should().Contain(Encoding.RleDictionary).And.Contain(Encoding.Plain);
        var stats = reader.Metadata.RowGroups[0].Columns[4].MetaData!.EncodingStats!;
        stats.Should().Contain(s => s.Encoding == Encoding.Plain && s.PageType == Tempo.Streaming.Parquet.Format.PageType.DataPage);
        var rows = await ParquetFiles.ReadAllRowsAsync(file);
        for (var i = 0; i < 4000; i++) rows[i]["s"].Should().Be(Value(i));
    }

    [Fact]
    public async Task Statistics_follow_the_column_order()
    {
        var file = Write(new ParquetWriterOptions(), 4, i => i switch
        {
            0 => (-5, null, ulong.MaxValue, -0.0, "b", false),
            1 => (7, -9, 1UL, double.NaN, "ab", false),
            2 => (0, 12, 1UL << 63, 0.0, "\u00e9", false),
            _ => (3, null, 5UL, 2.5, "a", false),
        });
        var reader = await ParquetFiles.OpenAsync(file);
        var columns = reader.RowGroups[0].Columns;

        columns[0].Statistics!.MinInt64.Should().Be(-5);
        columns[0].Statistics!.MaxInt64.Should().Be(7);
        columns[1].Statistics!.NullCount.Should().Be(2);
        columns[1].Statistics!.MinInt64.Should().Be(-9);
        // unsigned order: 1 is the smallest, 2^64-1 the largest
        columns[2].Statistics!.MinInt64.Should().Be(1);
        ((ulong)columns[2].Statistics!.MaxInt64).Should().Be(ulong.MaxValue);
        reader.Metadata.RowGroups[0].Columns[2].MetaData!.Statistics!.Min.Should().BeNull("the legacy signed order disagrees for unsigned columns");
        // NaN ignored, zero bounds written as -0 / +0
        columns[3].Statistics!.MinDouble.Should().Be(-0.0);
        double.IsNegative(columns[3].Statistics!.MinDouble).Should().BeTrue();
        columns[3].Statistics!.MaxDouble.Should().Be(2.5);
        // unsigned bytes: "a" < "ab" < "b" < "é" (0xC3 0xA9)
        columns[4].Statistics!.Min.Should().Equal("a"u8.ToArray());
        columns[4].Statistics!.Max.Should().Equal("\u00e9"u8.ToArray());
        reader.Metadata.RowGroups[0].Columns[4].MetaData!.Statistics!.Max.Should().BeNull("no legacy min/max for byte arrays");
        columns[5].Statistics!.Min.Should().Equal([0]);
        columns[5].Statistics!.Max.Should().Equal([0]);
    }

    [Fact]
    public async Task Long_byte_array_bounds_are_left_out_of_statistics_but_truncated_in_the_page_index()
    {
        var longValue = new string('z', 100);
        var file = Write(new ParquetWriterOptions(), 3, i => (i, i, (ulong)i, i, i == 1 ? longValue : "m" + i, true));
        var reader = await ParquetFiles.OpenAsync(file);
        reader.RowGroups[0].Columns[4].Statistics!.HasMinMax.Should().BeFalse();
        var index = (await reader.ReadPageIndexAsync(0, 4))!;
        index.Pages[0].Max!.Length.Should().Be(64);
        index.Pages[0].Max![63].Should().Be((byte)('z' + 1));
        index.Pages[0].Min.Should().Equal("m0"u8.ToArray());
    }

    [Fact]
    public async Task Dictionary_page_bounds_are_the_bounds_of_the_page_values()
    {
        // Bounds of dictionary pages come from the distinct entries each page uses: entries shared between pages, a
        // dictionary that grows past its first tables, and pages that reuse a page-local set must all give the bounds of
        // the page's own values.
        static string Value(int i) => i < 300 ? "a" + (i % 3) : i % 97 == 0 ? "\u00e9" + i : "v" + (i * 7 % 1500);
        var options = new ParquetWriterOptions { DataPageSize = 1500 };
        var file = Write(options, 6000, i => (i, i, (ulong)i, i, Value(i), true));
        Write(options, 6000, i => (i, i, (ulong)i, i, Value(i), true)).Should().Equal(file, "writers reusing pooled buffers write the same bytes");

        var reader = await ParquetFiles.OpenAsync(file);
        reader.RowGroups[0].Columns[4].Encodings.Should().Contain(Encoding.RleDictionary);
        var pages = (await reader.ReadPageIndexAsync(0, 4))!.Pages;
        pages.Count.Should().BeGreaterThan(5);
        for (var p = 0; p < pages.Count; p++)
        {
            var end = p + 1 < pages.Count ? (int)pages[p + 1].FirstRowIndex : 6000;
            var values = new List<byte[]>();
            for (var i = (int)pages[p].FirstRowIndex; i < end; i++) values.Add(System.Text.Encoding.UTF8.GetBytes(Value(i)));
            values.Sort((x, y) => x.AsSpan().SequenceCompareTo(y));
            pages[p].Min.Should().Equal(values[0], $"page {p}");
            pages[p].Max.Should().Equal(values[^1], $"page {p}");
        }
    }

    [Fact]
    public void Estimated_size_grows_with_the_values_and_resets_per_row_group()
    {
        using var stream = new MemoryStream();
        using var writer = new ParquetFileWriter(stream, Numbers);
        var group = writer.CreateRowGroup();
        group.EstimatedSize.Should().Be(0);
        for (var i = 0; i < 100; i++)
        {
            group.Column(0).WriteInt32(i);
            group.Column(1).WriteInt64(i);
            group.Column(2).WriteInt64(i);
            group.Column(3).WriteDouble(i);
            group.Column(4).WriteString("0123456789");
            group.Column(5).WriteBoolean(true);
        }
        group.EstimatedSize.Should().BeGreaterThanOrEqualTo(100 * (4 + 8 + 8 + 8 + 14 + 1));
        group.RowCount.Should().Be(100);
        group.Complete();
        writer.CreateRowGroup().EstimatedSize.Should().Be(0);
    }

    [Fact]
    public void Columns_with_different_row_counts_cannot_complete()
    {
        using var stream = new MemoryStream();
        var writer = new ParquetFileWriter(stream, Numbers);
        var group = writer.CreateRowGroup();
        group.Column(0).WriteInt32(1);
        group.Invoking(g => g.Complete()).Should().Throw<InvalidOperationException>().WithMessage("*'i64' holds 0 rows*");
        writer.Invoking(w => w.CreateRowGroup()).Should().Throw<InvalidOperationException>().WithMessage("*not completed*");
    }
}
