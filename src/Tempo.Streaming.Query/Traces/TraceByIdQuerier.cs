using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Traces;

public sealed class TraceByIdQuerier
{
    public TraceByIdQuerier(IReadOnlyList<ITraceFragmentSource> recentSources, IReadOnlyList<ITraceFragmentSource> blockSources,
        long maxTraceBytes)
    {
        throw new NotImplementedException();
    }

    public Task<TraceLookupResult> FindAsync(TraceLookup lookup, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
