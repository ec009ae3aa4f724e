using System.Text;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>One resulting spanset: its span IDs (lowercase 16-hex, sorted, distinct) and its matched count.</summary>
public sealed record OracleSpanset
{
    public OracleSpanset(IEnumerable<string> spanIds, int matched)
    {
        SpanIds = spanIds.Select(NormalizeSpanId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Matched = matched;
    }

    public IReadOnlyList<string> SpanIds { get; }

    public int Matched { get; }

    /// <summary>The oracle's spanset: matched is the span count.</summary>
    public static OracleSpanset Of(IReadOnlyList<OracleSpan> spans) => new(spans.Select(s => s.SpanId), spans.Count);

    public static string NormalizeSpanId(string id) => id.ToLowerInvariant().PadLeft(16, '0');

    public bool Equals(OracleSpanset? other) =>
        other is not null && Matched == other.Matched && SpanIds.SequenceEqual(other.SpanIds, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Matched);
        foreach (var id in SpanIds)
        {
            hash.Add(id, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    /// <summary>Orders spansets canonically: by their first span IDs, then size, then matched.</summary>
    internal static int CanonicalCompare(OracleSpanset? a, OracleSpanset? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }
        for (var i = 0; i < Math.Min(a.SpanIds.Count, b.SpanIds.Count); i++)
        {
            var c = string.CompareOrdinal(a.SpanIds[i], b.SpanIds[i]);
            if (c != 0)
            {
                return c;
            }
        }
        var bySize = a.SpanIds.Count.CompareTo(b.SpanIds.Count);
        return bySize != 0 ? bySize : a.Matched.CompareTo(b.Matched);
    }

    public override string ToString() => $"[{string.Join(",", SpanIds)}] matched={Matched}";
}

/// <summary>
/// What a search found, in a shape both the oracle and a <see cref="SearchResponse"/> reduce to: trace ID (lowercase,
/// 32 hex digits) → its spansets, in canonical order. Two results are equal when they list the same traces with the
/// same spansets (span ID sets and matched counts), regardless of order.
/// </summary>
public sealed class OracleResult : IEquatable<OracleResult>
{
    private readonly SortedDictionary<string, IReadOnlyList<OracleSpanset>> _traces = new(StringComparer.Ordinal);

    public OracleResult(IEnumerable<KeyValuePair<string, IReadOnlyList<OracleSpanset>>> traces)
    {
        foreach (var (traceId, spansets) in traces)
        {
            var id = NormalizeTraceId(traceId);
            var merged = _traces.TryGetValue(id, out var existing) ? existing.Concat(spansets) : spansets;
            var sorted = merged.ToList();
            sorted.Sort(OracleSpanset.CanonicalCompare);
            _traces[id] = sorted;
        }
    }

    /// <summary>Trace ID → spansets, ordered by trace ID.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<OracleSpanset>> Traces => _traces;

    public IReadOnlyCollection<string> TraceIds => _traces.Keys;

    public int TraceCount => _traces.Count;

    public static string NormalizeTraceId(string id) => id.ToLowerInvariant().PadLeft(32, '0');

    /// <summary>
    /// The same shape out of a search response: traces[].traceID (left-padded to 32), each trace's spanSets (or its
    /// single legacy spanSet when spanSets is empty), span IDs and matched counts. Ask the engine with spss and limit
    /// large enough to list everything.
    /// </summary>
    public static OracleResult FromSearchResponse(SearchResponse response)
    {
        var traces = new List<KeyValuePair<string, IReadOnlyList<OracleSpanset>>>();
        foreach (var trace in response.Traces)
        {
            IEnumerable<SpanSet> spansets = trace.SpanSets.Count > 0 ? trace.SpanSets
                : trace.SpanSet is { } single ? [single]
                : [];
            traces.Add(new(trace.TraceID, spansets.Select(s => new OracleSpanset(s.Spans.Select(x => x.SpanID), (int)s.Matched)).ToList()));
        }
        return new OracleResult(traces);
    }

    public bool Equals(OracleResult? other) =>
        other is not null
        && _traces.Count == other._traces.Count
        && _traces.All(kv => other._traces.TryGetValue(kv.Key, out var theirs) && kv.Value.SequenceEqual(theirs));

    public override bool Equals(object? obj) => Equals(obj as OracleResult);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (id, spansets) in _traces)
        {
            hash.Add(id, StringComparer.Ordinal);
            hash.Add(spansets.Count);
        }
        return hash.ToHashCode();
    }

    /// <summary>A readable list of the differences (empty when equal), for assertion messages.</summary>
    public string Diff(OracleResult actual, int maxLines = 40)
    {
        var lines = new List<string>();
        foreach (var id in _traces.Keys.Union(actual._traces.Keys).Order(StringComparer.Ordinal))
        {
            var expected = _traces.GetValueOrDefault(id);
            var got = actual._traces.GetValueOrDefault(id);
            if (expected is null)
            {
                lines.Add($"unexpected trace {id}: {string.Join(" ", got!)}");
            }
            else if (got is null)
            {
                lines.Add($"missing trace {id}: {string.Join(" ", expected)}");
            }
            else if (!expected.SequenceEqual(got))
            {
                lines.Add($"trace {id}: expected {string.Join(" ", expected)} but got {string.Join(" ", got)}");
            }
        }
        if (lines.Count > maxLines)
        {
            var more = lines.Count - maxLines;
            lines = [.. lines.Take(maxLines), $"... and {more} more"];
        }
        return string.Join(Environment.NewLine, lines);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (id, spansets) in _traces)
        {
            text.Append(id).Append(": ").AppendJoin(" ", spansets).AppendLine();
        }
        return text.ToString();
    }
}
