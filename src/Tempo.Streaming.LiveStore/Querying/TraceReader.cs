using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.LiveStore.Storage;

namespace Tempo.Streaming.LiveStore.Querying;

/// <summary>
/// Trace by ID on recent data: one point read of the trace's summary (time range for start/end) and one bounded prefix
/// scan of its fragments, both in one snapshot so a lookup never sees half of a concurrent write.
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

        var (lower, upper) = LiveStoreKeys.TraceRange(tenantPrefix, traceId);
        var fragments = new List<ReadOnlyMemory<byte>>();
        long inspected = stored.Length;
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
