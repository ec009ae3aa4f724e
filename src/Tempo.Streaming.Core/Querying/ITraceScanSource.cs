namespace Tempo.Streaming.Core.Querying;

/// <summary>
/// Every trace a store holds for a tenant, one after the other: what a search reads from the live store, where recent
/// traces are few enough to evaluate whole. Fragments are returned raw, as <see cref="ITraceFragmentSource"/> returns
/// them; combining and evaluating them is the query layer's job.
/// </summary>
public interface ITraceScanSource
{
    /// <summary>
    /// The tenant's traces whose time range overlaps <paramref name="window"/>, in trace-ID order, read from one
    /// consistent state of the store. Enumerate on one thread; dispose to release the state early.
    /// </summary>
    IEnumerable<ScannedTrace> ScanTraces(string tenant, QueryWindow window, CancellationToken cancellationToken);
}

/// <summary>One trace's stored fragments (each a marshalled <c>tempopb.Trace</c>) and the bytes read for it.</summary>
public sealed record ScannedTrace(byte[] TraceId, IReadOnlyList<ReadOnlyMemory<byte>> Fragments, long InspectedBytes);
