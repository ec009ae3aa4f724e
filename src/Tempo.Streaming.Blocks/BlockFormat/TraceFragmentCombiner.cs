using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Core.Ids;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>
/// Groups fragments by trace ID and combines the fragments of one trace the way Tempo's combiner
/// (<c>pkg/model/trace/combine.go</c>) does: the first fragment is taken whole; a later fragment contributes only the
/// spans whose (span ID, kind) was not seen yet (Zipkin client and server spans share an ID, hence the kind), keeping
/// its resource and scope grouping and dropping groups left empty. The inputs are never modified: a combined trace is
/// a new <c>Trace</c> whose groups are shallow copies. Traces come out sorted by their 16-byte ID (the row order of
/// a block), traces without spans are left out.
/// </summary>
internal sealed class TraceFragmentCombiner
{
    private const ulong FnvOffsetBasis = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly Dictionary<TraceId, int> _byId = [];
    private readonly List<Entry> _entries = [];

    public int TraceCount => _entries.Count;

    public void Add(TraceFragment fragment)
    {
        ArgumentNullException.ThrowIfNull(fragment.Trace);
        if (fragment.TraceId.Length > TraceId.Length)
        {
            throw new ArgumentException($"trace ID of {fragment.TraceId.Length} bytes; trace IDs are at most {TraceId.Length} bytes");
        }

        Span<byte> padded = stackalloc byte[TraceId.Length];
        TraceId.PadTo16Bytes(fragment.TraceId.Span, padded);
        var id = TraceId.FromBytes(padded);
        if (!_byId.TryGetValue(id, out var index))
        {
            _byId.Add(id, _entries.Count);
            _entries.Add(new Entry(id, fragment.Trace));
            return;
        }

        var entry = _entries[index];
        if (entry.Seen is null)
        {
            // Second fragment of this trace: start a combined copy and remember every span of the first one.
            var combined = new Trace();
            combined.ResourceSpans.Add(entry.Trace.ResourceSpans);
            entry.Seen = [];
            RememberSpans(combined, entry.Seen);
            entry.Trace = combined;
        }

        AddUnseenSpans(entry.Trace, fragment.Trace, entry.Seen);
    }

    /// <summary>
    /// The fragments of one trace (in log order) combined as <see cref="Add"/> combines them, or null when none holds a
    /// span: the streaming block writer combines one trace at a time instead of collecting a whole block.
    /// </summary>
    public static Trace? CombineOne(IEnumerable<TraceFragment> fragmentsOfOneTrace)
    {
        Trace? first = null;
        Trace? combined = null;
        HashSet<ulong>? seen = null;
        foreach (var fragment in fragmentsOfOneTrace)
        {
            ArgumentNullException.ThrowIfNull(fragment.Trace);
            if (first is null)
            {
                first = fragment.Trace;
                continue;
            }
            if (combined is null)
            {
                combined = new Trace();
                combined.ResourceSpans.Add(first.ResourceSpans);
                seen = [];
                RememberSpans(combined, seen);
            }
            AddUnseenSpans(combined, fragment.Trace, seen!);
        }
        var result = combined ?? first;
        return result is not null && HasSpans(result) ? result : null;
    }

    /// <summary>The combined traces sorted by ID, without the ones that have no span.</summary>
    public List<(TraceId Id, Trace Trace)> SortedTraces()
    {
        var result = new List<(TraceId, Trace)>(_entries.Count);
        foreach (var entry in _entries)
        {
            if (HasSpans(entry.Trace))
            {
                result.Add((entry.Id, entry.Trace));
            }
        }
        result.Sort(static (a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    private static void RememberSpans(Trace trace, HashSet<ulong> seen)
    {
        foreach (var batch in trace.ResourceSpans)
        {
            foreach (var scope in batch.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    seen.Add(Token(span));
                }
            }
        }
    }

    private static void AddUnseenSpans(Trace combined, Trace fragment, HashSet<ulong> seen)
    {
        foreach (var batch in fragment.ResourceSpans)
        {
            ResourceSpans? keptBatch = null;
            foreach (var scope in batch.ScopeSpans)
            {
                ScopeSpans? keptScope = null;
                foreach (var span in scope.Spans)
                {
                    if (!seen.Add(Token(span)))
                    {
                        continue;
                    }
                    keptScope ??= new ScopeSpans { Scope = scope.Scope, SchemaUrl = scope.SchemaUrl };
                    keptScope.Spans.Add(span);
                }
                if (keptScope is not null)
                {
                    keptBatch ??= new ResourceSpans { Resource = batch.Resource, SchemaUrl = batch.SchemaUrl };
                    keptBatch.ScopeSpans.Add(keptScope);
                }
            }
            if (keptBatch is not null)
            {
                combined.ResourceSpans.Add(keptBatch);
            }
        }
    }

    private static bool HasSpans(Trace trace)
    {
        // Indexed loops: foreach over a RepeatedField allocates an enumerator, and this runs for every trace of a block.
        var batches = trace.ResourceSpans;
        for (var i = 0; i < batches.Count; i++)
        {
            var scopes = batches[i].ScopeSpans;
            for (var j = 0; j < scopes.Count; j++)
            {
                if (scopes[j].Spans.Count > 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static ulong Token(Span span) => SpanToken(span.SpanId.Span, (uint)span.Kind);

    /// <summary>Tempo's span token: 64-bit FNV-1 over the span ID bytes then the kind as 4 little-endian bytes.</summary>
    internal static ulong SpanToken(ReadOnlySpan<byte> spanId, uint kind)
    {
        var hash = FnvOffsetBasis;
        foreach (var b in spanId)
        {
            hash = (hash * FnvPrime) ^ b;
        }
        for (var i = 0; i < 4; i++)
        {
            hash = (hash * FnvPrime) ^ (byte)(kind >> (8 * i));
        }
        return hash;
    }

    private sealed class Entry(TraceId id, Trace trace)
    {
        public TraceId Id { get; } = id;
        public Trace Trace { get; set; } = trace;
        public HashSet<ulong>? Seen { get; set; }
    }
}
