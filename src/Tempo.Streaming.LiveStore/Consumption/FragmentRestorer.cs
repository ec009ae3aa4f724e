using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Flushing;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// Puts back, after an unclean close, the fragments a crash took from the live store. <see cref="BatchApplier"/> writes
/// fragments without RocksDB's WAL (the ingest log already holds every byte of them), so a crash loses those still in a
/// memtable, while the ledger, summaries and tag index — written through the WAL with the consumed offset — survive.
/// For the records not yet in a block (flushed offset .. consumed offset) the ledger names every fragment that was
/// stored; this re-reads those records from the log and writes the same bytes under the same keys (idempotent, so
/// restoring fragments that survived is harmless). Ranges already in blocks are left alone: their blocks hold the
/// spans, and the live store drops them after <c>complete_block_timeout</c> anyway.
/// </summary>
internal sealed class FragmentRestorer
{
    private const int ReadBatchRecords = 256;
    private const int ReadBatchBytes = 16 << 20;

    private readonly LiveStoreDatabase _db;
    private readonly IIngestLog _log;
    private readonly ILogger _logger;
    private readonly List<(int Start, int Length)> _traces = [];
    private readonly List<(int Start, int Length)> _ids = [];

    public FragmentRestorer(LiveStoreDatabase db, IIngestLog log, ILogger logger)
    {
        _db = db;
        _log = log;
        _logger = logger;
    }

    /// <summary>Restores the fragments of a partition's unflushed records below <paramref name="consumedOffset"/>; returns how many were written.</summary>
    public async Task<int> RestoreAsync(int partition, long consumedOffset, CancellationToken cancellationToken)
    {
        // A database that never flushed this partition wrote its fragments through the WAL (see LiveTraceStore).
        if (_db.ReadFlushedOffset(_log.Topic, partition) is not { } flushed || flushed >= consumedOffset)
        {
            return 0;
        }

        var fragments = new RangeLedger(_db).Fragments(new FlushRange(partition, flushed, consumedOffset - 1));
        var restored = 0;
        var next = 0;
        using var batch = new RocksWriteBatch();
        var key = new byte[256];
        while (next < fragments.Count)
        {
            var records = await _log.ReadAsync(partition, fragments[next].Offset, ReadBatchRecords, ReadBatchBytes, cancellationToken)
                .ConfigureAwait(false);
            if (records.Count == 0 || records[0].Offset > fragments[next].Offset)
            {
                Log.FragmentsUnrestorable(_logger, partition, fragments.Count - next, flushed, consumedOffset - 1, fragments[next].Offset);
                // Skip what the log no longer has and restore the rest.
                var available = records.Count == 0 ? long.MaxValue : records[0].Offset;
                while (next < fragments.Count && fragments[next].Offset < available)
                {
                    next++;
                }
                if (records.Count == 0)
                {
                    break;
                }
            }

            batch.Clear();
            foreach (var record in records)
            {
                if (next < fragments.Count && fragments[next].Offset == record.Offset)
                {
                    PushBytesRequestLayout.Split(record.Value.Span, _traces, _ids);
                }
                for (; next < fragments.Count && fragments[next].Offset == record.Offset; next++)
                {
                    var fragment = fragments[next];
                    var (start, length) = _traces[fragment.Index];
                    var keyLength = fragment.TenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength;
                    if (key.Length < keyLength) key = new byte[keyLength];
                    LiveStoreKeys.WriteFragmentKey(key, fragment.TenantPrefix, fragment.TraceId, partition, fragment.Offset, fragment.Index);
                    batch.Put(_db.Traces, key.AsSpan(0, keyLength), record.Value.Span.Slice(start, length));
                    restored++;
                }
            }
            _db.Db.Write(batch);
        }

        if (restored > 0)
        {
            Log.FragmentsRestored(_logger, partition, restored, flushed, consumedOffset - 1);
        }
        return restored;
    }
}
