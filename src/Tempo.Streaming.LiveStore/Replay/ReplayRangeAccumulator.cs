using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Consumption;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.LiveStore.Replay;

/// <summary>
/// The records of one range, decoded exactly as the live store consumes them and grouped as its block cut groups them.
/// Decoding goes through the live store's own <see cref="RecordPreparer"/> (same key and value rules: a record with an
/// invalid tenant key, an unparsable request, unpaired IDs or any malformed fragment is skipped whole), so a record the
/// live store kept is kept here and one it skipped is skipped here. Fragments are appended in log order (offset, then
/// index in the record) per tenant, the order <c>BlockCutter</c> reads them from the ledger, and spans are counted the
/// way the cutter counts them, so the lineage (records, spans) and the fragments handed to <see cref="BlockWriter"/> are
/// the same. (The preparer also builds tag-index keys the replay does not need; sharing its code is worth that.)
/// </summary>
internal sealed class ReplayRangeAccumulator
{
    private readonly RecordPreparer _preparer = new(writtenTagKeys: null);
    private readonly PreparedBatch _batch;
    private readonly SortedDictionary<string, TenantFragments> _tenants = new(StringComparer.Ordinal);

    public ReplayRangeAccumulator(int partition) => _batch = new PreparedBatch(partition);

    /// <summary>Records added (skipped ones included: the live ledger counts them as part of the range too).</summary>
    public long Records { get; private set; }

    /// <summary>Sum of the records' value sizes: the measure <c>max_block_bytes</c> is compared with.</summary>
    public long RecordBytes { get; private set; }

    /// <summary>Records that could not be decoded and hold nothing for any block.</summary>
    public long SkippedRecords { get; private set; }

    /// <summary>Per tenant (ordinal order, as the cutter writes them), the fragments and their span count.</summary>
    public IReadOnlyDictionary<string, TenantFragments> Tenants => _tenants;

    /// <summary>Decodes <paramref name="records"/> (consecutive, in offset order, after any added before).</summary>
    public void Add(IReadOnlyList<LogRecord> records)
    {
        _preparer.Prepare(records, _batch);
        Records += _batch.Records;
        RecordBytes += _batch.RecordBytes;
        SkippedRecords += _batch.Skipped.Count;
        foreach (var fragment in _batch.Fragments)
        {
            var tenant = fragment.Tenant.Tenant;
            if (!_tenants.TryGetValue(tenant, out var fragments))
            {
                _tenants[tenant] = fragments = new TenantFragments();
            }
            // The preparer validated the fragment; the live store stores these very bytes and the cutter parses them.
            var trace = Trace.Parser.ParseFrom(fragment.Bytes.Span);
            fragments.Fragments.Add(new TraceFragment(fragment.TraceId.ToArray(), trace));
            fragments.Spans += CountSpans(trace);
        }
    }

    private static long CountSpans(Trace trace)
    {
        long spans = 0;
        foreach (var batch in trace.ResourceSpans)
        {
            foreach (var scope in batch.ScopeSpans)
            {
                spans += scope.Spans.Count;
            }
        }
        return spans;
    }
}

/// <summary>One tenant's fragments of a range, in log order, and how many spans they hold.</summary>
internal sealed class TenantFragments
{
    public List<TraceFragment> Fragments { get; } = [];

    public long Spans { get; set; }
}
