using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.LiveStore.Storage;

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
    private readonly long _retainBudgetBytes;
    private readonly ArenaChunkPool _chunks;

    /// <param name="retainBudgetBytes">Fragment bytes of one tenant's range a cut keeps in memory between its passes
    /// (<see cref="LedgerTraceGroups"/>).</param>
    /// <param name="concurrentCuts">Cuts that may run at once (the chunk pool keeps what they use between cuts).</param>
    public BlockCutter(LiveStoreDatabase db, RangeLedger ledger, BlockWriter writer, string topic, long retainBudgetBytes,
        int concurrentCuts)
    {
        _retainBudgetBytes = retainBudgetBytes;
        _chunks = new ArenaChunkPool((int)Math.Min(int.MaxValue, concurrentCuts * (retainBudgetBytes / ArenaChunkPool.ChunkBytes + 2)));
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
            // One trace at a time: the ledger's counts survey, the writer (samples and) writes, so a cut holds a trace
            // (or, when the writer reads twice, the range's bytes up to the budget) and a row group, never the range parsed.
            using var traces = new LedgerTraceGroups(_db, range.Partition, fragments,
                _writer.ReadsGroupsOnce ? 0 : _retainBudgetBytes, _chunks);
            var survey = TraceGroupSurvey.FromStoredCounts(traces.StoredSpansPerGroup());
            if (survey.Traces == 0)
            {
                continue; // fragments without spans (empty batches) make no block
            }
            var lineage = new IngestLineage(_topic, range.Partition, range.FirstOffset, range.LastOffset, records, survey.FragmentSpans);
            var written = await _writer.WriteAsync(tenant, lineage, dedicatedColumns(tenant), traces, survey, cancellationToken).ConfigureAwait(false);
            blocks.Add(written.Meta);
        }
        return new FlushResult(range, records, blocks);
    }

    private static string TenantOf(byte[] tenantPrefix) => System.Text.Encoding.UTF8.GetString(tenantPrefix, 0, tenantPrefix.Length - 1);
}
