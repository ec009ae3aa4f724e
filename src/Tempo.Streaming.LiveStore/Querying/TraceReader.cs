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

        var fragments = new List<ReadOnlyMemory<byte>>();
        long inspected = stored.Length;
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
