using Tempo.Streaming.Parquet.Scanning;
using static Tempo.Streaming.Parquet.Tests.Scanning.ScanAssertions;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>The iterators over files written and read by the library (real pages, encodings, statistics, page index).</summary>
public class FileScanTests
{
    public static TheoryData<string, int> Layouts() => new()
    {
        { "dictionary-v1-snappy", 1 }, { "plain-v2-uncompressed", 2 }, { "delta-v1-zstd", 3 },
    };

    private static ParquetWriterOptions Options(string layout) => layout switch
    {
        "dictionary-v1-snappy" => new ParquetWriterOptions { DataPageSize = 512, Compression = CompressionCodec.Snappy },
        "plain-v2-uncompressed" => new ParquetWriterOptions
        {
            DataPageSize = 700, DefaultEncoding = ColumnEncoding.Plain, PageVersion = DataPageVersion.V2, Compression = CompressionCodec.Uncompressed,
        },
        _ => new ParquetWriterOptions
        {
            DataPageSize = 300, Compression = CompressionCodec.Zstd,
            Columns = new Dictionary<string, ColumnWriteOptions>
            {
                [TraceShape.IdPath] = new(ColumnEncoding.DeltaBinaryPacked),
                [TraceShape.DurationPath] = new(ColumnEncoding.DeltaBinaryPacked),
            },
        },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Every_column_scans_to_the_brute_force_positions_and_values(string layout, int seed)
    {
        var rows = TraceShape.Random(seed, count: 700);
        var reader = await TraceFileWriter.OpenAsync(TraceFileWriter.Write(rows, rowsPerGroup: 150, Options(layout)));
        reader.RowGroups.Should().HaveCount(5);
        string[] paths = [TraceShape.IdPath, TraceShape.ServiceNamePath, TraceShape.SpanNamePath, TraceShape.DurationPath, TraceShape.StatusPath, TraceShape.AttrKeyPath, TraceShape.AttrIntPath];
        for (var c = 0; c < paths.Length; c++)
        {
            var results = await CollectAsync(new ColumnIterator(reader, paths[c], new ColumnIteratorOptions { BatchSize = 64 }));
            results.Should().Equal(Expected(TraceShape.AllEntries(rows, c), _ => true), $"{paths[c]} in {layout}");
        }
    }

    [Theory]
    [InlineData(TraceShape.StatusPath, TraceShape.Status, "status>=500")]
    [InlineData(TraceShape.StatusPath, TraceShape.Status, "status null")]
    [InlineData(TraceShape.SpanNamePath, TraceShape.SpanName, "name regex")]
    [InlineData(TraceShape.SpanNamePath, TraceShape.SpanName, "name in")]
    [InlineData(TraceShape.ServiceNamePath, TraceShape.ServiceName, "service=")]
    [InlineData(TraceShape.AttrIntPath, TraceShape.AttrInt, "int<=-40")]
    [InlineData(TraceShape.IdPath, TraceShape.Id, "id between")]
    public async Task Predicates_on_a_written_file_match_brute_force(string path, int column, string name)
    {
        var rows = TraceShape.Random(seed: 31, count: 600);
        var (predicate, reference) = ColumnIteratorTests.Case(name);
        foreach (var (layout, _) in new[] { ("dictionary-v1-snappy", 0), ("plain-v2-uncompressed", 0) })
        {
            var reader = await TraceFileWriter.OpenAsync(TraceFileWriter.Write(rows, rowsPerGroup: 100, Options(layout)));
            var results = await CollectAsync(new ColumnIterator(reader, path, new ColumnIteratorOptions { Predicate = predicate }));
            results.Should().Equal(Expected(TraceShape.AllEntries(rows, column), reference), $"{name} in {layout}");
        }
    }

    [Fact]
    public async Task A_sorted_int64_column_over_ten_row_groups_reads_one_row_group()
    {
        var rows = TraceShape.Random(seed: 32, count: 1000);
        var reader = await TraceFileWriter.OpenAsync(TraceFileWriter.Write(rows, rowsPerGroup: 100, new ParquetWriterOptions()));
        var statistics = new ScanStatistics();
        var results = await CollectAsync(new ColumnIterator(reader, TraceShape.IdPath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Equal(642), Statistics = statistics,
        }));
        results.Should().Equal((RowNumber.Create(642), 642L));
        statistics.RowGroupsSkippedByStatistics.Should().Be(9);
        statistics.ChunksRead.Should().Be(1);
    }

    [Fact]
    public async Task Dictionaries_without_a_match_skip_chunks_but_a_fallen_back_chunk_is_always_read()
    {
        var rows = TraceShape.Random(seed: 35, count: 400);
        var reader = await TraceFileWriter.OpenAsync(TraceFileWriter.Write(rows, rowsPerGroup: 100, new ParquetWriterOptions()));
        var statistics = new ScanStatistics();
        // "cartz" sorts between the services, so statistics keep every chunk; the dictionaries exclude them all.
        var results = await CollectAsync(new ColumnIterator(reader, TraceShape.ServiceNamePath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Equal("cartz"), Statistics = statistics, UsePageIndex = false,
        }));
        results.Should().BeEmpty();
        statistics.RowGroupsSkippedByStatistics.Should().Be(0);
        statistics.ChunksSkippedByDictionary.Should().Be(4);
        statistics.ValuesInspected.Should().Be(0);

        // A dictionary that overflows: later values go to PLAIN pages and are not in the dictionary, so the
        // dictionary check must not drop the chunk (encoding_stats show the PLAIN data pages).
        List<TraceModel> overflow = [.. Enumerable.Range(0, 200).Select(i => new TraceModel(i, [new ResourceModel($"service-{i:D4}", [])]))];
        var fallback = await TraceFileWriter.OpenAsync(TraceFileWriter.Write(overflow, rowsPerGroup: 200,
            new ParquetWriterOptions { DictionaryPageSizeLimit = 64, DataPageSize = 128 }));
        fallback.Metadata.RowGroups[0].Columns[TraceShape.ServiceName].MetaData!.EncodingStats.Should()
            .Contain(s => s.Encoding == Encoding.Plain && s.PageType != Parquet.Format.PageType.DictionaryPage, "the writer fell back to PLAIN pages");
        var late = await CollectAsync(new ColumnIterator(fallback, TraceShape.ServiceNamePath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Equal("service-0190"), UsePageIndex = false,
        }));
        late.Should().Equal((RowNumber.Create(190, 0), "service-0190"));
    }

    [Fact]
    public async Task The_written_page_index_lets_a_scan_skip_pages()
    {
        var rows = TraceShape.Random(seed: 33, count: 3000);
        var reader = await TraceFileWriter.OpenAsync(TraceFileWriter.Write(rows, rowsPerGroup: 3000,
            new ParquetWriterOptions { DataPageSize = 256, DefaultEncoding = ColumnEncoding.Plain }));
        var statistics = new ScanStatistics();
        var results = await CollectAsync(new ColumnIterator(reader, TraceShape.IdPath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Between(2000, 2009), Statistics = statistics, BatchSize = 16,
        }));
        results.Select(r => r.Value).Should().Equal(Enumerable.Range(2000, 10).Select(i => (object?)(long)i));
        statistics.PagesInspected.Should().BeGreaterThan(10);
        statistics.PagesSkipped.Should().BeGreaterThanOrEqualTo(statistics.PagesInspected - 2);
        statistics.RowsSkipped.Should().BeGreaterThan(1900);
        statistics.ValuesInspected.Should().BeLessThan(200, "only the pages around 2000..2009 are decoded");
    }

    [Fact]
    public async Task Spans_joined_across_columns_of_a_written_file_match_brute_force()
    {
        var rows = TraceShape.Random(seed: 34, count: 800);
        var reader = await TraceFileWriter.OpenAsync(TraceFileWriter.Write(rows, rowsPerGroup: 200, new ParquetWriterOptions { DataPageSize = 400 }));
        // Spans (depth 2) where name =~ "(GET|POST) .*" and an attribute key is "peer", then — a join one level up, as
        // Tempo nests its span iterator inside the resource one — the resource's service name as a second-pass column.
        var spans = new JoinIterator(2,
        [
            new ColumnIterator(reader, TraceShape.SpanNamePath, new ColumnIteratorOptions { Predicate = ColumnPredicates.Regex("(GET|POST) .*"), Name = "name" }),
            new ColumnIterator(reader, TraceShape.AttrKeyPath, new ColumnIteratorOptions { Predicate = ColumnPredicates.Equal("peer"), Name = "key" }),
        ]);
        var resources = new JoinIterator(1, [spans], [new ColumnIterator(reader, TraceShape.ServiceNamePath, new ColumnIteratorOptions { Name = "service" })]);
        var results = await CollectAsync(resources);

        var expected = new List<(RowNumber Resource, string Service, List<RowNumber> Spans)>();
        for (var t = 0; t < rows.Count; t++)
            for (var r = 0; r < rows[t].Resources.Count; r++)
            {
                var matching = new List<RowNumber>();
                for (var s = 0; s < rows[t].Resources[r].Spans.Count; s++)
                {
                    var span = rows[t].Resources[r].Spans[s];
                    if ((span.Name.StartsWith("GET ", StringComparison.Ordinal) || span.Name.StartsWith("POST ", StringComparison.Ordinal))
                        && span.Attrs.Any(a => a.Key == "peer"))
                    {
                        matching.Add(RowNumber.Create(t, r, s));
                    }
                }
                if (matching.Count > 0) expected.Add((RowNumber.Create(t, r), rows[t].Resources[r].ServiceName, matching));
            }

        expected.Should().NotBeEmpty();
        results.Select(r => r.Position).Should().Equal(expected.Select(e => e.Resource));
        for (var i = 0; i < expected.Count; i++)
        {
            results[i].Entries.Single(e => e.Name == "service").Value.Should().Be(expected[i].Service);
            results[i].Entries.Where(e => e.Name == "name").Select(e => e.Position.TruncateTo(2)).Should().Equal(expected[i].Spans);
        }
    }
}
