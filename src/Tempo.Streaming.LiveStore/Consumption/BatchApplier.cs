using Tempo.Streaming.Core.Ids;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// Writes a prepared batch into RocksDB: the updated trace summaries, the ledger, the new tag names/values and the
/// partition's next offset as ONE write batch through the WAL (invariant 3: they commit together, so after a crash the
/// store resumes exactly after the last applied record — nothing skipped, nothing applied twice). The fragments
/// themselves — nearly all the bytes — are written just before, without the WAL: they are copies of bytes the ingest
/// log holds, and after a crash <see cref="FragmentRestorer"/> puts back the ones not yet in a block.
/// Applies <c>max_bytes_per_trace</c> against the persisted per-trace totals. A trace's summary is put once per batch,
/// with what the whole batch added. Keys go into the batches in key order per column family (<see cref="SortedPuts"/>).
/// Callers serialise calls (the store's apply lock); the decode/index work was done before, outside the lock.
/// </summary>
internal sealed class BatchApplier : IDisposable
{
    private readonly LiveStoreDatabase _db;
    private readonly LiveTraces _live;
    private readonly string _topic;
    private readonly long _maxBytesPerTrace;
    private readonly bool _fragmentsThroughWal;
    private readonly RocksWriteBatch _batch = new();
    private readonly RocksWriteBatch _fragments = new();
    private readonly WrittenKeyCache _writtenTagKeys = new();
    private readonly SortedPuts _fragmentPuts = new();
    private readonly SortedPuts _indexPuts = new();
    private readonly SortedPuts _recordPuts = new();
    private readonly List<(LiveTrace Trace, int KeyStart, int KeyLength)> _touched = [];
    private byte[] _summaryKeys = new byte[16 * 1024];
    private int _summaryKeysUsed;
    private long _batchNumber;
    private readonly Dictionary<int, byte[]> _offsetKeys = [];
    private byte[] _key = new byte[1024];

    /// <param name="fragmentsThroughWal">Write the fragments through the WAL too (a store that never cuts blocks: the log may
    /// no longer hold them when a crash calls for them).</param>
    public BatchApplier(LiveStoreDatabase db, LiveTraces live, string topic, long maxBytesPerTrace, bool fragmentsThroughWal)
    {
        _fragmentsThroughWal = fragmentsThroughWal;
        _db = db;
        _live = live;
        _topic = topic;
        _maxBytesPerTrace = maxBytesPerTrace;
    }

    /// <summary>Spans discarded by the last <see cref="Apply"/>, per tenant (for the discard metric).</summary>
    public Dictionary<string, long> DiscardedSpans { get; } = new(StringComparer.Ordinal);

    public long StoredSpans { get; private set; }

    /// <summary>The tag-index keys this applier wrote (recently; by hash): preparers skip building them.</summary>
    public WrittenKeyCache WrittenTagKeys => _writtenTagKeys;

    public void Apply(PreparedBatch prepared, long nowTicks)
    {
        _batch.Clear();
        _fragments.Clear();
        DiscardedSpans.Clear();
        StoredSpans = 0;
        _batchNumber++;
        try
        {
            var next = 0;
            foreach (var record in prepared.RecordsRead)
            {
                var stored = 0;
                for (; next < prepared.Fragments.Count && prepared.Fragments[next].Offset == record.Offset; next++)
                {
                    if (ApplyFragment(prepared, prepared.Fragments[next], nowTicks)) stored++;
                }
                AddRecordToLedger(prepared.Partition, record, stored);
            }
            // The ledger's fragment entries went in as they came, already in key order; the record entries follow
            // (each run ascending, not interleaved).
            _recordPuts.PutSorted(_batch, _db.Ledger);
            StageSummaries();
            _indexPuts.PutSorted(_batch, _db.Index);
            _fragmentPuts.PutSorted(_fragmentsThroughWal ? _batch : _fragments, _db.Traces);

            Span<byte> offset = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(offset, prepared.NextOffset);
            _batch.Put(_db.Meta, OffsetKey(prepared.Partition), offset);
            // Fragments first: a reader that sees a trace's summary or ledger entry finds its fragments. (Through the WAL
            // they are in _batch itself, committed with everything else.)
            if (!_fragmentsThroughWal)
            {
                _db.Db.WriteWithoutWal(_fragments);
            }
            _db.Db.Write(_batch);
        }
        catch
        {
            // Cached summaries and "already written" keys may now be ahead of the database: forget them.
            _live.Clear();
            _writtenTagKeys.Clear();
            _fragmentPuts.Clear();
            _indexPuts.Clear();
            _recordPuts.Clear();
            _touched.Clear();
            _summaryKeysUsed = 0;
            throw;
        }
    }

    /// <summary>The ledger entry of a record (every record, also one whose fragments were all dropped: a block cut counts it).</summary>
    private void AddRecordToLedger(int partition, in PreparedRecord record, int storedFragments)
    {
        Span<byte> key = stackalloc byte[LiveStoreKeys.RecordKeyLength];
        Span<byte> value = stackalloc byte[LiveStoreKeys.RecordValueLength];
        LiveStoreKeys.WriteRecordKey(key, partition, record.Offset);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(value, record.TimestampUnixMs);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(value[8..], record.Bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(value[12..], storedFragments);
        _recordPuts.Add(key, value);
    }

    /// <summary>Stores one fragment (false when <c>max_bytes_per_trace</c> discards it).</summary>
    private bool ApplyFragment(PreparedBatch prepared, in PreparedFragment fragment, long nowTicks)
    {
        var tenantPrefix = fragment.Tenant.Prefix;
        var traceId = fragment.TraceId.Span;
        var liveKey = new LiveTraceKey(fragment.Tenant.Tenant, TraceId.FromBytes(traceId));
        if (!_live.TryGet(liveKey, out var trace))
        {
            trace = _live.Add(liveKey, ReadSummary(tenantPrefix, traceId), nowTicks);
        }

        var size = fragment.Bytes.Length;
        if (_maxBytesPerTrace > 0 && trace.Summary.Bytes + size > _maxBytesPerTrace)
        {
            DiscardedSpans[fragment.Tenant.Tenant] = DiscardedSpans.GetValueOrDefault(fragment.Tenant.Tenant) + fragment.Spans;
            return false;
        }

        EnsureKeyCapacity(2 * (tenantPrefix.Length + LiveStoreKeys.FragmentSuffixLength)); // the key, then the ledger value
        var length = LiveStoreKeys.WriteFragmentKey(_key, tenantPrefix, traceId, prepared.Partition, fragment.Offset, fragment.Index);
        _fragmentPuts.AddReferenced(_key.AsSpan(0, length), fragment.Bytes);
        Span<byte> ledgerKey = stackalloc byte[LiveStoreKeys.LedgerFragmentKeyLength];
        LiveStoreKeys.WriteLedgerFragmentKey(ledgerKey, prepared.Partition, fragment.Offset, fragment.Index);
        // value: tenant \0 traceID — the fragment key without partition, offset and index (those are in the ledger key) —
        // then the fragment's span count, so a cut knows what each trace holds without reading the fragments.
        var ledgerValue = _key.AsSpan(length, tenantPrefix.Length + 16 + 4);
        _key.AsSpan(0, tenantPrefix.Length + 16).CopyTo(ledgerValue);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ledgerValue[^4..], fragment.Spans);
        _batch.Put(_db.Ledger, ledgerKey, ledgerValue);

        trace.Summary.Include(fragment.StartUnixNanos, fragment.EndUnixNanos, size, fragment.Spans,
            new FragmentRef(prepared.Partition, fragment.Offset, fragment.Index));
        LiveTraces.Received(trace, nowTicks);
        if (trace.StagedInBatch != _batchNumber)
        {
            trace.StagedInBatch = _batchNumber;
            Touch(trace, tenantPrefix, traceId);
        }
        StoredSpans += fragment.Spans;

        var keys = prepared.TagKeys;
        for (var i = fragment.KeysFrom; i < fragment.KeysTo; i++)
        {
            if (_writtenTagKeys.TryClaim(keys.Hash(i)))
            {
                _indexPuts.Add(keys.Key(i), default);
            }
        }
        return true;
    }

    /// <summary>Remembers the summary key of a trace the batch changed; its summary is put once, at the end.</summary>
    private void Touch(LiveTrace trace, byte[] tenantPrefix, ReadOnlySpan<byte> traceId)
    {
        var length = tenantPrefix.Length + 17;
        if (_summaryKeysUsed + length > _summaryKeys.Length)
        {
            Array.Resize(ref _summaryKeys, Math.Max(_summaryKeys.Length * 2, _summaryKeysUsed + length));
        }
        length = LiveStoreKeys.WriteSummaryKey(_summaryKeys.AsSpan(_summaryKeysUsed), tenantPrefix, traceId);
        _touched.Add((trace, _summaryKeysUsed, length));
        _summaryKeysUsed += length;
    }

    private void StageSummaries()
    {
        foreach (var (trace, keyStart, keyLength) in _touched)
        {
            var summaryLength = trace.Summary.EncodedLength;
            EnsureKeyCapacity(summaryLength);
            trace.Summary.WriteTo(_key.AsSpan(0, summaryLength));
            _indexPuts.Add(_summaryKeys.AsSpan(keyStart, keyLength), _key.AsSpan(0, summaryLength));
        }
        _touched.Clear();
        _summaryKeysUsed = 0;
    }

    private TraceSummary ReadSummary(byte[] tenantPrefix, ReadOnlySpan<byte> traceId)
    {
        EnsureKeyCapacity(tenantPrefix.Length + 17);
        var length = LiveStoreKeys.WriteSummaryKey(_key, tenantPrefix, traceId);
        // Only traces not seen within max_trace_idle get here; for new ones the bloom filter answers without a read.
        var stored = _db.Db.Get(_db.Index, _key.AsSpan(0, length));
        return stored is null ? new TraceSummary() : TraceSummary.Read(stored);
    }

    private byte[] OffsetKey(int partition)
    {
        if (!_offsetKeys.TryGetValue(partition, out var key))
        {
            key = LiveStoreKeys.ConsumedOffsetKey(_topic, partition);
            _offsetKeys[partition] = key;
        }

        return key;
    }

    private void EnsureKeyCapacity(int length)
    {
        if (_key.Length < length)
        {
            _key = new byte[Math.Max(length, _key.Length * 2)];
        }
    }

    public void Dispose()
    {
        _batch.Dispose();
        _fragments.Dispose();
    }
}
