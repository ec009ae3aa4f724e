using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.LiveStore.Storage;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.LiveStore.Flushing;

/// <summary>
/// Turns one offset range into blocks: per tenant with spans in the range, every stored fragment of those records
/// (nothing else — a trace's fragments from other ranges go to those ranges' blocks; queries and compaction combine
/// them) handed to <see cref="BlockWriter"/> under the range's lineage. The block ID is a function of (tenant, topic,
/// partition, range) and writing an existing block is a no-op, so re-running a cut after a crash rewrites nothing.
/// </summary>
internal sealed class BlockCutter
{
    private readonly LiveStoreDatabase _db;
    private readonly RangeLedger _ledger;
    private readonly BlockWriter _writer;
    private readonly string _topic;

    public BlockCutter(LiveStoreDatabase db, RangeLedger ledger, BlockWriter writer, string topic)
    {
        _db = db;
        _ledger = ledger;
        _writer = writer;
        _topic = topic;
    }

    public async Task<FlushResult> CutAsync(FlushRange range, Func<string, IReadOnlyList<DedicatedColumn>> dedicatedColumns,
        CancellationToken cancellationToken)
    {
        var records = _ledger.CountRecords(range);
        var byTenant = new SortedDictionary<string, List<LedgerFragment>>(StringComparer.Ordinal);
        foreach (var fragment in _ledger.Fragments(range))
        {
            var tenant = TenantOf(fragment.TenantPrefix);
            if (!byTenant.TryGetValue(tenant, out var list))
            {
                byTenant[tenant] = list = [];
            }
            list.Add(fragment);
        }

        var blocks = new List<BlockMeta>(byTenant.Count);
        foreach (var (tenant, fragments) in byTenant)
        {
            var (traces, spans) = ReadFragments(range, fragments);
            if (spans == 0)
            {
                continue; // fragments without spans (empty batches) make no block
            }
            var lineage = new IngestLineage(_topic, range.Partition, range.FirstOffset, range.LastOffset, records, spans);
            var written = await _writer.WriteAsync(tenant, lineage, dedicatedColumns(tenant), traces, cancellationToken).ConfigureAwait(false);
            blocks.Add(written.Meta);
        }
        return new FlushResult(range, records, blocks);
    }

    private (List<TraceFragment> Traces, long Spans) ReadFragments(FlushRange range, List<LedgerFragment> fragments)
    {
        var traces = new List<TraceFragment>(fragments.Count);
        long spans = 0;
        var key = new byte[256];
        foreach (var fragment in fragments)
        {
            var length = fragment.TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength;
            if (key.Length < length) key = new byte[length];
            LiveStoreKeys.WriteFragmentKey(key, fragment.TenantPrefix, fragment.TraceId, range.Partition, fragment.Offset, fragment.Index);
            var value = _db.Db.Get(_db.Traces, key.AsSpan(0, length))
                ?? throw new InvalidDataException(
                    $"live store at {_db.Db.Path}: the ledger lists fragment {fragment.Index} of partition {range.Partition} offset {fragment.Offset} " +
                    "but the fragment is missing; the range cannot be cut into a complete block");
            // Fragments were validated when consumed (RecordPreparer), so a parse failure here is corruption, not bad input.
            var trace = Trace.Parser.ParseFrom(value);
            traces.Add(new TraceFragment(fragment.TraceId, trace));
            foreach (var batch in trace.ResourceSpans)
            {
                foreach (var scope in batch.ScopeSpans)
                {
                    spans += scope.Spans.Count;
                }
            }
        }
        return (traces, spans);
    }

    private static string TenantOf(byte[] tenantPrefix) => System.Text.Encoding.UTF8.GetString(tenantPrefix, 0, tenantPrefix.Length - 1);
}
