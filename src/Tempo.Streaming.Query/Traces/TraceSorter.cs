using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Trace.V1;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Traces;

/// <summary>
/// Tempo's <c>SortTrace</c> (<c>pkg/model/trace/sort.go</c>): bottom up, spans within each scope by start time then
/// span ID bytes, scopes by their first span, resource batches by their first scope's first span. Events and
/// attributes are left in stored order (sort.go does not touch them). Go's sort.Slice is unstable; this sort is stable,
/// so ties keep their stored order.
/// </summary>
internal static class TraceSorter
{
    public static void Sort(Trace trace)
    {
        foreach (var batch in trace.ResourceSpans)
        {
            foreach (var scope in batch.ScopeSpans)
            {
                SortStable(scope.Spans, CompareSpans);
            }

            SortStable(batch.ScopeSpans, CompareScopes);
        }

        SortStable(trace.ResourceSpans, CompareBatches);
    }

    internal static int CompareSpans(Span a, Span b)
    {
        var byStart = a.StartTimeUnixNano.CompareTo(b.StartTimeUnixNano);
        return byStart != 0 ? byStart : a.SpanId.Span.SequenceCompareTo(b.SpanId.Span);
    }

    // Groups without spans never reach the sorter from the combiner; should one appear it sorts last (Go treats it as
    // "not less" than anything, which is not a consistent order).
    private static int CompareScopes(ScopeSpans a, ScopeSpans b) => CompareFirst(a.Spans, b.Spans);

    private static int CompareBatches(ResourceSpans a, ResourceSpans b) =>
        (a.ScopeSpans.Count, b.ScopeSpans.Count) switch
        {
            (0, 0) => 0,
            (0, _) => 1,
            (_, 0) => -1,
            _ => CompareScopes(a.ScopeSpans[0], b.ScopeSpans[0]),
        };

    private static int CompareFirst(RepeatedField<Span> a, RepeatedField<Span> b) =>
        (a.Count, b.Count) switch
        {
            (0, 0) => 0,
            (0, _) => 1,
            (_, 0) => -1,
            _ => CompareSpans(a[0], b[0]),
        };

    private static void SortStable<T>(RepeatedField<T> items, Comparison<T> compare)
        where T : class
    {
        var count = items.Count;
        var sorted = true;
        for (var i = 1; i < count && sorted; i++)
        {
            sorted = compare(items[i - 1], items[i]) <= 0;
        }

        if (sorted)
        {
            return;
        }

        // Sort (item, original index) pairs so equal items keep their order; one array per unsorted list, none per item.
        var entries = new (T Item, int Index)[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = (items[i], i);
        }

        Array.Sort(entries, (x, y) =>
        {
            var order = compare(x.Item, y.Item);
            return order != 0 ? order : x.Index.CompareTo(y.Index);
        });

        for (var i = 0; i < count; i++)
        {
            items[i] = entries[i].Item;
        }
    }
}
