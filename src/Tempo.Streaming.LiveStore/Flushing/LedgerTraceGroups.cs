using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.LiveStore.Storage;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// One tenant's fragments of a flush range as the block writer's trace groups: the ledger's fragment list sorted by
/// trace ID (ties in log order, so a trace's fragments combine as they would in log order), each fragment read from
/// the traces family and parsed only when its group is enumerated.
/// </summary>
internal sealed class LedgerTraceGroups : ITraceFragmentGroups
{
    private readonly LiveStoreDatabase _db;
    private readonly int _partition;
    private readonly LedgerFragment[] _sorted;
    private readonly TraceId[] _ids;

    public LedgerTraceGroups(LiveStoreDatabase db, int partition, List<LedgerFragment> fragmentsInLogOrder)
    {
        _db = db;
        _partition = partition;
        var ids = new TraceId[fragmentsInLogOrder.Count];
        var order = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = TraceId.FromBytes(fragmentsInLogOrder[i].TraceId); // the ledger keeps 16-byte IDs
            order[i] = i;
        }
        // Array.Sort is not stable: ties are ordered by their place in the log explicitly.
        Array.Sort(order, (a, b) => ids[a].CompareTo(ids[b]) is var byId and not 0 ? byId : a.CompareTo(b));
        _sorted = new LedgerFragment[order.Length];
        _ids = new TraceId[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            _sorted[i] = fragmentsInLogOrder[order[i]];
            _ids[i] = ids[order[i]];
        }
    }

    public IEnumerable<IEnumerable<TraceFragment>> Groups()
    {
        var start = 0;
        while (start < _sorted.Length)
        {
            var end = start + 1;
            while (end < _sorted.Length && _ids[end] == _ids[start])
            {
                end++;
            }
            yield return Read(start, end);
            start = end;
        }
    }

    private IEnumerable<TraceFragment> Read(int start, int end)
    {
        var key = new byte[256];
        for (var i = start; i < end; i++)
        {
            var fragment = _sorted[i];
            var length = fragment.TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength;
            if (key.Length < length) key = new byte[length];
            LiveStoreKeys.WriteFragmentKey(key, fragment.TenantPrefix, fragment.TraceId, _partition, fragment.Offset, fragment.Index);
            var value = _db.Db.Get(_db.Traces, key.AsSpan(0, length))
                ?? throw new InvalidDataException(
                    $"live store at {_db.Db.Path}: the ledger lists fragment {fragment.Index} of partition {_partition} offset {fragment.Offset} " +
                    "but the fragment is missing; the range cannot be cut into a complete block");
            // Fragments were validated when consumed (RecordPreparer), so a parse failure here is corruption, not bad input.
            yield return new TraceFragment(fragment.TraceId, Trace.Parser.ParseFrom(value));
        }
    }
}
