using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Traces;

/// <summary>
/// Combines the stored fragments of one trace the way Tempo's <c>pkg/model/trace/combine.go</c> Combiner does:
/// fragments are consumed in order; a span is kept the first time its (span ID, kind) token is seen and every later
/// copy is dropped (Zipkin shares one span ID between the client and server span, hence the kind); resource and scope
/// grouping is kept, and scope/resource groups left without spans are dropped. After each fragment the combined size
/// (the protobuf size of the trace) is checked; once it exceeds the limit, no further fragment is added — the fragment
/// that crossed the limit stays, as in Tempo.
/// </summary>
/// <remarks>
/// Two deliberate differences from Tempo's combiner, both making the result a function of the spans alone:
/// duplicates inside the first fragment are also removed (Tempo takes the first input whole), and the result is always
/// sorted (Tempo sorts only when two or more inputs were combined).
/// </remarks>
internal sealed class TraceCombiner
{
    private const ulong FnvOffsetBasis = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly long _maxTraceBytes;
    private readonly HashSet<ulong> _seenSpans = [];
    private readonly Trace _result = new();
    private long _resultBytes;

    /// <param name="maxTraceBytes">Size limit of the combined trace in protobuf bytes; 0 = unlimited.</param>
    public TraceCombiner(long maxTraceBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTraceBytes);
        _maxTraceBytes = maxTraceBytes;
    }

    /// <summary>True once the combined trace exceeded the size limit; later fragments are ignored.</summary>
    public bool SizeLimitReached { get; private set; }

    /// <summary>
    /// Adds one marshalled <c>tempopb.Trace</c> fragment. A fragment that does not parse is skipped (false): one corrupt
    /// stored record must not fail every lookup of its trace.
    /// </summary>
    public bool Consume(ReadOnlySpan<byte> fragment)
    {
        if (SizeLimitReached)
        {
            return false;
        }

        Trace parsed;
        try
        {
            parsed = Trace.Parser.ParseFrom(fragment);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }

        foreach (var batch in parsed.ResourceSpans)
        {
            if (KeepUnseenSpans(batch))
            {
                _result.ResourceSpans.Add(batch);
                if (_maxTraceBytes > 0)
                {
                    _resultBytes += CodedOutputStream.ComputeMessageSize(batch) + 1;
                }
            }
        }

        if (_maxTraceBytes > 0 && _resultBytes > _maxTraceBytes)
        {
            SizeLimitReached = true;
        }

        return true;
    }

    /// <summary>The combined trace in Tempo's sort order, or null when no span was consumed.</summary>
    public Trace? Result()
    {
        if (_result.ResourceSpans.Count == 0)
        {
            return null;
        }

        TraceSorter.Sort(_result);
        return _result;
    }

    /// <summary>Drops already-seen spans and emptied groups from <paramref name="batch"/>; false when nothing is left.</summary>
    private bool KeepUnseenSpans(ResourceSpans batch)
    {
        var scopes = batch.ScopeSpans;
        var keptScopes = 0;
        for (var i = 0; i < scopes.Count; i++)
        {
            var scope = scopes[i];
            if (KeepUnseenSpans(scope))
            {
                // Compact in place: kept scopes move to the front in their original order.
                scopes[keptScopes++] = scope;
            }
        }

        for (var i = scopes.Count - 1; i >= keptScopes; i--)
        {
            scopes.RemoveAt(i);
        }

        return keptScopes > 0;
    }

    private bool KeepUnseenSpans(ScopeSpans scope)
    {
        var spans = scope.Spans;
        var kept = 0;
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            if (_seenSpans.Add(Token(span.SpanId.Span, span.Kind)))
            {
                spans[kept++] = span;
            }
        }

        for (var i = spans.Count - 1; i >= kept; i--)
        {
            spans.RemoveAt(i);
        }

        return kept > 0;
    }

    /// <summary>
    /// Tempo's span token: 64-bit FNV-1 over the span ID bytes followed by the kind as 4 little-endian bytes
    /// (<c>combine.go</c> tokenForID). A 64-bit hash keeps collisions (which would drop a span) negligible.
    /// </summary>
    internal static ulong Token(ReadOnlySpan<byte> spanId, Span.Types.SpanKind kind)
    {
        var hash = FnvOffsetBasis;
        foreach (var b in spanId)
        {
            hash = (hash * FnvPrime) ^ b;
        }

        var k = (uint)kind;
        for (var i = 0; i < 4; i++)
        {
            hash = (hash * FnvPrime) ^ (byte)(k >> (8 * i));
        }

        return hash;
    }
}
