using System.Runtime.ExceptionServices;
using Tempo.Streaming.Core.Querying;

namespace Tempo.Streaming.Query.Traces;

/// <summary>
/// Answers trace-by-ID lookups: asks the stores the querier <c>mode</c> selects (all of them concurrently), combines
/// every fragment found (<see cref="TraceCombiner"/>), and applies Tempo's Zipkin span-ID deduper to the result.
/// </summary>
public sealed class TraceByIdQuerier
{
    private readonly IReadOnlyList<ITraceFragmentSource> _recentSources;
    private readonly IReadOnlyList<ITraceFragmentSource> _blockSources;
    private readonly long _maxTraceBytes;

    /// <param name="recentSources">The live stores (Tempo's "ingesters" in the <c>mode</c> parameter).</param>
    /// <param name="blockSources">The block stores; empty until the block store exists. Sources implementing
    /// <see cref="IBlockTraceFragmentSource"/> receive the lookup's block-ID range.</param>
    /// <param name="maxTraceBytes">Tempo's <c>max_bytes_per_trace</c> for reads: once the combined trace exceeds it,
    /// no further fragment is added and the result is partial. 0 = unlimited.</param>
    public TraceByIdQuerier(IReadOnlyList<ITraceFragmentSource> recentSources, IReadOnlyList<ITraceFragmentSource> blockSources,
        long maxTraceBytes)
    {
        ArgumentNullException.ThrowIfNull(recentSources);
        ArgumentNullException.ThrowIfNull(blockSources);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTraceBytes);
        _recentSources = recentSources;
        _blockSources = blockSources;
        _maxTraceBytes = maxTraceBytes;
    }

    /// <summary>Tempo's <c>max_bytes_per_trace</c> for reads (0 = unlimited).</summary>
    public long MaxTraceBytes => _maxTraceBytes;

    /// <summary>
    /// The combined trace, or <c>Trace = null</c> when no selected store holds a span of it. Store failures propagate;
    /// fragments that do not parse are skipped.
    /// </summary>
    public async Task<TraceLookupResult> FindAsync(TraceLookup lookup, CancellationToken cancellationToken) =>
        Combine(await GatherAsync(lookup, cancellationToken).ConfigureAwait(false), _maxTraceBytes);

    /// <summary>
    /// Tempo's multi-tenant trace by ID (<c>X-Scope-OrgID: a|b</c>): the trace as stored under every one of
    /// <paramref name="tenants"/>, combined into one (the lookup's own tenant is ignored). Tenants are asked one after
    /// another in the order given, which keeps "first copy wins" deterministic.
    /// </summary>
    public async Task<TraceLookupResult> FindAsync(IReadOnlyList<string> tenants, TraceLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        var all = new List<TraceFragments>();
        foreach (var tenant in tenants)
        {
            all.AddRange(await GatherAsync(lookup with { Tenant = tenant }, cancellationToken).ConfigureAwait(false));
        }

        return Combine(all, _maxTraceBytes);
    }

    private async Task<TraceFragments[]> GatherAsync(TraceLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup.TraceId.Length != 16)
        {
            throw new ArgumentException($"a trace ID is 16 bytes, got {lookup.TraceId.Length}", nameof(lookup));
        }

        var askRecent = lookup.Mode is TraceLookupMode.All or TraceLookupMode.Ingesters;
        var askBlocks = lookup.Mode is TraceLookupMode.All or TraceLookupMode.Blocks;
        var recentCount = askRecent ? _recentSources.Count : 0;
        var blockCount = askBlocks ? _blockSources.Count : 0;

        // Start every source before awaiting any, so slow stores overlap; results are combined in source order (recent
        // stores first), which keeps "first copy wins" deterministic.
        var pending = new ValueTask<TraceFragments>[recentCount + blockCount];
        for (var i = 0; i < recentCount; i++)
        {
            pending[i] = _recentSources[i].FindTraceAsync(lookup.Tenant, lookup.TraceId, lookup.Window, cancellationToken);
        }

        for (var i = 0; i < blockCount; i++)
        {
            pending[recentCount + i] = _blockSources[i] is IBlockTraceFragmentSource ranged
                ? ranged.FindTraceAsync(lookup.Tenant, lookup.TraceId, lookup.Window, lookup.BlockStart, lookup.BlockEnd, cancellationToken)
                : _blockSources[i].FindTraceAsync(lookup.Tenant, lookup.TraceId, lookup.Window, cancellationToken);
        }

        var results = new TraceFragments[pending.Length];
        ExceptionDispatchInfo? failure = null;
        for (var i = 0; i < pending.Length; i++)
        {
            // Await every source even after one failed: a ValueTask must be consumed exactly once.
            try
            {
                results[i] = await pending[i].ConfigureAwait(false);
            }
            catch (Exception e) when (failure is null)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
            catch (Exception)
            {
                // Later failures are secondary to the first one, which is rethrown.
            }
        }

        failure?.Throw();
        return results;
    }

    internal static TraceLookupResult Combine(IReadOnlyList<TraceFragments> results, long maxTraceBytes)
    {
        var combiner = new TraceCombiner(maxTraceBytes);
        long inspectedBytes = 0;
        foreach (var result in results)
        {
            inspectedBytes += result.InspectedBytes;
            foreach (var fragment in result.Fragments)
            {
                combiner.Consume(fragment.Span);
            }
        }

        var trace = combiner.Result();
        if (trace is not null)
        {
            ZipkinSpanIdDeduper.Dedupe(trace);
        }

        return combiner.SizeLimitReached
            ? new TraceLookupResult(trace, Partial: true, PartialMessage(maxTraceBytes), inspectedBytes)
            : new TraceLookupResult(trace, Partial: false, Message: null, inspectedBytes);
    }

    /// <summary>The v1 API has no partial answer: Tempo's <c>trace.ErrTraceTooLarge</c> wording, with status 422.</summary>
    public static string TooLargeMessage(long maxTraceBytes) => $"trace exceeds max size (max bytes: {maxTraceBytes})";

    /// <summary>Tempo's wording (<c>modules/frontend/combiner/trace_by_id_v2.go</c>).</summary>
    internal static string PartialMessage(long maxTraceBytes) =>
        $"Trace exceeds maximum size of {maxTraceBytes} bytes, a partial trace is returned";
}
