using Tempo.Streaming.Parquet.Scanning;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>The iterators over Tempo's own vParquet4 block (written by parquet-go), checked against RecordReader.</summary>
public class TempoBlockScanTests
{
    private const string SpanName = "rs.list.element.ss.list.element.Spans.list.element.Name";
    private const string ServiceName = "rs.list.element.Resource.ServiceName";
    private const string StartTime = "StartTimeUnixNano";

    private sealed record SpanAt(RowNumber Position, string Name, string Service);

    /// <summary>Every span of the block with its position [trace, resource spans, scope spans, span] and service, by record assembly.</summary>
    private static async Task<List<SpanAt>> BruteForceAsync(ParquetFileReader file)
    {
        var spans = new List<SpanAt>();
        var row = 0;
        var columns = new[] { file.Schema.Column(SpanName).Index, file.Schema.Column(ServiceName).Index };
        for (var g = 0; g < file.RowGroups.Count; g++)
        {
            var records = await RecordReader.OpenAsync(file, g, columns);
            while (records.ReadRow() is { } trace)
            {
                var resources = Items(trace["rs"]);
                for (var r = 0; r < resources.Count; r++)
                {
                    var service = (string)((ParquetGroup)resources[r]["Resource"]!)["ServiceName"]!;
                    var scopes = Items(resources[r]["ss"]);
                    for (var s = 0; s < scopes.Count; s++)
                    {
                        var scopeSpans = Items(scopes[s]["Spans"]);
                        for (var k = 0; k < scopeSpans.Count; k++) spans.Add(new SpanAt(RowNumber.Create(row, r, s, k), (string)scopeSpans[k]["Name"]!, service));
                    }
                }
                row++;
            }
        }
        return spans;
    }

    /// <summary>The elements of a three-level LIST group (<c>name.list[].element</c>).</summary>
    private static List<ParquetGroup> Items(object? list)
    {
        var result = new List<ParquetGroup>();
        if (list is ParquetGroup group && group["list"] is List<object?> entries)
        {
            foreach (var entry in entries) result.Add((ParquetGroup)((ParquetGroup)entry!)["element"]!);
        }
        return result;
    }

    [TempoBlockFact]
    public async Task Spans_by_name_joined_with_their_service_match_record_assembly()
    {
        var source = ByteSource.FromFile(TempoBlockFactAttribute.DataParquet);
        var file = await ParquetFileReader.OpenAsync(source);
        var all = await BruteForceAsync(file);
        all.Should().NotBeEmpty();
        // the most frequent span name, so the join has several resources to find
        var name = all.GroupBy(s => s.Name).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

        var statistics = new ScanStatistics();
        var spans = new ColumnIterator(file, SpanName, new ColumnIteratorOptions { Predicate = ColumnPredicates.Equal(name), Name = "name", Statistics = statistics });
        var resources = new JoinIterator(1, [spans], [new ColumnIterator(file, ServiceName, new ColumnIteratorOptions { Name = "service", Statistics = statistics })]);

        var found = new List<SpanAt>();
        while (await resources.MoveNextAsync())
        {
            resources.Current.TryGetValue("service", out var service).Should().BeTrue();
            foreach (var e in resources.Current.Entries)
            {
                if (e.Name == "name") found.Add(new SpanAt(e.Position.TruncateTo(3), e.Value.GetString(), service.GetString()));
            }
        }
        found.Should().Equal(all.Where(s => s.Name == name));
        statistics.ValuesKept.Should().BeGreaterThan(0);
    }

    [TempoBlockFact]
    public async Task Traces_with_a_span_matching_a_regex_match_record_assembly()
    {
        var source = ByteSource.FromFile(TempoBlockFactAttribute.DataParquet);
        var file = await ParquetFileReader.OpenAsync(source);
        var all = await BruteForceAsync(file);
        var first = all[0].Name;
        var pattern = System.Text.RegularExpressions.Regex.Escape(first[..Math.Min(3, first.Length)]) + ".*";

        var traces = new ColumnIterator(file, SpanName, new ColumnIteratorOptions { Predicate = ColumnPredicates.Regex(pattern), ResultDepth = 0 });
        var found = new List<long>();
        while (await traces.MoveNextAsync()) found.Add(traces.Current.Position.Row);

        var prefix = first[..Math.Min(3, first.Length)];
        found.Should().Equal(all.Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Position.Row).Distinct());
    }

    [TempoBlockFact]
    public async Task Unsigned_start_times_scan_as_uint64_and_every_trace_has_one()
    {
        var source = ByteSource.FromFile(TempoBlockFactAttribute.DataParquet);
        var file = await ParquetFileReader.OpenAsync(source);
        var iterator = new ColumnIterator(file, StartTime);
        var count = 0;
        ulong min = ulong.MaxValue, max = 0;
        while (await iterator.MoveNextAsync())
        {
            iterator.Value.Kind.Should().Be(ColumnValueKind.UInt64);
            iterator.Position.Should().Be(RowNumber.Create(count));
            min = Math.Min(min, iterator.Value.UInt64);
            max = Math.Max(max, iterator.Value.UInt64);
            count++;
        }
        count.Should().Be((int)file.RowCount);

        // A range around the middle start time finds exactly the traces inside it.
        var middle = (long)(min / 2 + max / 2);
        var inRange = new ColumnIterator(file, StartTime, new ColumnIteratorOptions { Predicate = ColumnPredicates.Between((long)min, middle) });
        var matched = 0;
        while (await inRange.MoveNextAsync())
        {
            inRange.Value.UInt64.Should().BeInRange(min, (ulong)middle);
            matched++;
        }
        matched.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(count);
    }
}
