namespace Tempo.Streaming.Core.Querying;

/// <summary>
/// Serves trace-by-ID lookups from one store (the live store now; blocks later). A source returns the raw stored
/// fragments; combining them into one trace and removing duplicate spans is the query layer's job, so that
/// fragments from live stores and blocks combine the same way.
/// </summary>
public interface ITraceFragmentSource
{
    /// <summary>
    /// Every stored fragment of <paramref name="traceId"/> (16 bytes) for <paramref name="tenant"/>, each a marshalled
    /// <c>tempopb.Trace</c>, or an empty list when the source does not hold the trace or it lies outside
    /// <paramref name="window"/>. Reads see one consistent state of the store.
    /// </summary>
    ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        CancellationToken cancellationToken);
}

/// <summary>The fragments found and the bytes read to find them (reported as <c>inspectedBytes</c>).</summary>
public sealed record TraceFragments(IReadOnlyList<ReadOnlyMemory<byte>> Fragments, long InspectedBytes)
{
    public static TraceFragments None { get; } = new([], 0);
}
