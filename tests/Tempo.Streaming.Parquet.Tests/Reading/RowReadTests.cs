using System.Collections.Concurrent;
using System.Text;
using Tempo.Streaming.Parquet.Tests.FileRoundTrip;

namespace Tempo.Streaming.Parquet.Tests.Reading;

/// <summary>
/// <see cref="RecordReader.OpenRowsAsync"/> against the whole-row-group reader: the same rows, for every page version
/// and encoding, rows anywhere in their page, ranges across pages, files without a page index; and what it fetches.
/// </summary>
public sealed class RowReadTests
{
    private const int Rows = 3000;

    // Nested like a trace row: a required id, a dictionary-friendly service name, a list of spans each holding a
    // list of optional attribute values, and an optional integer that is mostly null.
    private static readonly ParquetSchema Traces = Schema.Message("t",
        Schema.Primitive("id", Repetition.Required, PhysicalType.Int64),
        Schema.String("service", Repetition.Optional),
        Schema.List("spans", Repetition.Optional,
            Schema.Group("element", Repetition.Required,
                Schema.String("name", Repetition.Required),
                Schema.List("values", Repetition.Optional, Schema.Primitive("element", Repetition.Optional, PhysicalType.Int32)))),
        Schema.Primitive("rare", Repetition.Optional, PhysicalType.Int64));

    private static byte[] WriteFile(
        DataPageVersion version, ColumnEncoding encoding, bool pageIndex = true, int rowGroups = 2, int pageSize = 700, CompressionCodec codec = CompressionCodec.Zstd,
        int rows = Rows) =>
        ParquetFiles.Write(Traces,
            new ParquetWriterOptions { DataPageSize = pageSize, PageVersion = version, WritePageIndex = pageIndex, DefaultEncoding = encoding, Compression = codec },
            writer =>
            {
                var perGroup = rows / rowGroups;
                for (var g = 0; g < rowGroups; g++)
                {
                    var group = writer.CreateRowGroup();
                    var w = group.Records;
                    for (var i = g * perGroup; i < (g + 1) * perGroup; i++) WriteRow(w, i);
                    group.Complete();
                }
            });

    private static void WriteRow(RecordWriter w, int i)
    {
        w.BeginRecord();
        w.BeginField(0); w.WriteInt64(i * 7L); w.EndField();
        if (i % 11 != 0) { w.BeginField(1); w.WriteString($"svc-{i % 5}"); w.EndField(); }
        if (i % 13 != 0)
        {
            w.BeginField(2); w.BeginGroup(); w.BeginField(0);
            for (var s = 0; s < i % 6; s++)
            {
                w.BeginGroup(); w.BeginField(0); w.BeginGroup(); // list entry, its element group
                w.BeginField(0); w.WriteString($"span-{i % 4}-{s}"); w.EndField();
                if (s % 2 == 0)
                {
                    w.BeginField(1); w.BeginGroup(); w.BeginField(0);
                    for (var v = 0; v < (i + s) % 4; v++)
                    {
                        w.BeginGroup();
                        if (v != 1) { w.BeginField(0); w.WriteInt32(i + s + v); w.EndField(); }
                        w.EndGroup();
                    }
                    w.EndField(); w.EndGroup(); w.EndField();
                }
                w.EndGroup(); w.EndField(); w.EndGroup();
            }
            w.EndField(); w.EndGroup(); w.EndField();
        }
        if (i % 97 == 0) { w.BeginField(3); w.WriteInt64(-i); w.EndField(); }
        w.EndRecord();
    }

    [Theory]
    [InlineData(DataPageVersion.V1, ColumnEncoding.Dictionary)]
    [InlineData(DataPageVersion.V1, ColumnEncoding.Plain)]
    [InlineData(DataPageVersion.V2, ColumnEncoding.Dictionary)]
    [InlineData(DataPageVersion.V2, ColumnEncoding.Plain)]
    public async Task Every_row_read_alone_equals_the_row_from_the_whole_row_group(DataPageVersion version, ColumnEncoding encoding)
    {
        var file = WriteFile(version, encoding);
        var expected = await ParquetFiles.ReadAllRowsAsync(file);
        var reader = await ParquetFiles.OpenAsync(file);
        var pageIndexes = await reader.ReadPageIndexesAsync(0);
        pageIndexes.Should().OnlyContain(p => p != null);
        // every column but the mostly-null "rare" one, which fits in one page, so rows are also read from a large page
        pageIndexes.Count(p => p!.Pages.Count > 1).Should().Be(pageIndexes.Count - 1, "the test needs several pages per chunk");

        var row = 0;
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            for (var r = 0L; r < reader.RowGroups[g].RowCount; r++, row++)
            {
                var records = await RecordReader.OpenRowsAsync(reader, g, r);
                records.RemainingRows.Should().Be(1);
                Render(records.ReadRow()!).Should().Be(Render(expected[row]), "row {0} of row group {1}", r, g);
                records.ReadRow().Should().BeNull();
            }
        }
    }

    [Theory]
    [InlineData(DataPageVersion.V1)]
    [InlineData(DataPageVersion.V2)]
    public async Task Row_ranges_across_pages_equal_the_whole_row_group(DataPageVersion version)
    {
        var file = WriteFile(version, ColumnEncoding.Dictionary, rowGroups: 1);
        var expected = await ParquetFiles.ReadAllRowsAsync(file);
        var reader = await ParquetFiles.OpenAsync(file);
        var random = new Random(5);
        for (var k = 0; k < 60; k++)
        {
            var first = random.Next(Rows);
            var count = 1 + random.Next(Math.Min(400, Rows - first));
            var records = await RecordReader.OpenRowsAsync(reader, 0, first, count);
            for (var i = 0; i < count; i++) Render(records.ReadRow()!).Should().Be(Render(expected[first + i]), "row {0} of {1}..", first + i, first);
            records.ReadRow().Should().BeNull();
        }
        // the last rows of the row group, up to its end
        var tail = await RecordReader.OpenRowsAsync(reader, 0, Rows - 3, 3);
        for (var i = Rows - 3; i < Rows; i++) Render(tail.ReadRow()!).Should().Be(Render(expected[i]));
    }

    [Fact]
    public async Task Skipping_inside_a_row_range_lands_on_the_right_row()
    {
        var file = WriteFile(DataPageVersion.V1, ColumnEncoding.Dictionary, rowGroups: 1);
        var expected = await ParquetFiles.ReadAllRowsAsync(file);
        var reader = await ParquetFiles.OpenAsync(file);
        var records = await RecordReader.OpenRowsAsync(reader, 0, 100, 900);
        records.SkipRows(850);
        Render(records.ReadRow()!).Should().Be(Render(expected[950]));
        records.RemainingRows.Should().Be(49);
    }

    [Fact]
    public async Task A_file_without_page_index_reads_its_chunks_whole_and_gives_the_same_rows()
    {
        var file = WriteFile(DataPageVersion.V1, ColumnEncoding.Dictionary, pageIndex: false);
        var expected = await ParquetFiles.ReadAllRowsAsync(file);
        var cache = new PageCache(1 << 20);
        var reader = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = cache });
        (await reader.ReadPageIndexesAsync(1)).Should().OnlyContain(p => p == null);
        foreach (var row in new[] { 0, 1, 777, 1499, 1500, 2222, Rows - 1 })
        {
            var g = row / (Rows / 2);
            var records = await RecordReader.OpenRowsAsync(reader, g, row % (Rows / 2));
            Render(records.ReadRow()!).Should().Be(Render(expected[row]));
        }
        cache.Count.Should().Be(0, "whole chunks are decoded by their own reader, page by page");
    }

    [Fact]
    public async Task Selected_columns_only_are_read()
    {
        var file = WriteFile(DataPageVersion.V1, ColumnEncoding.Dictionary);
        var expected = await ParquetFiles.ReadAllRowsAsync(file, [0, 3]);
        var reader = await ParquetFiles.OpenAsync(file);
        var records = await RecordReader.OpenRowsAsync(reader, 1, 10, 1, [0, 3]);
        var row = records.ReadRow()!;
        Render(row).Should().Be(Render(expected[1510]));
        row["service"].Should().BeNull();
    }

    [Fact]
    public async Task Pages_and_dictionaries_are_cached_and_kept_within_the_budget()
    {
        var file = WriteFile(DataPageVersion.V1, ColumnEncoding.Dictionary);
        var expected = await ParquetFiles.ReadAllRowsAsync(file);

        var roomy = new PageCache(64 << 20);
        var cached = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = roomy });
        await RecordReader.OpenRowsAsync(cached, 0, 5);
        var (pages, bytes, misses) = (roomy.Count, roomy.Bytes, roomy.Misses);
        pages.Should().BeGreaterThan(cached.Schema.Columns.Count, "a data page per column plus the dictionaries");
        await RecordReader.OpenRowsAsync(cached, 0, 6);
        roomy.Misses.Should().Be(misses, "row 6 lies in the same pages as row 5");
        roomy.Count.Should().Be(pages);
        roomy.Bytes.Should().Be(bytes);

        var small = new PageCache(bytes / 3);
        var bounded = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = small });
        var none = new PageCache(0);
        var uncached = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = none });
        for (var row = 0; row < Rows; row += 37)
        {
            var g = row / (Rows / 2);
            Render((await RecordReader.OpenRowsAsync(bounded, g, row % (Rows / 2))).ReadRow()!).Should().Be(Render(expected[row]));
            Render((await RecordReader.OpenRowsAsync(uncached, g, row % (Rows / 2))).ReadRow()!).Should().Be(Render(expected[row]));
            small.Bytes.Should().BeLessThanOrEqualTo(small.CapacityBytes);
        }
        small.Evictions.Should().BeGreaterThan(0);
        none.Count.Should().Be(0);
        none.Bytes.Should().Be(0);
    }

    [Fact]
    public async Task Readers_naming_the_same_file_share_its_cached_pages()
    {
        var file = WriteFile(DataPageVersion.V2, ColumnEncoding.Dictionary);
        var cache = new PageCache(64 << 20);
        var options = new ParquetReadOptions { PageCache = cache, FileIdentity = "the-file" };
        var first = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), options);
        var row = Render((await RecordReader.OpenRowsAsync(first, 1, 321)).ReadRow()!);
        var misses = cache.Misses;

        var second = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), options);
        Render((await RecordReader.OpenRowsAsync(second, 1, 321)).ReadRow()!).Should().Be(row);
        cache.Misses.Should().Be(misses, "the second reader finds every page the first decoded");

        var anonymous = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = cache });
        await RecordReader.OpenRowsAsync(anonymous, 1, 321);
        cache.Misses.Should().BeGreaterThan(misses, "a reader without a file identity has pages of its own");
    }

    [Fact]
    public async Task A_row_read_fetches_its_pages_in_few_merged_reads_and_page_indexes_once()
    {
        // uncompressed, so the file is well past the 64 KiB tail read at open and row reads go to the source
        var file = WriteFile(DataPageVersion.V1, ColumnEncoding.Dictionary, rowGroups: 1, pageSize: 256, codec: CompressionCodec.Uncompressed, rows: 4 * Rows);
        file.Length.Should().BeGreaterThan(4 * 64 * 1024);
        var source = new CountingSource(file);
        var reader = await ParquetFileReader.OpenAsync(source, new ParquetReadOptions { CoalesceGapBytes = 1 << 20 });
        var columns = reader.Schema.Columns.Count;
        var opened = source.Reads.Count;

        await RecordReader.OpenRowsAsync(reader, 0, 1234);
        var first = source.Reads.Skip(opened).ToList();
        first.Count.Should().BeLessThanOrEqualTo(2, "page indexes in one read (or the tail), then every column's pages and dictionaries merged");

        var before = source.Reads.Count;
        await RecordReader.OpenRowsAsync(reader, 0, 2345);
        var second = source.Reads.Skip(before).ToList();
        second.Should().HaveCount(1, "page indexes and dictionaries are cached; the {0} columns' pages merge into one read", columns);

        var defaultSource = new CountingSource(file);
        var defaults = await ParquetFileReader.OpenAsync(defaultSource);
        await RecordReader.OpenRowsAsync(defaults, 0, 1234);
        before = defaultSource.Reads.Count;
        await RecordReader.OpenRowsAsync(defaults, 0, 2345);
        defaultSource.Reads.Skip(before).Sum(r => (long)r.Length).Should().BeLessThan(file.Length / 4, "only the pages holding the row are fetched");

        var apartSource = new CountingSource(file);
        var cache = new PageCache(64 << 20);
        var apart = await ParquetFileReader.OpenAsync(apartSource, new ParquetReadOptions { CoalesceGapBytes = 0, MaxCoalescedReadBytes = 1, PageCache = cache });
        await RecordReader.OpenRowsAsync(apart, 0, 1234);
        before = apartSource.Reads.Count;
        var missesBefore = cache.Misses;
        await RecordReader.OpenRowsAsync(apart, 0, 2345);
        var pagesFetched = cache.Misses - missesBefore;
        pagesFetched.Should().BeGreaterThan(columns / 2, "most columns hold row 2345 in another page than row 1234");
        apartSource.Reads.Count.Should().Be(before + (int)pagesFetched, "without merging each page not in the cache is one read");
    }

    [Fact]
    public async Task Concurrent_row_reads_share_the_caches_and_each_get_their_row()
    {
        var file = WriteFile(DataPageVersion.V2, ColumnEncoding.Dictionary);
        var expected = (await ParquetFiles.ReadAllRowsAsync(file)).Select(Render).ToArray();
        // a cache far smaller than the file: lookups evict each other's pages while others still use them
        var reader = await ParquetFileReader.OpenAsync(new MemoryRandomAccessSource(file), new ParquetReadOptions { PageCache = new PageCache(16 << 10) });
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 600), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, ct) =>
        {
            var row = k * 5 % Rows;
            var records = await RecordReader.OpenRowsAsync(reader, row / (Rows / 2), row % (Rows / 2), cancellationToken: ct);
            var got = Render(records.ReadRow()!);
            if (got != expected[row]) failures.Add($"row {row}: {got} != {expected[row]}");
        });
        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task Rows_outside_the_row_group_are_rejected()
    {
        var reader = await ParquetFiles.OpenAsync(WriteFile(DataPageVersion.V1, ColumnEncoding.Plain));
        await FluentActions.Awaiting(() => RecordReader.OpenRowsAsync(reader, 0, Rows / 2)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => RecordReader.OpenRowsAsync(reader, 0, 10, 0)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => RecordReader.OpenRowsAsync(reader, 0, Rows / 2 - 2, 3)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => RecordReader.OpenRowsAsync(reader, 2, 0)).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    /// <summary>A canonical text of an assembled value, for comparing rows.</summary>
    internal static string Render(object? value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null: text.Append("null"); break;
            case ParquetGroup group:
                text.Append('{');
                for (var i = 0; i < group.Fields.Length; i++)
                {
                    text.Append(group.Schema.Children[i].Name).Append('=');
                    Append(text, group.Fields[i]);
                    text.Append(';');
                }
                text.Append('}');
                break;
            case List<object?> list:
                text.Append('[');
                foreach (var item in list) { Append(text, item); text.Append(','); }
                text.Append(']');
                break;
            case byte[] bytes: text.Append(Convert.ToHexString(bytes)); break;
            default: text.Append(value.GetType().Name).Append(':').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>An in-memory file that records every read.</summary>
    private sealed class CountingSource(byte[] data) : IRandomAccessSource
    {
        private readonly MemoryRandomAccessSource _inner = new(data);

        public ConcurrentQueue<(long Offset, int Length)> Reads { get; } = new();

        public long Length => data.Length;

        public ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            Reads.Enqueue((offset, destination.Length));
            return _inner.ReadAsync(offset, destination, cancellationToken);
        }
    }
}
