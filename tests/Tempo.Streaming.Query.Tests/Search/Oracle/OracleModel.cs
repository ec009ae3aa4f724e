using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.TraceQL.Ast;
using OtlpSpan = OpenTelemetry.Proto.Trace.V1.Span;
using OtlpStatusCode = OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Query.Tests.Search.Oracle;

/// <summary>An event of a decoded span: its name, time and attributes.</summary>
public sealed record OracleEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, OracleValue> Attributes);

/// <summary>A link of a decoded span: the linked trace and span (lowercase hex) and the link's attributes.</summary>
public sealed record OracleLink(string TraceId, string SpanId, IReadOnlyDictionary<string, OracleValue> Attributes);

/// <summary>
/// One span as the oracle sees it: everything TraceQL can ask about it, flattened out of its batch and scope. Spans are
/// compared by reference inside the oracle; <see cref="SpanId"/> is what results are made of.
/// </summary>
public sealed class OracleSpan
{
    public required string TraceId { get; init; }
    public required string SpanId { get; init; }
    /// <summary>Null for a root span (empty or all-zero parent span ID).</summary>
    public required string? ParentSpanId { get; init; }
    public required string Name { get; init; }
    public required SpanKindValue Kind { get; init; }
    public required SpanStatus Status { get; init; }
    public required string StatusMessage { get; init; }
    public required ulong StartUnixNano { get; init; }
    public required ulong EndUnixNano { get; init; }
    public required IReadOnlyDictionary<string, OracleValue> Attributes { get; init; }
    public required IReadOnlyDictionary<string, OracleValue> ResourceAttributes { get; init; }
    public required string ScopeName { get; init; }
    public required string ScopeVersion { get; init; }
    public required IReadOnlyDictionary<string, OracleValue> ScopeAttributes { get; init; }
    public required IReadOnlyList<OracleEvent> Events { get; init; }
    public required IReadOnlyList<OracleLink> Links { get; init; }

    /// <summary>end − start in nanoseconds (0 when the end precedes the start).</summary>
    public long DurationNanos => EndUnixNano >= StartUnixNano ? (long)(EndUnixNano - StartUnixNano) : 0;

    public override string ToString() => $"{SpanId} {Name}";
}

/// <summary>All spans of one trace, with the tree relations worked out by span ID / parent span ID.</summary>
public sealed class OracleTrace
{
    private readonly Dictionary<string, OracleSpan> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _childCounts = new(StringComparer.Ordinal);

    public OracleTrace(string traceId, IReadOnlyList<OracleSpan> spans)
    {
        TraceId = traceId;
        Spans = spans;
        foreach (var span in spans)
        {
            _byId.TryAdd(span.SpanId, span);
        }
        foreach (var span in spans)
        {
            if (span.ParentSpanId is { } parent)
            {
                _childCounts[parent] = _childCounts.GetValueOrDefault(parent) + 1;
            }
        }
        Root = spans.FirstOrDefault(s => s.ParentSpanId is null);
        if (spans.Count > 0)
        {
            var start = spans.Min(s => s.StartUnixNano);
            var end = spans.Max(s => s.EndUnixNano);
            DurationNanos = end >= start ? (long)(end - start) : 0;
        }
    }

    /// <summary>32 lowercase hex digits.</summary>
    public string TraceId { get; }

    public IReadOnlyList<OracleSpan> Spans { get; }

    /// <summary>The first span without a parent, null when there is none.</summary>
    public OracleSpan? Root { get; }

    /// <summary>max(end) − min(start) over all spans.</summary>
    public long DurationNanos { get; }

    /// <summary>The span's parent if it is in this trace.</summary>
    public OracleSpan? ParentOf(OracleSpan span) =>
        span.ParentSpanId is { } parent && _byId.TryGetValue(parent, out var found) ? found : null;

    public int ChildCountOf(OracleSpan span) => _childCounts.GetValueOrDefault(span.SpanId);

    /// <summary><paramref name="child"/>'s parent span ID is <paramref name="parent"/>'s span ID.</summary>
    public static bool IsChildOf(OracleSpan child, OracleSpan parent) => child.ParentSpanId == parent.SpanId;

    /// <summary><paramref name="descendant"/> is below <paramref name="ancestor"/>: following parents up from it reaches it.</summary>
    public bool IsDescendantOf(OracleSpan descendant, OracleSpan ancestor)
    {
        var seen = new HashSet<OracleSpan>(ReferenceEqualityComparer.Instance);
        for (var current = ParentOf(descendant); current is not null && seen.Add(current); current = ParentOf(current))
        {
            if (ReferenceEquals(current, ancestor))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Two different spans with the same (non-empty) parent span ID.</summary>
    public static bool AreSiblings(OracleSpan a, OracleSpan b) =>
        !ReferenceEquals(a, b) && a.ParentSpanId is not null && a.ParentSpanId == b.ParentSpanId;
}

/// <summary>Turns OTLP traces into <see cref="OracleTrace"/>s, grouping spans by their trace ID.</summary>
public static class OracleDecoder
{
    public static IReadOnlyList<OracleTrace> Decode(IEnumerable<Trace> traces)
    {
        var byTrace = new Dictionary<string, List<OracleSpan>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var trace in traces)
        {
            foreach (var batch in trace.ResourceSpans)
            {
                var resource = Attributes(batch.Resource?.Attributes);
                foreach (var scopeSpans in batch.ScopeSpans)
                {
                    var scope = scopeSpans.Scope;
                    var scopeAttributes = Attributes(scope?.Attributes);
                    foreach (var span in scopeSpans.Spans)
                    {
                        var decoded = DecodeSpan(span, resource, scope, scopeAttributes);
                        if (!byTrace.TryGetValue(decoded.TraceId, out var list))
                        {
                            byTrace[decoded.TraceId] = list = [];
                            order.Add(decoded.TraceId);
                        }
                        list.Add(decoded);
                    }
                }
            }
        }
        return order.Select(id => new OracleTrace(id, byTrace[id])).ToList();
    }

    private static OracleSpan DecodeSpan(
        OtlpSpan span,
        IReadOnlyDictionary<string, OracleValue> resource,
        InstrumentationScope? scope,
        IReadOnlyDictionary<string, OracleValue> scopeAttributes) => new()
    {
        TraceId = Hex(span.TraceId.Span),
        SpanId = Hex(span.SpanId.Span),
        ParentSpanId = span.ParentSpanId.IsEmpty || span.ParentSpanId.Span.IndexOfAnyExcept((byte)0) < 0
            ? null
            : Hex(span.ParentSpanId.Span),
        Name = span.Name,
        Kind = KindOf(span.Kind),
        Status = StatusOf(span.Status?.Code ?? OtlpStatusCode.Unset),
        StatusMessage = span.Status?.Message ?? "",
        StartUnixNano = span.StartTimeUnixNano,
        EndUnixNano = span.EndTimeUnixNano,
        Attributes = Attributes(span.Attributes),
        ResourceAttributes = resource,
        ScopeName = scope?.Name ?? "",
        ScopeVersion = scope?.Version ?? "",
        ScopeAttributes = scopeAttributes,
        Events = span.Events.Select(e => new OracleEvent(e.Name, e.TimeUnixNano, Attributes(e.Attributes))).ToList(),
        Links = span.Links.Select(l => new OracleLink(Hex(l.TraceId.Span), Hex(l.SpanId.Span), Attributes(l.Attributes))).ToList(),
    };

    /// <summary>Lowercase hex of the bytes, full length (no leading zeros dropped).</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>OTLP's numbering (1 internal, 2 server, 3 client, 4 producer, 5 consumer) to TraceQL's.</summary>
    public static SpanKindValue KindOf(OtlpSpan.Types.SpanKind kind) => kind switch
    {
        OtlpSpan.Types.SpanKind.Internal => SpanKindValue.Internal,
        OtlpSpan.Types.SpanKind.Server => SpanKindValue.Server,
        OtlpSpan.Types.SpanKind.Client => SpanKindValue.Client,
        OtlpSpan.Types.SpanKind.Producer => SpanKindValue.Producer,
        OtlpSpan.Types.SpanKind.Consumer => SpanKindValue.Consumer,
        _ => SpanKindValue.Unspecified,
    };

    /// <summary>OTLP's numbering (0 unset, 1 ok, 2 error) to TraceQL's.</summary>
    public static SpanStatus StatusOf(OtlpStatusCode code) => code switch
    {
        OtlpStatusCode.Ok => SpanStatus.Ok,
        OtlpStatusCode.Error => SpanStatus.Error,
        _ => SpanStatus.Unset,
    };

    /// <summary>The scalar attributes (string, int, double, bool); others and repeated keys (after the first) are skipped.</summary>
    public static IReadOnlyDictionary<string, OracleValue> Attributes(IEnumerable<KeyValue>? attributes)
    {
        var result = new Dictionary<string, OracleValue>(StringComparer.Ordinal);
        foreach (var kv in attributes ?? [])
        {
            if (result.ContainsKey(kv.Key) || kv.Value is null)
            {
                continue;
            }
            OracleValue? value = kv.Value.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => OracleValue.String(kv.Value.StringValue),
                AnyValue.ValueOneofCase.IntValue => OracleValue.Int(kv.Value.IntValue),
                AnyValue.ValueOneofCase.DoubleValue => OracleValue.Float(kv.Value.DoubleValue),
                AnyValue.ValueOneofCase.BoolValue => OracleValue.Bool(kv.Value.BoolValue),
                _ => null,
            };
            if (value is not null)
            {
                result[kv.Key] = value;
            }
        }
        return result;
    }
}
