using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Traces;

/// <summary>
/// A block store that can restrict a trace-by-ID lookup to one shard of block IDs. Tempo's query frontend splits a
/// lookup into jobs by block-ID range (<c>blockStart</c>/<c>blockEnd</c>, inclusive UUID bounds compared as bytes) so
/// that each querier searches part of the blocks. <see cref="TraceByIdQuerier"/> hands the range to block sources that
/// implement this interface; a plain <see cref="ITraceFragmentSource"/> searches all its blocks, which returns a
/// superset — harmless, since duplicate spans are removed when fragments are combined.
/// </summary>
public interface IBlockTraceFragmentSource : ITraceFragmentSource
{
    ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        Guid blockStart, Guid blockEnd, CancellationToken cancellationToken);
}
