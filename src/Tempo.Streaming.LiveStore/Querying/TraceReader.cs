using Tempo.Streaming.RocksDb;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.LiveStore.Storage;

namespace Tempo.Streaming.LiveStore.Querying;

/// <summary>
/// Trace by ID on recent data: a point read of the trace's summary (time range for start/end, where its fragments
/// are), then a point read per fragment — or one bounded range scan for a trace with too many fragments to list — all
/// in one snapshot, so a lookup never sees half of a concurrent write.
/// </summary>
internal sealed class TraceReader
{
    private readonly LiveStoreDatabase _db;

    public TraceReader(LiveStoreDatabase db) => _db = db;

    public TraceFragments Find(string tenant, ReadOnlySpan<byte> traceId, QueryWindow window)
    {
        if (traceId.Length != 16)
        {
            throw new ArgumentException($"a trace ID is 16 bytes, got {traceId.Length}", nameof(traceId));
        }

        var tenantPrefix = LiveStoreKeys.TenantPrefix(tenant);
        using var snapshot = _db.Db.CreateSnapshot();
        Span<byte> summaryKey = stackalloc byte[tenantPrefix.Length + 17];
        LiveStoreKeys.WriteSummaryKey(summaryKey, tenantPrefix, traceId);
        var stored = _db.Db.Get(_db.Index, summaryKey, snapshot);
        if (stored is null)
        {
            return TraceFragments.None;
        }

        var summary = TraceSummary.Read(stored);
        if (!window.Overlaps(summary.StartUnixNanos, summary.EndUnixNanos))
        {
            return TraceFragments.None;
        }

        return ReadFragments(snapshot, tenantPrefix, traceId, summary, stored.Length);
    }

    /// <summary>
    /// Every trace of the tenant overlapping the window, walking the trace summaries in key (trace ID) order in one
    /// snapshot, then each trace's fragments as <see cref="Find"/> reads them.
    /// </summary>
    public IEnumerable<ScannedTrace> Scan(string tenant, QueryWindow window, CancellationToken cancellationToken)
    {
        var tenantPrefix = LiveStoreKeys.TenantPrefix(tenant);
        var lower = new byte[tenantPrefix.Length + 1];
        tenantPrefix.CopyTo(lower, 0);
        lower[^1] = LiveStoreKeys.SummaryTag;
        var upper = LiveStoreKeys.Successor(lower);
        using var snapshot = _db.Db.CreateSnapshot();
        using var summaries = _db.Db.NewIterator(_db.Index, lower, upper, snapshot);
        for (summaries.Seek(lower); summaries.Valid; summaries.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stored = summaries.Value.ToArray();
            var summary = TraceSummary.Read(stored);
            if (!window.Overlaps(summary.StartUnixNanos, summary.EndUnixNanos))
            {
                continue;
            }

            var traceId = summaries.Key[lower.Length..].ToArray();
            var fragments = ReadFragments(snapshot, tenantPrefix, traceId, summary, stored.Length);
            if (fragments.Fragments.Count > 0)
            {
                yield return new ScannedTrace(traceId, fragments.Fragments, fragments.InspectedBytes);
            }
        }

        summaries.ThrowIfFailed();
    }

    private TraceFragments ReadFragments(RocksSnapshot snapshot, byte[] tenantPrefix, ReadOnlySpan<byte> traceId, TraceSummary summary, long inspected)
    {
        var fragments = new List<ReadOnlyMemory<byte>>();
        if (summary.FragmentRefs is { } refs)
        {
            Span<byte> key = stackalloc byte[tenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength];
            foreach (var fragment in refs)
            {
                LiveStoreKeys.WriteFragmentKey(key, tenantPrefix, traceId, fragment.Partition, fragment.Offset, fragment.Index);
                if (_db.Db.Get(_db.Traces, key, snapshot) is { } value)
                {
                    inspected += value.Length;
                    fragments.Add(value);
                }
            }

            return new TraceFragments(fragments, inspected);
        }

        var (lower, upper) = LiveStoreKeys.TraceRange(tenantPrefix, traceId);
        using var iterator = _db.Db.NewIterator(_db.Traces, lower, upper, snapshot);
        for (iterator.Seek(lower); iterator.Valid; iterator.Next())
        {
            var value = iterator.Value.ToArray();
            inspected += value.Length;
            fragments.Add(value);
        }

        iterator.ThrowIfFailed();
        return new TraceFragments(fragments, inspected);
    }
}
