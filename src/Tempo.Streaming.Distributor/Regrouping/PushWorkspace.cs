namespace Tempo.Streaming.Distributor.Regrouping;

/// <summary>
/// Flat, reusable tables describing one push while it is being scanned, validated, regrouped and encoded: every
/// ResourceSpans, ScopeSpans, span and trace of the request is one struct in an array, referring to slices of the
/// request payload. One workspace per thread is cached, so a steady stream of pushes allocates nothing here.
/// The workspace is used only by the synchronous part of a push and is returned before the first await.
/// </summary>
internal sealed class PushWorkspace
{
    // A workspace that grew for an unusually large push is not kept, so one outlier does not pin memory forever.
    private const int MaxCachedSpans = 1 << 16;

    [ThreadStatic]
    private static PushWorkspace? t_cached;

    public ResourceEntry[] Resources = new ResourceEntry[16];
    public int ResourceCount;
    public ScopeEntry[] Scopes = new ScopeEntry[16];
    public int ScopeCount;
    public SpanEntry[] Spans = new SpanEntry[1024];
    public int SpanCount;
    public TraceEntry[] Traces = new TraceEntry[128];
    public int TraceCount;
    public readonly Dictionary<UInt128, int> TraceIndex = new(128);

    /// <summary>Encoded sizes of each trace's ResourceSpans and ScopeSpans groups, in the order the encoder writes them.</summary>
    public int[] GroupSizes = new int[256];
    public int GroupSizeCount;

    /// <summary>Set by the scanner when some resource, scope or span has an attribute over max_attribute_bytes.</summary>
    public bool AnyNeedsTruncation;

    /// <summary>Trace indexes ordered by partition (stable within a partition).</summary>
    public int[] TraceOrder = new int[128];

    public static PushWorkspace Rent()
    {
        var workspace = t_cached;
        if (workspace is null)
        {
            return new PushWorkspace();
        }

        t_cached = null;
        return workspace;
    }

    public static void Return(PushWorkspace workspace)
    {
        if (workspace.Spans.Length > MaxCachedSpans)
        {
            return;
        }

        workspace.Reset();
        t_cached = workspace;
    }

    /// <summary>Clears every reference into the last payload so a cached workspace does not keep it alive.</summary>
    private void Reset()
    {
        Array.Clear(Resources, 0, ResourceCount);
        Array.Clear(Scopes, 0, ScopeCount);
        Array.Clear(Spans, 0, SpanCount);
        ResourceCount = 0;
        ScopeCount = 0;
        SpanCount = 0;
        TraceCount = 0;
        GroupSizeCount = 0;
        AnyNeedsTruncation = false;
        TraceIndex.Clear();
    }

    public int AddResource()
    {
        if (ResourceCount == Resources.Length)
        {
            Array.Resize(ref Resources, Resources.Length * 2);
        }

        return ResourceCount++;
    }

    public int AddScope(int resource)
    {
        if (ScopeCount == Scopes.Length)
        {
            Array.Resize(ref Scopes, Scopes.Length * 2);
        }

        Scopes[ScopeCount].Resource = resource;
        return ScopeCount++;
    }

    public int AddSpan(int scope, ReadOnlyMemory<byte> bytes)
    {
        if (SpanCount == Spans.Length)
        {
            Array.Resize(ref Spans, Spans.Length * 2);
        }

        ref var span = ref Spans[SpanCount];
        span.Scope = scope;
        span.Bytes = bytes;
        span.TraceIdStart = -1;
        span.SpanIdStart = -1;
        return SpanCount++;
    }

    public int AddTrace()
    {
        if (TraceCount == Traces.Length)
        {
            Array.Resize(ref Traces, Traces.Length * 2);
        }

        return TraceCount++;
    }

    public void AddGroupSize(int size)
    {
        if (GroupSizeCount == GroupSizes.Length)
        {
            Array.Resize(ref GroupSizes, GroupSizes.Length * 2);
        }

        GroupSizes[GroupSizeCount++] = size;
    }

    public int[] EnsureTraceOrder()
    {
        if (TraceOrder.Length < TraceCount)
        {
            TraceOrder = new int[Math.Max(TraceCount, TraceOrder.Length * 2)];
        }

        return TraceOrder;
    }
}

/// <summary>One ResourceSpans of the request.</summary>
internal struct ResourceEntry
{
    /// <summary>The marshalled <c>Resource</c> (copied as is, unknown fields included), or truncated and re-encoded.</summary>
    public ReadOnlyMemory<byte> Resource;
    public bool HasResource;
    public bool NeedsTruncation;
    public ReadOnlyMemory<byte> SchemaUrl;
}

/// <summary>One ScopeSpans of the request.</summary>
internal struct ScopeEntry
{
    public int Resource;
    public ReadOnlyMemory<byte> Scope;
    public bool HasScope;
    public bool NeedsTruncation;
    public ReadOnlyMemory<byte> SchemaUrl;
}

/// <summary>One span of the request: its marshalled bytes and where its IDs are in the payload.</summary>
internal struct SpanEntry
{
    public ReadOnlyMemory<byte> Bytes;
    public int Scope;
    public int TraceIdStart;
    public int TraceIdLength;
    public int SpanIdStart;
    public int SpanIdLength;
    public bool NeedsTruncation;

    /// <summary>Next span of the same trace, in request order; -1 at the end.</summary>
    public int Next;
}

/// <summary>One trace of the request after regrouping.</summary>
internal struct TraceEntry
{
    /// <summary>Offset of the 16-byte trace ID in the payload (of its first span).</summary>
    public int TraceIdStart;
    public int Head;
    public int Tail;
    public int SpanCount;

    /// <summary>Size of the marshalled <c>tempopb.Trace</c>.</summary>
    public int EncodedLength;
    public int GroupSizesStart;
    public int Partition;
    public bool TooLarge;
}
