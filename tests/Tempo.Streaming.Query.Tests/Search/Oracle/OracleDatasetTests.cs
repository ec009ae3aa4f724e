using Tempo.Streaming.TraceQL;
using Xunit.Abstractions;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>The generated dataset's shape, and the query list's reach over it.</summary>
public sealed class OracleDatasetTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheDatasetIsDeterministicForASeed()
    {
        var a = SearchDataset.Generate(now: Now);
        var b = SearchDataset.Generate(now: Now);
        a.Traces.Should().HaveCount(SearchDataset.DefaultTraceCount);
        a.Traces.Zip(b.Traces).Should().OnlyContain(pair => pair.First.Equals(pair.Second));
        SearchDataset.Generate(seed: 7, now: Now).TraceIds.Should().NotIntersectWith(a.TraceIds);

        // Only the time base depends on now.
        var later = SearchDataset.Generate(now: Now.AddDays(1));
        later.TraceIds.Should().Equal(a.TraceIds);
        (later.StartUnixNano - a.StartUnixNano).Should().Be(86_400_000_000_000UL);
    }

    [Fact]
    public void TheDatasetHasRealTreesAndVariedFields()
    {
        var dataset = SearchDataset.Generate(now: Now);
        var traces = OracleDecoder.Decode(dataset.Traces);
        traces.Should().HaveCount(300);
        traces.Select(t => t.TraceId).Should().Equal(dataset.TraceIds);

        var allSpans = traces.SelectMany(t => t.Spans).ToList();
        allSpans.Select(s => s.SpanId).Should().OnlyHaveUniqueItems();
        allSpans.Should().OnlyContain(s => s.SpanId[0] != '0');
        traces.Should().OnlyContain(t => t.TraceId[0] != '0');
        traces.Should().OnlyContain(t => t.Spans.Count >= 1 && t.Spans.Count <= 40);
        traces.Should().Contain(t => t.Spans.Count == 1).And.Contain(t => t.Spans.Count >= 35);

        var maxDepth = 0;
        foreach (var trace in traces)
        {
            trace.Spans.Count(s => s.ParentSpanId is null).Should().Be(1, "every trace has one root");
            foreach (var span in trace.Spans)
            {
                if (span.ParentSpanId is not null)
                {
                    trace.ParentOf(span).Should().NotBeNull("parents are in the trace");
                    span.StartUnixNano.Should().BeGreaterThanOrEqualTo(trace.ParentOf(span)!.StartUnixNano);
                }
                var depth = 1;
                for (var p = trace.ParentOf(span); p is not null; p = trace.ParentOf(p))
                {
                    depth++;
                }
                maxDepth = Math.Max(maxDepth, depth);
            }
        }
        maxDepth.Should().Be(6);
        traces.Should().Contain(t => t.Spans.Any(s => t.ChildCountOf(s) >= 3), "spans have siblings");

        var hour = 3_600_000_000_000UL;
        var end = (ulong)Now.ToUnixTimeMilliseconds() * 1_000_000;
        dataset.StartUnixNano.Should().BeGreaterThanOrEqualTo(end - hour);
        dataset.EndUnixNano.Should().BeLessThan(end);
        (dataset.EndUnixNano - dataset.StartUnixNano).Should().BeGreaterThan(hour * 9 / 10);

        allSpans.Select(s => s.ResourceAttributes["service.name"].StringValue).Distinct().Should().HaveCountGreaterThanOrEqualTo(7);
        allSpans.Select(s => s.Kind).Distinct().Should().HaveCount(6);
        allSpans.Select(s => s.Status).Distinct().Should().HaveCount(3);
        allSpans.Should().Contain(s => s.Attributes.GetValueOrDefault("http.response.status_code") == OracleValue.Int(500));
        allSpans.Should().Contain(s => s.Attributes.GetValueOrDefault("db.system") == OracleValue.String("postgres"));
        allSpans.SelectMany(s => s.Attributes.Values).Select(v => v.Type).Distinct().Should()
            .BeEquivalentTo([OracleType.String, OracleType.Int, OracleType.Float, OracleType.Bool]);
        allSpans.SelectMany(s => s.ResourceAttributes.Values).Select(v => v.Type).Distinct().Should()
            .Contain([OracleType.String, OracleType.Int]);
        allSpans.SelectMany(s => s.ScopeAttributes.Values).Select(v => v.Type).Distinct().Should()
            .Contain([OracleType.String, OracleType.Int, OracleType.Bool]);
        allSpans.Select(s => s.ScopeName).Distinct().Should().HaveCountGreaterThan(3);
        allSpans.SelectMany(s => s.Events).Select(e => e.Name).Distinct().Should().HaveCountGreaterThanOrEqualTo(4);
        allSpans.SelectMany(s => s.Events).SelectMany(e => e.Attributes.Values).Select(v => v.Type).Distinct().Should()
            .HaveCount(4);
        allSpans.SelectMany(s => s.Links).Should().HaveCountGreaterThan(20);
        allSpans.SelectMany(s => s.Links).Select(l => l.TraceId).Intersect(dataset.TraceIds).Should().NotBeEmpty("some links point into the dataset");
        allSpans.Where(s => s.Status == TraceQL.Ast.SpanStatus.Error).Should().OnlyContain(s => s.StatusMessage.Length > 0);
    }

    [Fact]
    public void EveryQueryIsValidAndMatchesSomeButNotAllTraces()
    {
        var dataset = SearchDataset.Generate(now: Now);
        var traces = OracleDecoder.Decode(dataset.Traces);
        OracleQueries.All.Should().OnlyHaveUniqueItems().And.HaveCountGreaterThanOrEqualTo(60);
        var failures = new List<string>();
        foreach (var query in OracleQueries.All)
        {
            var result = TraceQLOracle.Search(TraceQLParser.ParseValid(query), traces);
            output.WriteLine($"{result.TraceCount,4} traces {result.Traces.Values.Sum(s => s.Count),5} spansets  {query}");
            if (result.TraceCount == 0 || result.TraceCount == traces.Count)
            {
                failures.Add($"{query} matches {result.TraceCount} of {traces.Count} traces");
            }
        }
        failures.Should().BeEmpty();
    }

    [Fact]
    public void TheDefaultDatasetMatchesTheSameTracesWhateverTheClock()
    {
        // The queries read no absolute times, so the default dataset (built on the real clock) agrees with a fixed one.
        var fixedResult = TraceQLOracle.Search(OracleQueries.Intrinsics[8], SearchDataset.Generate(now: Now).Traces);
        var defaultResult = TraceQLOracle.Search(OracleQueries.Intrinsics[8], SearchDataset.Default.Traces);
        defaultResult.Should().Be(fixedResult);
        defaultResult.TraceCount.Should().BeGreaterThan(0);
    }
}
