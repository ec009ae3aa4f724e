using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.TraceQL.Ast;
using OtlpSpan = OpenTelemetry.Proto.Trace.V1.Span;
using OtlpStatusCode = OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>Builds the evaluator's view of a decoded OTLP trace (<c>tempopb.Trace</c>), as stored by the live store and
/// read back from a vParquet4 row.</summary>
public static class OtlpTraceModel
{
    public static EvalTrace Build(byte[] traceId, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(traceId);
        ArgumentNullException.ThrowIfNull(trace);
        var spans = new List<EvalSpan>();
        foreach (var batch in trace.ResourceSpans)
        {
            var resource = new EvalResource(Attributes(batch.Resource?.Attributes));
            foreach (var scopeSpans in batch.ScopeSpans)
            {
                var scope = new EvalScope(scopeSpans.Scope?.Name ?? "", scopeSpans.Scope?.Version ?? "", Attributes(scopeSpans.Scope?.Attributes));
                foreach (var span in scopeSpans.Spans)
                {
                    spans.Add(Span(spans.Count, span, resource, scope));
                }
            }
        }

        var result = new EvalTrace(traceId, [.. spans]);
        Link(result, spans);
        return result;
    }

    private static EvalSpan Span(int index, OtlpSpan span, EvalResource resource, EvalScope scope)
    {
        var start = span.StartTimeUnixNano;
        var events = new EvalEvent[span.Events.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var e = span.Events[i];
            events[i] = new EvalEvent(e.Name, unchecked((long)(e.TimeUnixNano - start)), Attributes(e.Attributes));
        }

        var links = new EvalLink[span.Links.Count];
        for (var i = 0; i < links.Length; i++)
        {
            var l = span.Links[i];
            links[i] = new EvalLink(l.TraceId.ToByteArray(), l.SpanId.ToByteArray(), Attributes(l.Attributes));
        }

        return new EvalSpan(index)
        {
            Resource = resource,
            Scope = scope,
            SpanId = span.SpanId.ToByteArray(),
            ParentSpanId = span.ParentSpanId.ToByteArray(),
            Name = span.Name,
            Kind = Kind(span.Kind),
            Status = Status(span.Status?.Code ?? OtlpStatusCode.Unset),
            StatusMessage = span.Status?.Message ?? "",
            StartUnixNanos = start,
            DurationNanos = span.EndTimeUnixNano > start ? span.EndTimeUnixNano - start : 0,
            Attributes = Attributes(span.Attributes),
            Events = events,
            Links = links,
        };
    }

    /// <summary>OTLP numbers server 2 and client 3; TraceQL's enum numbers them the other way round.</summary>
    internal static SpanKindValue Kind(OtlpSpan.Types.SpanKind kind) => kind switch
    {
        OtlpSpan.Types.SpanKind.Internal => SpanKindValue.Internal,
        OtlpSpan.Types.SpanKind.Server => SpanKindValue.Server,
        OtlpSpan.Types.SpanKind.Client => SpanKindValue.Client,
        OtlpSpan.Types.SpanKind.Producer => SpanKindValue.Producer,
        OtlpSpan.Types.SpanKind.Consumer => SpanKindValue.Consumer,
        _ => SpanKindValue.Unspecified,
    };

    internal static SpanStatus Status(OtlpStatusCode code) => code switch
    {
        OtlpStatusCode.Ok => SpanStatus.Ok,
        OtlpStatusCode.Error => SpanStatus.Error,
        _ => SpanStatus.Unset,
    };

    /// <summary>Scalar attribute values; arrays, maps and bytes are not comparable in TraceQL here and are left out.</summary>
    internal static Dictionary<string, Static> Attributes(IEnumerable<KeyValue>? attributes)
    {
        var result = new Dictionary<string, Static>(StringComparer.Ordinal);
        if (attributes is null)
        {
            return result;
        }

        foreach (var kv in attributes)
        {
            if (kv.Value is not { } value)
            {
                continue;
            }

            Static? s = value.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => Static.OfString(value.StringValue),
                AnyValue.ValueOneofCase.IntValue => Static.OfInt(value.IntValue),
                AnyValue.ValueOneofCase.DoubleValue => Static.OfFloat(value.DoubleValue),
                AnyValue.ValueOneofCase.BoolValue => Static.OfBool(value.BoolValue),
                _ => null,
            };
            if (s is not null)
            {
                result.TryAdd(kv.Key, s); // the first of duplicate keys, as a map built in order keeps it
            }
        }
        return result;
    }

    /// <summary>Parents by span ID, trace bounds, the root, and nested-set numbers (a depth-first walk from each root).</summary>
    private static void Link(EvalTrace trace, List<EvalSpan> spans)
    {
        var byId = new Dictionary<string, EvalSpan>(spans.Count);
        ulong start = ulong.MaxValue, end = 0;
        foreach (var span in spans)
        {
            span.Trace = trace;
            byId.TryAdd(Convert.ToHexString(span.SpanId), span);
            start = Math.Min(start, span.StartUnixNanos);
            end = Math.Max(end, span.StartUnixNanos + span.DurationNanos);
        }
        trace.StartUnixNanos = spans.Count == 0 ? 0 : start;
        trace.EndUnixNanos = end;

        foreach (var span in spans)
        {
            if (!IsEmpty(span.ParentSpanId) && byId.TryGetValue(Convert.ToHexString(span.ParentSpanId), out var parent) && !ReferenceEquals(parent, span))
            {
                span.Parent = parent;
            }
        }

        // A parent chain that loops (bad input) is cut where it closes, so every walk up the tree ends.
        foreach (var span in spans)
        {
            var steps = 0;
            for (var p = span; p.Parent is not null; p = p.Parent)
            {
                if (++steps > spans.Count)
                {
                    p.Parent = null;
                    break;
                }
            }
        }

        foreach (var span in spans)
        {
            if (span.Parent is { } parent)
            {
                parent.Children.Add(span);
            }
            else if (trace.Root is null && IsEmpty(span.ParentSpanId))
            {
                trace.Root = span;
            }
        }

        var next = 1;
        var stack = new Stack<(EvalSpan Span, bool Exit)>();
        foreach (var span in spans)
        {
            if (span.Parent is not null)
            {
                continue;
            }

            span.NestedSetParent = -1;
            stack.Push((span, false));
            while (stack.Count > 0)
            {
                var (current, exit) = stack.Pop();
                if (exit)
                {
                    current.NestedSetRight = next++;
                    continue;
                }

                current.NestedSetLeft = next++;
                stack.Push((current, true));
                for (var i = current.Children.Count - 1; i >= 0; i--)
                {
                    current.Children[i].NestedSetParent = current.NestedSetLeft;
                    stack.Push((current.Children[i], false));
                }
            }
        }
    }

    private static bool IsEmpty(byte[] id)
    {
        foreach (var b in id)
        {
            if (b != 0)
            {
                return false;
            }
        }
        return true;
    }
}
