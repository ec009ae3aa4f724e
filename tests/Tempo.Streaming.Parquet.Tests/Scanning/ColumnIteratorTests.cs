using Tempo.Streaming.Parquet.Scanning;
using static Tempo.Streaming.Parquet.Tests.Scanning.ScanAssertions;

namespace Tempo.Streaming.Parquet.Tests.Scanning;

/// <summary>The column iterator on synthetic chunks (exact page layouts and decode counts, independent of the reader).</summary>
public class ColumnIteratorTests
{
    private static ColumnIterator Iterator(SyntheticFile file, string path, ColumnIteratorOptions? options = null)
        => new(file, file.Schema.Column(path), options);

    [Fact]
    public async Task Positions_of_a_small_example_are_exact()
    {
        // trace 0: resource "a" { span s1 { attr k1 }, span s2 { } }, resource "b" { }; trace 1: no resources.
        List<TraceModel> rows =
        [
            new(7, [new("a", [new("s1", 1, 200, [new("k1", 5)]), new("s2", 2, null, [])]), new("b", [])]),
            new(8, []),
        ];
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 10, rowsPerPage: 10);

        (await CollectAsync(Iterator(file, TraceShape.AttrKeyPath))).Should().Equal(
            (RowNumber.Create(0, 0, 0, 0), "k1"),
            (RowNumber.Create(0, 0, 1, -1), null),
            (RowNumber.Create(0, 1, -1, -1), null),
            (RowNumber.Create(1, -1, -1, -1), null));
        (await CollectAsync(Iterator(file, TraceShape.StatusPath))).Should().Equal(
            (RowNumber.Create(0, 0, 0), 200L),
            (RowNumber.Create(0, 0, 1), null),
            (RowNumber.Create(0, 1, -1), null),
            (RowNumber.Create(1, -1, -1), null));
        (await CollectAsync(Iterator(file, TraceShape.ServiceNamePath))).Should().Equal(
            (RowNumber.Create(0, 0), "a"),
            (RowNumber.Create(0, 1), "b"),
            (RowNumber.Create(1, -1), null));
    }

    [Theory]
    [InlineData(TraceShape.IdPath, TraceShape.Id)]
    [InlineData(TraceShape.ServiceNamePath, TraceShape.ServiceName)]
    [InlineData(TraceShape.SpanNamePath, TraceShape.SpanName)]
    [InlineData(TraceShape.StatusPath, TraceShape.Status)]
    [InlineData(TraceShape.AttrKeyPath, TraceShape.AttrKey)]
    [InlineData(TraceShape.AttrIntPath, TraceShape.AttrInt)]
    public async Task Select_only_yields_every_entry_at_its_position(string path, int column)
    {
        var rows = TraceShape.Random(seed: 11, count: 300);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 70, rowsPerPage: 9);
        var results = await CollectAsync(Iterator(file, path, new ColumnIteratorOptions { BatchSize = 13 }));
        results.Should().Equal(Expected(TraceShape.AllEntries(rows, column), _ => true));
    }

    public static TheoryData<string, int, string> Predicates() => new()
    {
        { TraceShape.IdPath, TraceShape.Id, "id=57" },
        { TraceShape.IdPath, TraceShape.Id, "id in" },
        { TraceShape.IdPath, TraceShape.Id, "id between" },
        { TraceShape.StatusPath, TraceShape.Status, "status>=500" },
        { TraceShape.StatusPath, TraceShape.Status, "status<100" },
        { TraceShape.StatusPath, TraceShape.Status, "status!=200" },
        { TraceShape.StatusPath, TraceShape.Status, "status null" },
        { TraceShape.StatusPath, TraceShape.Status, "status not null" },
        { TraceShape.StatusPath, TraceShape.Status, "status or" },
        { TraceShape.StatusPath, TraceShape.Status, "status and" },
        { TraceShape.DurationPath, TraceShape.Duration, "duration>" },
        { TraceShape.SpanNamePath, TraceShape.SpanName, "name=" },
        { TraceShape.SpanNamePath, TraceShape.SpanName, "name!=" },
        { TraceShape.SpanNamePath, TraceShape.SpanName, "name regex" },
        { TraceShape.SpanNamePath, TraceShape.SpanName, "name not regex" },
        { TraceShape.SpanNamePath, TraceShape.SpanName, "name prefix" },
        { TraceShape.SpanNamePath, TraceShape.SpanName, "name in" },
        { TraceShape.SpanNamePath, TraceShape.SpanName, "name<" },
        { TraceShape.ServiceNamePath, TraceShape.ServiceName, "service=" },
        { TraceShape.AttrKeyPath, TraceShape.AttrKey, "key callback" },
        { TraceShape.AttrIntPath, TraceShape.AttrInt, "int<=-40" },
    };

    internal static (ColumnPredicate Predicate, Func<object?, bool> Reference) Case(string name) => name switch
    {
        "id=57" => (ColumnPredicates.Equal(57), v => v is 57L),
        "id in" => (ColumnPredicates.In(3, 99, 250, 1000), v => v is 3L or 99L or 250L),
        "id between" => (ColumnPredicates.Between(140, 160), v => v is long l && l is >= 140 and <= 160),
        "status>=500" => (ColumnPredicates.GreaterOrEqual(500), v => v is long l && l >= 500),
        "status<100" => (ColumnPredicates.Less(100), v => v is long l && l < 100),
        "status!=200" => (ColumnPredicates.NotEqual(200), v => v is long l && l != 200),
        "status null" => (ColumnPredicates.IsNull(), v => v is null),
        "status not null" => (ColumnPredicates.IsNotNull(), v => v is not null),
        "status or" => (ColumnPredicates.Or(ColumnPredicates.Equal(404), ColumnPredicates.IsNull()), v => v is null or 404L),
        "status and" => (ColumnPredicates.And(ColumnPredicates.Greater(100), ColumnPredicates.LessOrEqual(120)), v => v is long l && l is > 100 and <= 120),
        "duration>" => (ColumnPredicates.Greater(990_000), v => v is long l && l > 990_000),
        "name=" => (ColumnPredicates.Equal("SELECT"), v => v is "SELECT"),
        "name!=" => (ColumnPredicates.NotEqual("SELECT"), v => v is string s && s != "SELECT"),
        "name regex" => (ColumnPredicates.Regex("(GET|POST) /.*"), v => v is "GET /" or "POST /cart"),
        "name not regex" => (ColumnPredicates.NotRegex("c.*"), v => v is string s && !s.StartsWith('c')),
        "name prefix" => (ColumnPredicates.StartsWith("cache"), v => v is string s && s.StartsWith("cache", StringComparison.Ordinal)),
        "name in" => (ColumnPredicates.In("login", "render", "nope"), v => v is "login" or "render"),
        "name<" => (ColumnPredicates.Less("POST /cart"), v => v is string s && string.CompareOrdinal(s, "POST /cart") < 0),
        "service=" => (ColumnPredicates.Equal("db"), v => v is "db"),
        "key callback" => (ColumnPredicates.Callback((in ColumnValue x) => x.Kind == ColumnValueKind.Bytes && x.Bytes.Length == 4), v => v is string { Length: 4 }),
        "int<=-40" => (ColumnPredicates.LessOrEqual(-40), v => v is long l && l <= -40),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Predicates))]
    public async Task Predicates_with_every_pruning_step_match_a_brute_force_scan(string path, int column, string name)
    {
        var rows = TraceShape.Random(seed: 5, count: 400);
        var (predicate, reference) = Case(name);
        var expected = Expected(TraceShape.AllEntries(rows, column), reference);
        foreach (var dictionaries in new[] { false, true })
        {
            var file = TraceShape.Synthetic(rows, rowsPerGroup: 50, rowsPerPage: 7, dictionaries);
            var pruned = await CollectAsync(Iterator(file, path, new ColumnIteratorOptions { Predicate = predicate, BatchSize = 17 }));
            pruned.Should().Equal(expected, $"{name} with dictionaries={dictionaries}");

            var unpruned = await CollectAsync(Iterator(file, path, new ColumnIteratorOptions
            {
                Predicate = predicate, UseStatistics = false, UseDictionary = false, UsePageIndex = false,
            }));
            unpruned.Should().Equal(expected);
        }
    }

    [Fact]
    public async Task A_sorted_column_over_ten_row_groups_reads_one_chunk_for_an_equality()
    {
        var rows = TraceShape.Random(seed: 3, count: 1000);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 100, rowsPerPage: 1000);
        var statistics = new ScanStatistics();
        var results = await CollectAsync(Iterator(file, TraceShape.IdPath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Equal(555), Statistics = statistics,
        }));
        results.Should().Equal((RowNumber.Create(555), 555L));
        statistics.RowGroupsInspected.Should().Be(10);
        statistics.RowGroupsSkippedByStatistics.Should().Be(9);
        statistics.ChunksRead.Should().Be(1);
        file.ChunksOpened.Should().Be(1);
    }

    [Fact]
    public async Task Pages_excluded_by_the_column_index_are_skipped_undecoded()
    {
        var rows = TraceShape.Random(seed: 4, count: 400);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 400, rowsPerPage: 10);
        var statistics = new ScanStatistics();
        var results = await CollectAsync(Iterator(file, TraceShape.IdPath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Between(215, 224), Statistics = statistics, BatchSize = 10,
        }));
        results.Select(r => r.Value).Should().Equal(Enumerable.Range(215, 10).Select(i => (object?)(long)i));
        statistics.PagesInspected.Should().Be(40);
        statistics.PagesSkipped.Should().Be(38);
        statistics.RowsSkipped.Should().Be(210);
        file.RowsSkipped.Should().Be(210);
        file.EntriesDecoded.Should().Be(20, "only the two pages holding 215..224 are decoded");
        statistics.ValuesInspected.Should().Be(20);
        statistics.ValuesKept.Should().Be(10);
    }

    [Fact]
    public async Task A_chunk_whose_dictionary_has_no_match_is_skipped_before_its_pages()
    {
        var rows = TraceShape.Random(seed: 8, count: 200);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 50, rowsPerPage: 50, dictionaries: true);
        var statistics = new ScanStatistics();
        // "cartz" lies between the chunk minima and maxima ("auth" … "frontend"), so only the dictionary excludes it.
        var results = await CollectAsync(Iterator(file, TraceShape.ServiceNamePath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Equal("cartz"), Statistics = statistics,
        }));
        results.Should().BeEmpty();
        statistics.RowGroupsSkippedByStatistics.Should().Be(0);
        statistics.ChunksRead.Should().Be(4);
        statistics.ChunksSkippedByDictionary.Should().Be(4);
        file.EntriesDecoded.Should().Be(0);
    }

    [Fact]
    public async Task A_null_matching_predicate_keeps_a_chunk_with_nulls_even_when_no_dictionary_entry_matches()
    {
        List<TraceModel> rows = [new(1, [new("a", [])]), new(2, [])];
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 10, rowsPerPage: 10, dictionaries: true);
        var results = await CollectAsync(Iterator(file, TraceShape.ServiceNamePath, new ColumnIteratorOptions
        {
            Predicate = ColumnPredicates.Or(ColumnPredicates.Equal("zzz"), ColumnPredicates.IsNull()),
        }));
        results.Should().Equal((RowNumber.Create(1, -1), null));
    }

    [Fact]
    public async Task Result_depth_yields_one_position_per_element_at_that_depth()
    {
        var rows = TraceShape.Random(seed: 9, count: 300);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 64, rowsPerPage: 5);
        var iterator = Iterator(file, TraceShape.AttrKeyPath, new ColumnIteratorOptions { Predicate = ColumnPredicates.Equal("user"), ResultDepth = 0 });
        var traces = new List<RowNumber>();
        while (await iterator.MoveNextAsync()) traces.Add(iterator.Current.Position);

        var expected = rows.Select((t, i) => (t, i))
            .Where(x => x.t.Resources.Any(r => r.Spans.Any(s => s.Attrs.Any(a => a.Key == "user"))))
            .Select(x => RowNumber.Create(x.i));
        traces.Should().Equal(expected);
    }

    [Fact]
    public async Task SeekTo_lands_on_the_first_result_at_or_after_the_target()
    {
        var rows = TraceShape.Random(seed: 12, count: 500);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 60, rowsPerPage: 6);
        var all = TraceShape.AllEntries(rows, TraceShape.SpanName).Where(e => e.Value is not null).ToList();
        var random = new Random(1);
        var targets = Enumerable.Range(0, 40).Select(_ => RowNumber.Create(random.Next(500), random.Next(-1, 3), random.Next(-1, 4)))
            .OrderBy(t => t[0]).ThenBy(t => t[1]).ThenBy(t => t[2]).ToList();

        var statistics = new ScanStatistics();
        var iterator = Iterator(file, TraceShape.SpanNamePath, new ColumnIteratorOptions { Predicate = ColumnPredicates.IsNotNull(), Statistics = statistics });
        foreach (var target in targets)
        {
            var expected = all.FirstOrDefault(e => RowNumber.Compare(e.Expected, target, 2) >= 0);
            var found = await iterator.SeekToAsync(target, 2);
            found.Should().Be(expected.Value is not null, $"seek to {target}");
            if (found) iterator.Position.Should().Be(expected.Expected, $"seek to {target}");
        }
        statistics.RowsSkipped.Should().BeGreaterThan(0, "seeks jump over rows without decoding them");
    }

    [Fact]
    public async Task A_row_group_range_scans_only_those_row_groups()
    {
        var rows = TraceShape.Random(seed: 13, count: 100);
        var file = TraceShape.Synthetic(rows, rowsPerGroup: 10, rowsPerPage: 3);
        var results = await CollectAsync(Iterator(file, TraceShape.IdPath, new ColumnIteratorOptions { FirstRowGroup = 3, RowGroupCount = 2 }));
        results.Should().Equal(Enumerable.Range(30, 20).Select(i => (RowNumber.Create(i), (object?)(long)i)));

        var act = () => Iterator(file, TraceShape.IdPath, new ColumnIteratorOptions { FirstRowGroup = 9, RowGroupCount = 2 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*outside the file's 10 row groups*");
    }
}
