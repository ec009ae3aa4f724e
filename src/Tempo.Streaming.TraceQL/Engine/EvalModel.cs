using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.TraceQL.Engine;

/// <summary>
/// A trace as the evaluator sees it: every span with its resource, scope, events and links resolved, and the tree
/// (parent, children, nested-set numbers) computed from span and parent IDs. Built once per candidate trace by
/// <see cref="OtlpTraceModel"/>, whatever store the trace came from.
/// </summary>
public sealed class EvalTrace
{
    internal EvalTrace(byte[] traceId, EvalSpan[] spans)
    {
        TraceId = traceId;
        Spans = spans;
    }

    /// <summary>The 16-byte trace ID.</summary>
    public byte[] TraceId { get; }

    public IReadOnlyList<EvalSpan> Spans { get; }

    /// <summary>Earliest span start (unix ns); 0 for a trace without spans.</summary>
    public ulong StartUnixNanos { get; internal set; }

    /// <summary>Latest span end (unix ns).</summary>
    public ulong EndUnixNanos { get; internal set; }

    /// <summary>The span without a parent (the first one when several claim it); null when not received yet.</summary>
    public EvalSpan? Root { get; internal set; }

    /// <summary>The resource's <c>service.name</c> of the root span, or null.</summary>
    public string? RootServiceName => Root?.Resource.ServiceName;

    /// <summary>The root span's name, or null.</summary>
    public string? RootSpanName => Root?.Name;
}

/// <summary>A resource: its attributes and, from them, <c>service.name</c>.</summary>
public sealed class EvalResource(Dictionary<string, Static> attributes)
{
    public Dictionary<string, Static> Attributes { get; } = attributes;

    public string? ServiceName => Attributes.TryGetValue("service.name", out var v) && v.Type == StaticType.String ? v.String : null;
}

/// <summary>An instrumentation scope.</summary>
public sealed class EvalScope(string name, string version, Dictionary<string, Static> attributes)
{
    public string Name { get; } = name;
    public string Version { get; } = version;
    public Dictionary<string, Static> Attributes { get; } = attributes;
}

/// <summary>A span event; <see cref="TimeSinceStartNanos"/> is relative to its span's start.</summary>
public sealed record EvalEvent(string Name, long TimeSinceStartNanos, Dictionary<string, Static> Attributes);

/// <summary>A span link.</summary>
public sealed record EvalLink(byte[] TraceId, byte[] SpanId, Dictionary<string, Static> Attributes);

/// <summary>One span with everything a TraceQL field can refer to.</summary>
public sealed class EvalSpan
{
    internal EvalSpan(int index)
    {
        Index = index;
    }

    /// <summary>Position in <see cref="EvalTrace.Spans"/> (stable identity within the trace).</summary>
    public int Index { get; }

    public EvalTrace Trace { get; internal set; } = null!;
    public EvalResource Resource { get; internal set; } = null!;
    public EvalScope Scope { get; internal set; } = null!;
    public byte[] SpanId { get; internal set; } = [];
    public byte[] ParentSpanId { get; internal set; } = [];
    public string Name { get; internal set; } = "";

    /// <summary>Tempo's numbering (<see cref="SpanKindValue"/>), not OTLP's.</summary>
    public SpanKindValue Kind { get; internal set; }

    /// <summary>Tempo's numbering (<see cref="SpanStatus"/>), not OTLP's.</summary>
    public SpanStatus Status { get; internal set; }

    public string StatusMessage { get; internal set; } = "";
    public ulong StartUnixNanos { get; internal set; }
    public ulong DurationNanos { get; internal set; }
    public Dictionary<string, Static> Attributes { get; internal set; } = null!;
    public IReadOnlyList<EvalEvent> Events { get; internal set; } = [];
    public IReadOnlyList<EvalLink> Links { get; internal set; } = [];

    /// <summary>The parent span in this trace, or null (a root, or a parent not received).</summary>
    public EvalSpan? Parent { get; internal set; }

    public List<EvalSpan> Children { get; } = [];

    /// <summary>Nested-set numbers (Tempo's: left/right from a depth-first walk from 1; parent = the parent's left, -1 for roots).</summary>
    public int NestedSetLeft { get; internal set; }
    public int NestedSetRight { get; internal set; }
    public int NestedSetParent { get; internal set; }

    /// <summary>True when <paramref name="ancestor"/> is above this span in the tree.</summary>
    public bool IsDescendantOf(EvalSpan ancestor)
    {
        for (var p = Parent; p is not null; p = p.Parent)
        {
            if (ReferenceEquals(p, ancestor))
            {
                return true;
            }
        }
        return false;
    }
}
