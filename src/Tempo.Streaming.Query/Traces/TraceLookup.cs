using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Traces;

/// <summary>Tempo's querier <c>mode</c> parameter: which stores a trace-by-ID lookup asks.</summary>
public enum TraceLookupMode
{
    /// <summary>Live stores and blocks (Tempo's default, <c>mode=all</c>).</summary>
    All,

    /// <summary>Only the live stores (<c>mode=ingesters</c>: Tempo's ingesters hold the recent data).</summary>
    Ingesters,

    /// <summary>Only the blocks in object storage (<c>mode=blocks</c>).</summary>
    Blocks,
}

/// <summary>One trace-by-ID lookup as the HTTP layer parsed it.</summary>
/// <param name="TraceId">The 16-byte trace ID.</param>
/// <param name="BlockStart">Lower bound of the block-ID shard to search (Tempo's <c>blockStart</c>); only block sources use it.</param>
/// <param name="BlockEnd">Upper bound of the block-ID shard to search (Tempo's <c>blockEnd</c>); only block sources use it.</param>
public sealed record TraceLookup(string Tenant, ReadOnlyMemory<byte> TraceId, QueryWindow Window, TraceLookupMode Mode,
    Guid BlockStart, Guid BlockEnd);

/// <summary>The combined trace (null when no source held it) and how complete it is.</summary>
/// <param name="Partial">True when the trace exceeded the size limit and only the fragments that fit were combined.</param>
/// <param name="Message">Why the result is partial (Tempo's wording); null when complete.</param>
/// <param name="InspectedBytes">The bytes the sources read to answer (reported as <c>metrics.inspectedBytes</c>).</param>
public sealed record TraceLookupResult(Tempo.Streaming.Tempopb.Trace? Trace, bool Partial, string? Message, long InspectedBytes)
{
    public bool Found => Trace is not null;
}
