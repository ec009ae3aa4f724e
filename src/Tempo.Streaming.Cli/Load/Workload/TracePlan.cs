namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>Per-trace values shared by its spans (IDs, the user, the order) — everything a span's bytes need.</summary>
internal struct PlannedTrace
{
    public long Index;
    public ulong IdHigh;
    public ulong IdLow;
    public int FirstSpan;
    public int SpanCount;
    public int UserNumber;
    public uint ClientAddress;
    public int UserAgent;
    public int CartItems;
    public int ProductCode;
    public bool PlacesOrder;
    public ulong OrderId;
    /// <summary>The previous trace's ID and root span, targets of this trace's links (none for trace 0).</summary>
    public bool HasPrevious;
    public ulong PreviousIdHigh;
    public ulong PreviousIdLow;
    public ulong PreviousRootSpanId;
}

/// <summary>One span of a planned trace, before encoding. Indices are positions in the batch's span array.</summary>
internal struct PlannedSpan
{
    public int Template;
    public int Trace;
    public int Parent;
    public int FirstChild;
    public int LastChild;
    public int NextSibling;
    public int Resource;
    public ulong SpanId;
    public ulong ParentSpanId;
    public long StartUnixNano;
    public long EndUnixNano;
    /// <summary>A small per-span number: returned rows for SELECTs, the backend PID for postgres spans.</summary>
    public int Value;
    public bool Error;
    public bool HasLink;
}
