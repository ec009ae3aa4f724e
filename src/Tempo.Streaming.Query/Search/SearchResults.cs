using Tempo.Streaming.TraceQL.Ast;
using Tempo.Streaming.TraceQL.Engine;

namespace Tempo.Streaming.Query.Search;

/// <summary>
/// The traces a search found so far, from every source at once (thread-safe). A trace found in several sources (a
/// range flushed to a block but not yet deleted from the live store, a trace split over blocks) is one result: its
/// spansets are matched up by their attributes and their spans united by span ID. Without <c>most_recent</c> the search
/// is <see cref="Enough"/> once it holds <c>limit</c> traces; with it every source runs to the end and the newest are kept.
/// </summary>
internal sealed class SearchResults(SearchOptions options, TraceQLSearch search) : ITraceSink
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TraceHit> _hits = new(StringComparer.Ordinal);
    private long _inspectedTraces;
    private long _inspectedBytes;

    public SearchOptions Options => options;

    public Core.Querying.QueryWindow Window => options.Window;

    /// <summary>True when no source needs to look further.</summary>
    public bool Enough
    {
        get
        {
            lock (_lock)
            {
                return !options.MostRecent && _hits.Count >= options.Limit;
            }
        }
    }

    public long InspectedTraces => Interlocked.Read(ref _inspectedTraces);

    public long InspectedBytes => Interlocked.Read(ref _inspectedBytes);

    public void CountInspected(long traces, long bytes)
    {
        Interlocked.Add(ref _inspectedTraces, traces);
        Interlocked.Add(ref _inspectedBytes, bytes);
    }

    /// <summary>Evaluates the query on a trace and adds the spansets it yields (nothing when it yields none).</summary>
    public void Add(EvalTrace trace)
    {
        if (!options.Window.Overlaps(trace.StartUnixNanos, trace.EndUnixNanos))
        {
            return;
        }

        var spansets = search.Evaluate(trace);
        if (spansets.Count == 0)
        {
            return;
        }

        var key = Convert.ToHexStringLower(trace.TraceId);
        lock (_lock)
        {
            if (!_hits.TryGetValue(key, out var hit))
            {
                if (!options.MostRecent && _hits.Count >= options.Limit)
                {
                    return;
                }
                _hits.Add(key, hit = new TraceHit(trace.TraceId));
            }
            hit.Merge(trace, spansets, search);
            if (options.MostRecent && _hits.Count > 2 * options.Limit + 64)
            {
                // Keep memory bounded: only the newest `limit` can be answered.
                foreach (var old in _hits.Values.OrderByDescending(h => h.StartUnixNanos).Skip(options.Limit).ToList())
                {
                    _hits.Remove(Convert.ToHexStringLower(old.TraceId));
                }
            }
        }
    }

    /// <summary>The traces to answer with, newest first, at most <c>limit</c>.</summary>
    public List<TraceHit> Top()
    {
        lock (_lock)
        {
            return [.. _hits.Values.OrderByDescending(h => h.StartUnixNanos).ThenBy(h => Convert.ToHexStringLower(h.TraceId), StringComparer.Ordinal)
                .Take(options.Limit)];
        }
    }
}

/// <summary>One trace of the answer: its summary and its spansets, merged over the sources that held it.</summary>
internal sealed class TraceHit(byte[] traceId)
{
    public byte[] TraceId { get; } = traceId;
    public ulong StartUnixNanos { get; private set; } = ulong.MaxValue;
    public ulong EndUnixNanos { get; private set; }
    public string? RootServiceName { get; private set; }
    public string? RootSpanName { get; private set; }
    public Dictionary<string, (int Spans, int Errors)> ServiceStats { get; } = new(StringComparer.Ordinal);
    public List<HitSpanset> Spansets { get; } = [];
    private readonly HashSet<string> _counted = new(StringComparer.Ordinal);

    /// <summary>
    /// What identifies a spanset across copies of its trace: its attributes, floats to 12 digits (an average summed over
    /// the spans in another order differs in the last bits).
    /// </summary>
    private static string Signature(List<KeyValuePair<string, Static>> attributes) =>
        string.Join("\u0001", attributes.Select(a => a.Key + "=" +
            (a.Value.Type == StaticType.Float ? a.Value.Float.ToString("G12", System.Globalization.CultureInfo.InvariantCulture) : a.Value.ToString())));

    public void Merge(EvalTrace trace, IReadOnlyList<Spanset> spansets, TraceQLSearch search)
    {
        StartUnixNanos = Math.Min(StartUnixNanos, trace.StartUnixNanos);
        EndUnixNanos = Math.Max(EndUnixNanos, trace.EndUnixNanos);
        RootServiceName ??= trace.Root is null ? null : trace.RootServiceName ?? "";
        RootSpanName ??= trace.RootSpanName;
        foreach (var span in trace.Spans)
        {
            // A span held by two sources counts once.
            if (!_counted.Add(Convert.ToHexStringLower(span.SpanId)))
            {
                continue;
            }
            var service = span.Resource.ServiceName ?? "";
            ServiceStats.TryGetValue(service, out var stats);
            ServiceStats[service] = (stats.Spans + 1, stats.Errors + (span.Status == SpanStatus.Error ? 1 : 0));
        }

        foreach (var spanset in spansets)
        {
            var signature = Signature(spanset.Attributes);
            var target = Spansets.FirstOrDefault(s => s.Signature == signature);
            if (target is null)
            {
                Spansets.Add(target = new HitSpanset(signature, spanset.Attributes));
            }
            target.Merge(spanset, search);
        }
    }
}

/// <summary>A spanset of the answer: its spans by span ID (first copy wins) and its attributes.</summary>
internal sealed class HitSpanset(string signature, List<KeyValuePair<string, Static>> attributes)
{
    public string Signature { get; } = signature;
    public List<KeyValuePair<string, Static>> Attributes { get; } = attributes;
    public List<HitSpan> Spans { get; } = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    public void Merge(Spanset spanset, TraceQLSearch search)
    {
        foreach (var span in spanset.Spans)
        {
            var id = Convert.ToHexStringLower(span.SpanId);
            if (!_ids.Add(id))
            {
                continue;
            }
            var shown = new List<KeyValuePair<string, Static>>();
            foreach (var field in search.ShownFields)
            {
                var value = search.ValueOf(field, span);
                if (value.Type != StaticType.Nil)
                {
                    shown.Add(new KeyValuePair<string, Static>(field is AttributeField a ? a.Name : QueryText.Field(field), value));
                }
            }
            Spans.Add(new HitSpan(id, span.Name, span.StartUnixNanos, span.DurationNanos, shown));
        }
    }
}

/// <summary>A matched span as the answer lists it.</summary>
internal sealed record HitSpan(string SpanId, string Name, ulong StartUnixNanos, ulong DurationNanos, List<KeyValuePair<string, Static>> Attributes);
