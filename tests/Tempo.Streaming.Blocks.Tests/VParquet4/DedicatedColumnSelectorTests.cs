using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.VParquet4;

public sealed class DedicatedColumnSelectorTests
{
    private static readonly DedicatedColumn[] NoneConfigured = [];

    [Fact]
    public void Configured_columns_come_first_unchanged_then_the_most_frequent_keys_per_scope()
    {
        DedicatedColumn[] configured =
        [
            Span("instance"),
            new(DedicatedColumn.ScopeSpan, "count", DedicatedColumn.TypeInt),
            new(DedicatedColumn.ScopeEvent, "exception.type", DedicatedColumn.TypeString),
            Resource("ip"),
        ];
        var traces = Traces(100, i => [Str("host.name", "h" + (i % 3)), Str("ip", "10.0.0.1")],
            i => i % 2 == 0
                ? [Str("peer.service", "cart"), Str("instance", "i-1"), Str("count", "7"), Str("db.system", "redis")]
                : [Str("peer.service", "cart"), Str("count", "7")]);

        var selected = Select(configured, traces);

        // "count" is configured (as int) for spans, so it is not added again as a string column.
        selected.Should().Equal(configured.Concat([Resource("host.name"), Span("peer.service"), Span("db.system")]));
    }

    [Fact]
    public void Only_the_free_spare_columns_of_a_scope_are_filled()
    {
        DedicatedColumn[] configured = [Span("c1"), Span("c2"), Span("c3")];
        // Key kNN appears on NN of the 30 spans of each trace: more frequent keys have higher numbers.
        var traces = Traces(10, _ => [], _ => [], spansPerTrace: 30, spanAttributes: (_, s) =>
            Enumerable.Range(1, 12).Where(k => s < k + 18).Select(k => Str($"k{k:D2}", "v")).ToArray());

        var selected = Select(configured, traces);

        selected.Should().Equal(configured.Concat(new[] { 12, 11, 10, 9, 8, 7, 6 }.Select(k => Span($"k{k:D2}"))));
        DedicatedColumnMapping.For(selected, DedicatedColumn.ScopeSpan).Count.Should().Be(DedicatedColumnMapping.SpareStringColumns);
    }

    [Fact]
    public void A_scope_without_free_columns_gets_nothing_and_the_configured_list_is_returned_as_is()
    {
        var configured = Enumerable.Range(1, 10).Select(i => Span($"s{i}")).Concat(Enumerable.Range(1, 10).Select(i => Resource($"r{i}"))).ToArray();
        var traces = Traces(5, _ => [Str("host.name", "h")], _ => [Str("peer.service", "cart")]);

        DedicatedColumnSelector.Select(configured, traces, static t => t).Should().BeSameAs(configured);
    }

    [Fact]
    public void Keys_that_are_not_strings_in_nearly_all_occurrences_are_skipped()
    {
        // 100 spans: "port" is always an int, "mixed" a string on 90, "mostly" a string on 97 of them.
        var traces = Traces(1, _ => [], _ => [], spansPerTrace: 100, spanAttributes: (_, s) =>
        [
            new KeyValue { Key = "port", Value = new AnyValue { IntValue = 8080 } },
            s < 90 ? Str("mixed", "x") : new KeyValue { Key = "mixed", Value = new AnyValue { BoolValue = true } },
            s < 97 ? Str("mostly", "y") : new KeyValue { Key = "mostly", Value = new AnyValue { IntValue = 1 } },
        ]);

        Select(NoneConfigured, traces).Should().Equal(Span("mostly"));
    }

    [Fact]
    public void Keys_with_their_own_vParquet4_column_are_skipped()
    {
        var traces = Traces(20,
            _ => [Str("service.name", "cart"), Str("k8s.pod.name", "p"), Str("cluster", "c"), Str("container", "c"), Str("host.name", "h")],
            _ => [Str("http.method", "GET"), Str("http.url", "/"), Str("http.status_code", "OK"), Str("rpc.method", "Get")]);

        Select(NoneConfigured, traces).Should().Equal(Resource("host.name"), Span("rpc.method"));
    }

    [Fact]
    public void Ties_are_broken_by_key_whatever_the_attribute_order()
    {
        var forward = Traces(10, _ => [], _ => [Str("b", "1"), Str("a", "1"), Str("c", "1")]);
        var backward = Traces(10, _ => [], _ => [Str("c", "1"), Str("a", "1"), Str("b", "1")]);

        Select(NoneConfigured, forward).Should().Equal(Span("a"), Span("b"), Span("c"));
        Select(NoneConfigured, backward).Should().Equal(Span("a"), Span("b"), Span("c"));
    }

    [Fact]
    public void Keys_repeated_on_one_span_and_rare_keys_are_skipped()
    {
        // 300 spans: "dup" twice on span 7 (a column would keep only the last value), "rare" on 2 spans (< 1%).
        var traces = Traces(1, _ => [], _ => [], spansPerTrace: 300, spanAttributes: (_, s) => s switch
        {
            7 => [Str("dup", "1"), Str("dup", "2"), Str("common", "x")],
            10 or 11 => [Str("dup", "1"), Str("rare", "r"), Str("common", "x")],
            _ => [Str("dup", "1"), Str("common", "x")],
        });

        Select(NoneConfigured, traces).Should().Equal(Span("common"));
    }

    [Fact]
    public void Only_a_bounded_sample_of_evenly_spread_traces_is_counted()
    {
        // 1,000 traces of 10 spans, at most 500 spans counted: every 20th trace (0, 20, 40, ...), which alone carry "counted".
        var traces = Traces(1_000, _ => [], i => i % 20 == 0 ? [Str("counted", "x")] : [Str("skipped", "y")]);

        DedicatedColumnSelector.Select(NoneConfigured, traces, static t => t, sampleSpans: 500).Should().Equal(Span("counted"));
        DedicatedColumnSelector.Select(NoneConfigured, traces, static t => t, sampleSpans: 10_000).Should().Equal(Span("skipped"), Span("counted"));
    }

    private static IReadOnlyList<DedicatedColumn> Select(IReadOnlyList<DedicatedColumn> configured, List<Trace> traces) =>
        DedicatedColumnSelector.Select(configured, traces, static t => t);

    private static DedicatedColumn Span(string name) => new(DedicatedColumn.ScopeSpan, name, DedicatedColumn.TypeString);

    private static DedicatedColumn Resource(string name) => new(DedicatedColumn.ScopeResource, name, DedicatedColumn.TypeString);

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    /// <summary>Traces of one resource and <paramref name="spansPerTrace"/> spans; attributes by trace index (and span index).</summary>
    private static List<Trace> Traces(int count, Func<int, KeyValue[]> resourceAttributes, Func<int, KeyValue[]> traceSpanAttributes,
        int spansPerTrace = 10, Func<int, int, KeyValue[]>? spanAttributes = null)
    {
        var traces = new List<Trace>();
        for (var t = 0; t < count; t++)
        {
            var resource = new Resource();
            resource.Attributes.Add(resourceAttributes(t));
            var scope = new ScopeSpans();
            for (var s = 0; s < spansPerTrace; s++)
            {
                var span = new Span { Name = "op" };
                span.Attributes.Add(spanAttributes is null ? traceSpanAttributes(t) : spanAttributes(t, s));
                scope.Spans.Add(span);
            }
            traces.Add(new Trace { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } });
        }
        return traces;
    }
}
