using System.Runtime.InteropServices;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Blocks.Meta;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.VParquet4;

/// <summary>
/// Chooses the dedicated columns of one block: the configured ones first (Tempo's per-tenant
/// <c>parquet_dedicated_columns</c>, kept as given and in order), then, per scope, the spare String01..String10 columns
/// left free are filled with the string attributes that occur most often in the block.
/// <para>
/// Why: a dedicated attribute is one string entry in its own column instead of a Key, a ValueType, a Value entry and
/// entries in four more value columns of the generic list, and TraceQL on it reads that one column (Tempo's reason for
/// dedicated columns). Tempo reads each block's mapping from its meta.json (<see cref="DedicatedColumnMapping"/>), so
/// any choice stays readable by Tempo. Keys are ranked by how often they occur: the generic list's cost per entry is
/// the same for every key of a scope. Measured on the shop workload, the block does not get smaller, see
/// <see cref="BlockFormat.BlockWriterOptions.AutoDedicatedColumns"/>.
/// </para>
/// Candidates: keys whose values are strings in at least <see cref="MinStringShare"/> of their occurrences (the others
/// would split between the column and the generic list), that occur on at least <see cref="MinOwnerShare"/> of the
/// sampled spans or resources, and that no static vParquet4 column takes (<c>service.name</c>, the k8s/cluster
/// resource keys, <c>http.method</c>, <c>http.url</c>, <c>http.status_code</c>), and that no sampled span or resource
/// carries twice (a dedicated column holds one value per span, so Tempo and <see cref="TraceRowWriter"/> keep only the
/// last of repeated string values; in the generic list all of them survive). Ties are broken by key (ordinal) so a
/// block's choice depends only on its traces.
/// Counting looks at a sample of at most <see cref="DefaultSampleSpans"/> spans spread evenly over the block (every
/// k-th trace): a block of any size costs the same bounded time, and only one dictionary entry per distinct key is
/// allocated.
/// </summary>
public static class DedicatedColumnSelector
{
    /// <summary>Spans counted per block at most (whole traces are sampled, so the last trace may pass it).</summary>
    public const int DefaultSampleSpans = 32_768;

    /// <summary>Share of a key's occurrences that must be strings for it to get a column.</summary>
    public const double MinStringShare = 0.95;

    /// <summary>Share of the sampled spans (or resources) a key must appear on: rarer keys save too little to name.</summary>
    public const double MinOwnerShare = 0.01;

    /// <summary>The dedicated columns of a block holding <paramref name="traces"/> (any list; <paramref name="traceOf"/> picks the trace).</summary>
    /// <param name="configured">The caller's columns; recorded first and unchanged, whatever their scope or type.</param>
    /// <param name="sampleSpans">Spans to count at most (see <see cref="DefaultSampleSpans"/>).</param>
    public static IReadOnlyList<DedicatedColumn> Select<T>(IReadOnlyList<DedicatedColumn> configured, IReadOnlyList<T> traces,
        Func<T, Trace> traceOf, int sampleSpans = DefaultSampleSpans)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(traceOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSpans, 1);
        if (!HasFreeSlots(configured))
        {
            return configured;
        }

        long spans = 0;
        for (var i = 0; i < traces.Count; i++)
        {
            spans += SpanCount(traceOf(traces[i]));
        }
        var stride = SampleStride(spans, traces.Count, sampleSpans);
        var sample = new List<Trace>(traces.Count / stride + 1);
        for (var i = 0; i < traces.Count; i += stride)
        {
            sample.Add(traceOf(traces[i]));
        }
        return SelectFromSample(configured, sample);
    }

    /// <summary>Whether the configured columns leave a spare column of either scope to fill (else nothing is sampled).</summary>
    public static bool HasFreeSlots(IReadOnlyList<DedicatedColumn> configured) =>
        FreeSlots(configured, DedicatedColumn.ScopeSpan) > 0 || FreeSlots(configured, DedicatedColumn.ScopeResource) > 0;

    /// <summary>
    /// The sample takes every k-th trace (the 0th, k-th, 2k-th, ...) of a block of <paramref name="traceCount"/> traces
    /// and <paramref name="totalSpans"/> spans so that about <paramref name="sampleSpans"/> spans are counted; this is k.
    /// A block written from a stream computes it from a first counting pass and draws the same sample as a list.
    /// </summary>
    public static int SampleStride(long totalSpans, int traceCount, int sampleSpans = DefaultSampleSpans) =>
        (int)Math.Clamp((totalSpans + sampleSpans - 1) / sampleSpans, 1, Math.Max(1, traceCount));

    /// <summary>The dedicated columns chosen from <paramref name="sample"/>, the traces at multiples of <see cref="SampleStride"/>.</summary>
    public static IReadOnlyList<DedicatedColumn> SelectFromSample(IReadOnlyList<DedicatedColumn> configured, IEnumerable<Trace> sample)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(sample);
        var spanFree = FreeSlots(configured, DedicatedColumn.ScopeSpan);
        var resourceFree = FreeSlots(configured, DedicatedColumn.ScopeResource);
        if (spanFree == 0 && resourceFree == 0)
        {
            return configured;
        }

        var tally = new Tally();
        foreach (var trace in sample)
        {
            tally.Count(trace);
        }

        var selected = new List<DedicatedColumn>(configured.Count + spanFree + resourceFree);
        selected.AddRange(configured);
        AddBest(selected, configured, DedicatedColumn.ScopeResource, tally.Resource, tally.Resources, resourceFree, IsStaticResourceKey);
        AddBest(selected, configured, DedicatedColumn.ScopeSpan, tally.Span, tally.Spans, spanFree, IsStaticSpanKey);
        return selected.Count == configured.Count ? configured : selected;
    }

    /// <summary>The spans of <paramref name="trace"/> (indexed loops: a RepeatedField enumerator allocates).</summary>
    public static int SpanCount(Trace trace)
    {
        var spans = 0;
        var batches = trace.ResourceSpans;
        for (var b = 0; b < batches.Count; b++)
        {
            var scopes = batches[b].ScopeSpans;
            for (var s = 0; s < scopes.Count; s++)
            {
                spans += scopes[s].Spans.Count;
            }
        }
        return spans;
    }

    /// <summary>The spare columns of <paramref name="scope"/> the configured columns leave free (as <see cref="DedicatedColumnMapping.For"/> assigns them).</summary>
    private static int FreeSlots(IReadOnlyList<DedicatedColumn> configured, string scope) =>
        DedicatedColumnMapping.SpareStringColumns - DedicatedColumnMapping.For(configured, scope).Count;

    private static void AddBest(List<DedicatedColumn> selected, IReadOnlyList<DedicatedColumn> configured, string scope,
        Dictionary<string, KeyCount> counts, int owners, int free, Func<string, bool> isStatic)
    {
        if (free == 0 || counts.Count == 0)
        {
            return;
        }
        var minOccurrences = Math.Max(1, (int)Math.Ceiling(owners * MinOwnerShare));
        var candidates = new List<KeyValuePair<string, KeyCount>>();
        foreach (var entry in counts)
        {
            var count = entry.Value;
            if (!count.Repeated &&
                count.Strings >= minOccurrences &&
                count.Strings >= MinStringShare * (count.Strings + count.Others) &&
                !isStatic(entry.Key) &&
                !IsConfigured(configured, scope, entry.Key))
            {
                candidates.Add(entry);
            }
        }
        candidates.Sort(static (a, b) =>
        {
            var byCount = b.Value.Strings.CompareTo(a.Value.Strings);
            return byCount != 0 ? byCount : string.CompareOrdinal(a.Key, b.Key);
        });
        for (var i = 0; i < candidates.Count && i < free; i++)
        {
            selected.Add(new DedicatedColumn(scope, candidates[i].Key, DedicatedColumn.TypeString));
        }
    }

    /// <summary>Resource keys with their own vParquet4 column (TraceRowWriter stores their string values there).</summary>
    private static bool IsStaticResourceKey(string key) =>
        key == WellKnownKeys.ServiceName || Array.IndexOf(WellKnownKeys.ResourceOptional, key) >= 0;

    /// <summary>Span keys with their own vParquet4 column (string http.method/http.url, int http.status_code).</summary>
    private static bool IsStaticSpanKey(string key) =>
        key is WellKnownKeys.HttpMethod or WellKnownKeys.HttpUrl or WellKnownKeys.HttpStatusCode;

    /// <summary>A configured column of any type already names the key in this scope (Tempo rejects duplicate names).</summary>
    private static bool IsConfigured(IReadOnlyList<DedicatedColumn> configured, string scope, string key)
    {
        for (var i = 0; i < configured.Count; i++)
        {
            if (string.Equals(configured[i].Scope, scope, StringComparison.Ordinal) && string.Equals(configured[i].Name, key, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private struct KeyCount
    {
        public int Strings;
        public int Others;
        /// <summary>1-based number of the span or resource the key was last seen on (0 = never).</summary>
        public int LastOwner;
        public bool Repeated;
    }

    /// <summary>Occurrences per key and scope; one dictionary entry per distinct key, no allocation per attribute.</summary>
    private sealed class Tally
    {
        public Dictionary<string, KeyCount> Span { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, KeyCount> Resource { get; } = new(StringComparer.Ordinal);
        public int Spans { get; private set; }
        public int Resources { get; private set; }

        public void Count(Trace trace)
        {
            var batches = trace.ResourceSpans;
            for (var b = 0; b < batches.Count; b++)
            {
                var batch = batches[b];
                Resources++;
                if (batch.Resource is { } resource)
                {
                    Add(Resource, resource.Attributes, Resources);
                }
                var scopes = batch.ScopeSpans;
                for (var s = 0; s < scopes.Count; s++)
                {
                    var spans = scopes[s].Spans;
                    for (var i = 0; i < spans.Count; i++)
                    {
                        Spans++;
                        Add(Span, spans[i].Attributes, Spans);
                    }
                }
            }
        }

        private static void Add(Dictionary<string, KeyCount> counts, RepeatedField<KeyValue> attributes, int owner)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                var attribute = attributes[i];
                ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, attribute.Key, out _);
                count.Repeated |= count.LastOwner == owner;
                count.LastOwner = owner;
                if (attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue)
                {
                    count.Strings++;
                }
                else
                {
                    count.Others++;
                }
            }
        }
    }
}
