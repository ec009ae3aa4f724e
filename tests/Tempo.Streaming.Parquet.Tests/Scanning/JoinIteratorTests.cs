using Tempo.Streaming.Parquet.Scanning;
using static Tempo.Streaming.Parquet.Tests.Scanning.ScanAssertions;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>Joins and unions at span and trace depth against brute force over the model.</summary>
public class JoinIteratorTests
{
    private const int SpanDepth = 2;

    private static ColumnIterator Column(SyntheticFile file, string path, ColumnPredicate? predicate = null, string? name = null, ScanStatistics? statistics = null)
        => new(file, file.Schema.Column(path), new ColumnIteratorOptions { Predicate = predicate, Name = name, Statistics = statistics, BatchSize = 19 });

    private static IEnumerable<(int T, int R, int S, SpanModel Span, ResourceModel Resource)> Spans(List<TraceModel> rows)
    {
        for (var t = 0; t < rows.Count; t++)
            for (var r = 0; r < rows[t].Resources.Count; r++)
                for (var s = 0; s < rows[t].Resources[r].Spans.Count; s++)
                    yield return (t, r, s, rows[t].Resources[r].Spans[s], rows[t].Resources[r]);
    }

    [Fact]
    public async Task Spans_where_a_and_b_match_brute_force_with_second_pass_columns()
    {
        var rows = TraceShape.Random(seed: 21, count: 600);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 80, rowsPerPage: 8);
        var statistics = new ScanStatistics();

        // { name = "SELECT" && status >= 300 && .retries exists } select(duration, service)
        var join = new JoinIterator(SpanDepth,
            [
                Column(file, TraceShape.SpanNamePath, ColumnPredicates.Equal("SELECT"), "name"),
                Column(file, TraceShape.StatusPath, ColumnPredicates.GreaterOrEqual(300), "status"),
                Column(file, TraceShape.AttrKeyPath, ColumnPredicates.Equal("retries"), "key"),
            ],
            [
                Column(file, TraceShape.DurationPath, name: "duration", statistics: statistics),
            ]);
        var results = await CollectAsync(join);

        var expected = Spans(rows).Where(x => x.Span.Name == "SELECT" && x.Span.Status >= 300 && x.Span.Attrs.Any(a => a.Key == "retries")).ToList();
        results.Select(r => r.Position).Should().Equal(expected.Select(x => RowNumber.Create(x.T, x.R, x.S)));
        for (var i = 0; i < expected.Count; i++)
        {
            var entries = results[i].Entries;
            entries.Where(e => e.Name == "key").Should().HaveCount(expected[i].Span.Attrs.Count(a => a.Key == "retries"));
            entries.Single(e => e.Name == "duration").Value.Should().Be(expected[i].Span.Duration);
            entries.Single(e => e.Name == "status").Value.Should().Be(expected[i].Span.Status);
            entries.Single(e => e.Name == "name").Value.Should().Be("SELECT");
        }
        expected.Should().NotBeEmpty("the seed gives matches");
        statistics.RowsSkipped.Should().BeGreaterThan(0, "the second-pass column seeks past rows without matches");
    }

    [Fact]
    public async Task Traces_with_a_db_resource_and_an_error_span_match_brute_force()
    {
        var rows = TraceShape.Random(seed: 22, count: 500);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 100, rowsPerPage: 10);
        var join = new JoinIterator(0,
        [
            Column(file, TraceShape.ServiceNamePath, ColumnPredicates.Equal("db")),
            Column(file, TraceShape.StatusPath, ColumnPredicates.GreaterOrEqual(500)),
        ]);
        var results = await CollectAsync(join);
        var expected = rows.Select((t, i) => (t, i))
            .Where(x => x.t.Resources.Any(r => r.ServiceName == "db") && x.t.Resources.Any(r => r.Spans.Any(s => s.Status >= 500)))
            .Select(x => RowNumber.Create(x.i));
        results.Select(r => r.Position).Should().Equal(expected);
    }

    [Fact]
    public async Task A_span_joined_with_its_resource_column_sees_the_resource_value()
    {
        var rows = TraceShape.Random(seed: 23, count: 300);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 64, rowsPerPage: 4);
        // Join at resource depth: spans named "login" with their resource's service name.
        var join = new JoinIterator(1,
            [Column(file, TraceShape.SpanNamePath, ColumnPredicates.Equal("login"), "span")],
            [Column(file, TraceShape.ServiceNamePath, name: "service")]);
        var results = await CollectAsync(join);
        var expected = Spans(rows).Where(x => x.Span.Name == "login").GroupBy(x => (x.T, x.R)).ToList();
        results.Should().HaveCount(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            results[i].Position.Should().Be(RowNumber.Create(expected[i].Key.T, expected[i].Key.R));
            results[i].Entries.Count(e => e.Name == "span").Should().Be(expected[i].Count());
            results[i].Entries.Single(e => e.Name == "service").Value.Should().Be(expected[i].First().Resource.ServiceName);
        }
    }

    [Fact]
    public async Task Union_at_span_depth_matches_brute_force_and_a_group_test_filters_joins()
    {
        var rows = TraceShape.Random(seed: 24, count: 400);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 90, rowsPerPage: 11);
        var union = new UnionIterator(SpanDepth,
        [
            Column(file, TraceShape.SpanNamePath, ColumnPredicates.Equal("login")),
            Column(file, TraceShape.StatusPath, ColumnPredicates.Equal(404)),
        ]);
        var results = await CollectAsync(union);
        results.Select(r => r.Position).Should().Equal(
            Spans(rows).Where(x => x.Span.Name == "login" || x.Span.Status == 404).Select(x => RowNumber.Create(x.T, x.R, x.S)));

        // Attribute depth join with a group test: an attribute whose key is "retries" and whose int value is > 10.
        var join = new JoinIterator(3,
            [Column(file, TraceShape.AttrKeyPath, ColumnPredicates.Equal("retries"), "k"), Column(file, TraceShape.AttrIntPath, null, "v")],
            keep: r => r.TryGetValue("v", out var v) && !v.IsNull && v.Int64 > 10);
        var attrs = await CollectAsync(join);
        var expectedAttrs = new List<RowNumber>();
        foreach (var x in Spans(rows))
            for (var a = 0; a < x.Span.Attrs.Count; a++)
                if (x.Span.Attrs[a] is { Key: "retries", IntValue: > 10 }) expectedAttrs.Add(RowNumber.Create(x.T, x.R, x.S, a));
        attrs.Select(r => r.Position).Should().Equal(expectedAttrs);
    }

    [Fact]
    public async Task Joins_nest_and_seek()
    {
        var rows = TraceShape.Random(seed: 25, count: 400);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 50, rowsPerPage: 5);
        // traces where (a span is "charge" with status < 300) and (a resource is "auth")
        var spans = new JoinIterator(SpanDepth,
        [
            Column(file, TraceShape.SpanNamePath, ColumnPredicates.Equal("charge")),
            Column(file, TraceShape.StatusPath, ColumnPredicates.Less(300)),
        ]);
        var traces = new JoinIterator(0, [spans, Column(file, TraceShape.ServiceNamePath, ColumnPredicates.Equal("auth"))]);
        var expected = rows.Select((t, i) => (t, i))
            .Where(x => x.t.Resources.Any(r => r.ServiceName == "auth") && x.t.Resources.Any(r => r.Spans.Any(s => s.Name == "charge" && s.Status < 300)))
            .Select(x => x.i).ToList();

        var found = new List<int>();
        // Seek to every other expected trace to exercise SeekTo through the nested join.
        var k = 0;
        while (k < expected.Count && await traces.SeekToAsync(RowNumber.Create(expected[k]), 0))
        {
            found.Add(traces.Current.Position[0]);
            k += 2;
        }
        found.Should().Equal(expected.Where((_, i) => i % 2 == 0));
    }
}
