using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.LiveStore.Consumption;
using Tempo.Streaming.LiveStore.Flushing;
using Tempo.Streaming.LiveStore.Querying;
using Tempo.Streaming.LiveStore.Storage;
using Tempo.Streaming.RocksDb;

namespace Tempo.Streaming.LiveStore;

/// <summary>
/// The live store (ARCHITECTURE.md §5): consumes its partitions of the ingest log into RocksDB — each record's
/// fragments, index entries and the consumed offset in one atomic write — and serves recent trace-by-ID and tag
/// queries from it. Where a partition resumes: the offset this database stored (exactly-once across crashes), else the
/// consumer group's committed offset (a replica with an empty disk; offsets are committed once blocks are durable),
/// else the start of the log.
/// <para>
/// <c>max_live_traces_bytes</c>: in Tempo it bounds the memory live traces occupy. Here span data goes to RocksDB as
/// it is consumed, and the memory that holds recent trace data is RocksDB's memtables; the limit is their budget
/// (<c>db_write_buffer_size</c>, which makes RocksDB flush in time) and consumption pauses while they are full, so
/// acknowledged data waits, never drops. Counting Tempo's live-trace bytes instead would throttle consumption to
/// limit ÷ max_trace_idle (≈ 100k spans/s at the defaults) for memory this store does not use.
/// </para>
/// </summary>
public sealed class LiveTraceStore : ITraceFragmentSource, ITraceScanSource, ITagSource, IAsyncDisposable
{
    private static readonly long ExpireEveryTicks = TimeSpan.FromMilliseconds(250).Ticks;

    private readonly LiveStoreOptions _options;
    private readonly IIngestLog _log;
    private readonly ILogger _logger;
    private readonly LiveStoreDatabase _db;
    private readonly LiveStoreMetrics _metrics;
    private readonly LiveTraces _live;
    private readonly BatchApplier _applier;
    private readonly TraceReader _traces;
    private readonly TagIndexReader _tags;
    private readonly BlockFlusher? _flusher;
    private readonly SemaphoreSlim _applyLock = new(1, 1);
    private readonly List<PartitionConsumer> _consumers = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private long _lastExpiryTicks;
    private int _paused;

    // Set while fragments lost by an unclean close may not be restored yet: closing then must not mark the close clean.
    private bool _restorePending;
    private int _disposed;

    private LiveTraceStore(LiveStoreOptions options, IIngestLog log, LiveStoreDatabase db, ILogger logger, IMeterFactory? meterFactory,
        BlockWriter? blockWriter)
    {
        _options = options;
        _log = log;
        _db = db;
        _logger = logger;
        _metrics = new LiveStoreMetrics(meterFactory);
        _live = new LiveTraces(options.MaxTraceIdle, options.MaxTraceLive);
        // A store that cuts blocks keeps the fragments out of the WAL (FragmentRestorer puts back what a crash loses, from
        // the log). One that never cuts keeps everything it consumed, also what the log's retention has removed since:
        // only the WAL can bring that back.
        var fragmentsThroughWal = blockWriter is null || !options.Flush.Enabled;
        _applier = new BatchApplier(db, _live, log.Topic, options.MaxBytesPerTrace, fragmentsThroughWal);
        _traces = new TraceReader(db);
        _tags = new TagIndexReader(db);
        if (blockWriter is not null)
        {
            var ledger = new RangeLedger(db);
            _flusher = new BlockFlusher(db, ledger, blockWriter, new FlushedRangeDeleter(db, _live, ledger), log, options.Flush,
                options.ConsumerGroup, options.DedicatedColumns, logger, _metrics);
        }
        UnflushedBytesProbe = db.UnflushedBytes;
        _metrics.ObserveLiveTraces(() => _live.Count, () => UnflushedBytesProbe());
    }

    /// <summary>Opens (or creates) the database and decides where each partition resumes; call <see cref="Start"/> to consume.</summary>
    /// <param name="blockWriter">Where cut blocks go; null = this store never flushes (it keeps everything it consumed).</param>
    public static async Task<LiveTraceStore> OpenAsync(LiveStoreOptions options, IIngestLog log, ILogger logger,
        IMeterFactory? meterFactory, CancellationToken cancellationToken, BlockWriter? blockWriter = null)
    {
        options.Flush.Validate();
        var db = LiveStoreDatabase.Open(options.Path, options.BlockCacheBytes, options.MaxLiveTracesBytes);
        LiveTraceStore? store = null;
        try
        {
            var closedCleanly = db.TakeClosedCleanly();
            store = new LiveTraceStore(options, log, db, logger, meterFactory, blockWriter) { _restorePending = !closedCleanly };
            var partitions = options.Partitions.Count > 0 ? options.Partitions : Enumerable.Range(0, log.PartitionCount).ToArray();
            foreach (var partition in partitions)
            {
                if (partition < 0 || partition >= log.PartitionCount)
                {
                    throw new ArgumentException($"partition {partition} does not exist: the ingest log {log.Topic} has {log.PartitionCount}");
                }

                var (offset, source) = await store.ResumeOffsetAsync(partition, cancellationToken);
                Log.PartitionResumes(logger, options.Path, partition, offset, source);
                if (store._flusher is { } flusher)
                {
                    flusher.InitializeFlushedOffset(partition, offset);
                    await flusher.CommitFlushedOffsetAsync(partition, cancellationToken);
                }
                if (!closedCleanly)
                {
                    await new FragmentRestorer(db, log, logger).RestoreAsync(partition, offset, cancellationToken);
                }
                store._consumers.Add(new PartitionConsumer(store, log, partition, offset, options, logger));
            }
            store._restorePending = false;

            store._metrics.ObserveLag(store.MeasureLag);
            return store;
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }
            else
            {
                db.Dispose();
            }

            throw;
        }
    }

    /// <summary>The consumer group this store commits flushed offsets to.</summary>
    public string ConsumerGroup => _options.ConsumerGroup;

    /// <summary>The partitions this store consumes.</summary>
    public IReadOnlyList<int> Partitions => _consumers.Select(c => c.Partition).ToArray();

    /// <summary>Starts one consumer per partition.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        foreach (var consumer in _consumers)
        {
            _running.Add(Task.Run(() => consumer.RunAsync(_stopping.Token)));
        }
        _running.Add(Task.Run(() => TrimNativeHeapLoopAsync(_stopping.Token)));
        if (_flusher is not null && _options.Flush.Enabled)
        {
            _running.Add(Task.Run(() => FlushLoopAsync(_stopping.Token)));
            _running.Add(Task.Run(() => DeletionLoopAsync(_stopping.Token)));
        }
    }

    /// <summary>
    /// Held while this store's flush loop cuts, so a compactor in the same process pauses its merges and the cuts keep
    /// up with consumption (the single binary); null when no compactor shares the process.
    /// </summary>
    public Blocks.Compaction.CompactionGate? CompactionGate { get; set; }

    /// <summary>Called with every block this store's flush wrote.</summary>
    public Action<BlockMeta>? BlockWritten
    {
        get => _flusher?.BlockWritten;
        set
        {
            if (_flusher is not null) _flusher.BlockWritten = value;
        }
    }

    /// <summary>
    /// Cuts everything consumed so far into blocks now, every partition (<c>/flush</c>). Ranges are per partition and hold
    /// every tenant's spans, so a flush for one tenant flushes the others' records of the same ranges too.
    /// </summary>
    /// <exception cref="InvalidOperationException">This store does not write blocks.</exception>
    public async Task<IReadOnlyList<FlushResult>> FlushAsync(CancellationToken cancellationToken)
    {
        var flusher = _flusher ?? throw new InvalidOperationException("this live store does not write blocks (no backend is configured for it)");
        var results = new List<FlushResult>();
        foreach (var consumer in _consumers)
        {
            // The first cut may resume an interrupted one (its range ends earlier); the next takes the rest.
            while (await flusher.CutNextAsync(consumer.Partition, consumer.NextOffset, force: true, DateTimeOffset.UtcNow, cancellationToken) is { } result)
            {
                results.Add(result);
            }
        }
        return results;
    }

    /// <summary>
    /// What the lineage audit needs from this store, per partition it consumes: the log's start and high watermark, the
    /// group's committed offset, the flushed offset, and the flushed ranges that held no span (no block covers them).
    /// </summary>
    public async Task<IReadOnlyList<Blocks.Lineage.PartitionOffsets>> LineageOffsetsAsync(CancellationToken cancellationToken)
    {
        var result = new List<Blocks.Lineage.PartitionOffsets>(_consumers.Count);
        foreach (var consumer in _consumers)
        {
            var partition = consumer.Partition;
            result.Add(new Blocks.Lineage.PartitionOffsets(_log.Topic, partition)
            {
                LogStartOffset = await _log.GetLogStartOffsetAsync(partition, cancellationToken),
                HighWatermark = await _log.GetHighWatermarkAsync(partition, cancellationToken),
                CommittedOffset = await _log.GetCommittedAsync(_options.ConsumerGroup, partition, cancellationToken),
                FlushedOffset = _flusher is null ? null : _db.ReadFlushedOffset(_log.Topic, partition),
                EmptyRanges = _flusher is null ? [] : _flusher.EmptyRanges(partition),
            });
        }
        return result;
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        var flusher = _flusher!;
        using var timer = new PeriodicTimer(_options.Flush.CheckInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            // Partitions far behind may each owe several blocks of max_block_bytes. They take turns, one cut each, back of
            // the queue after it, until none is due: cutting one partition until it is caught up would starve the others
            // for as long as its records keep arriving faster than it is cut. concurrent_flushes workers take the next
            // partition as soon as they finish one, so none waits for the slowest cut of a round (rounds left a worker
            // idle at the end of each, and with deletions in the same turn the cuts fell to 2/3 of the ingest target).
            var owing = new Queue<PartitionConsumer>(_consumers);
            var workers = new Task[Math.Min(_options.Flush.ConcurrentFlushes, owing.Count)];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => CutWhileOwingAsync(flusher, owing, cancellationToken), cancellationToken);
            }
            await Task.WhenAll(workers);
        }
    }

    /// <summary>One flush worker: cuts the partition at the head of <paramref name="owing"/> and queues it again while it owes.</summary>
    private async Task CutWhileOwingAsync(BlockFlusher flusher, Queue<PartitionConsumer> owing, CancellationToken cancellationToken)
    {
        while (true)
        {
            PartitionConsumer consumer;
            lock (owing)
            {
                if (!owing.TryDequeue(out consumer!))
                {
                    return;
                }
            }
            if (await CutOnceAsync(flusher, consumer, cancellationToken))
            {
                lock (owing)
                {
                    owing.Enqueue(consumer);
                }
            }
        }
    }

    /// <summary>One due cut of the partition; false when none was due or it failed.</summary>
    private async Task<bool> CutOnceAsync(BlockFlusher flusher, PartitionConsumer consumer, CancellationToken cancellationToken)
    {
        using var compactionPaused = CompactionGate?.Hold();
        try
        {
            return await flusher.CutNextAsync(consumer.Partition, consumer.NextOffset, force: false, DateTimeOffset.UtcNow, cancellationToken) is not null;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Logged and counted by the flusher; the same range is retried on the next tick.
            return false;
        }
    }

    /// <summary>
    /// Deletes flushed ranges once their <c>complete_block_timeout</c> has passed, apart from the cuts: a deletion waits
    /// for the apply lock, and in a flush worker's turn that wait and the deletion took a quarter of the workers' time.
    /// </summary>
    /// <summary>
    /// Every <see cref="NativeHeapTrimInterval"/>, hands the C heap's free pages back to the system (see
    /// <see cref="NativeHeap"/>): without it the RSS of a busy store grows with the heap's fragmentation, not its use.
    /// </summary>
    private async Task TrimNativeHeapLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(NativeHeapTrimInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (!NativeHeap.TryTrim())
            {
                return;
            }
        }
    }

    // A trim walks every arena under its lock for a few milliseconds; every 10 s keeps RSS within seconds of use.
    private static readonly TimeSpan NativeHeapTrimInterval = TimeSpan.FromSeconds(10);

    private async Task DeletionLoopAsync(CancellationToken cancellationToken)
    {
        var flusher = _flusher!;
        using var timer = new PeriodicTimer(_options.Flush.CheckInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var consumer in _consumers)
            {
                try
                {
                    await DeleteFlushedRangesAsync(flusher, consumer.Partition, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.DeleteFailed(_logger, e, consumer.Partition);
                }
            }
        }
    }

    private async Task DeleteFlushedRangesAsync(BlockFlusher flusher, int partition, CancellationToken cancellationToken)
    {
        foreach (var range in flusher.RangesToDelete(partition, DateTimeOffset.UtcNow))
        {
            await _applyLock.WaitAsync(cancellationToken);
            try
            {
                flusher.Delete(range);
            }
            finally
            {
                _applyLock.Release();
            }
        }
    }

    /// <summary>The next offset to consume of a partition: every record before it is queryable.</summary>
    public long GetConsumedOffset(int partition) =>
        _consumers.FirstOrDefault(c => c.Partition == partition)?.NextOffset
        ?? throw new ArgumentOutOfRangeException(nameof(partition), partition, "this live store does not consume that partition");

    /// <summary>RocksDB's memory by kind, for the benchmarks that watch the store's RSS.</summary>
    internal (long Memtables, long PinnedMemtables, long BlockCache, long TableReaders) RocksMemoryUsage() => _db.MemoryUsage();

    /// <summary>Reads the bytes not yet flushed to disk (a seam: tests stand in for RocksDB's flushing).</summary>
    internal Func<long> UnflushedBytesProbe { get; set; }

    public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        CancellationToken cancellationToken) =>
        ValueTask.FromResult(_traces.Find(tenant, traceId.Span, window));

    public IEnumerable<ScannedTrace> ScanTraces(string tenant, QueryWindow window, CancellationToken cancellationToken) =>
        _traces.Scan(tenant, window, cancellationToken);

    public ValueTask<TagNamesResult> GetTagNamesAsync(TagNamesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_tags.GetTagNames(query));

    public ValueTask<TagValuesResult> GetTagValuesAsync(TagValuesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_tags.GetTagValues(query));

    internal long? ReadConsumedOffset(int partition) => _db.ReadConsumedOffset(_log.Topic, partition);

    /// <summary>Tag-index keys recently written, by hash (the consumers' preparers skip building those).</summary>
    internal WrittenKeyCache WrittenTagKeys => _applier.WrittenTagKeys;

    internal async Task ApplyAsync(PreparedBatch prepared, CancellationToken cancellationToken)
    {
        foreach (var skipped in prepared.Skipped)
        {
            Log.RecordSkipped(_logger, prepared.Partition, skipped.Offset, skipped.Tenant, skipped.Error);
        }

        long stored;
        Dictionary<string, long>? discarded = null;
        await _applyLock.WaitAsync(cancellationToken);
        try
        {
            var now = Stopwatch.GetTimestamp();
            var nowTicks = (long)(now * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            ExpireIfDue(nowTicks);
            _applier.Apply(prepared, nowTicks);
            stored = _applier.StoredSpans;
            if (_applier.DiscardedSpans.Count > 0)
            {
                discarded = new Dictionary<string, long>(_applier.DiscardedSpans);
            }
        }
        finally
        {
            _applyLock.Release();
        }

        var partitionTag = new KeyValuePair<string, object?>("partition", prepared.Partition);
        _metrics.RecordsConsumed.Add(prepared.Records, partitionTag);
        _metrics.BytesConsumed.Add(prepared.RecordBytes, partitionTag);
        _metrics.SpansStored.Add(stored);
        foreach (var skipped in prepared.Skipped)
        {
            _metrics.DecodeFailures.Add(1, partitionTag);
            _metrics.DiscardedSpans.Add(skipped.Spans, Reason(LiveStoreMetrics.ReasonDecodingFailed), Tenant(skipped.Tenant));
        }

        if (discarded is not null)
        {
            foreach (var (tenant, spans) in discarded)
            {
                _metrics.DiscardedSpans.Add(spans, Reason(LiveStoreMetrics.ReasonTraceTooLarge), Tenant(tenant));
            }
        }
    }

    /// <summary>
    /// Waits while unflushed data is at <c>max_live_traces_bytes</c>. RocksDB flushes in the background (the budget
    /// triggers it), so this ends; if flushing is broken, RocksDB's own write errors surface in the consumer.
    /// </summary>
    internal async Task WaitForLiveCapacityAsync(CancellationToken cancellationToken)
    {
        var limit = _options.MaxLiveTracesBytes;
        if (limit <= 0)
        {
            return;
        }

        var unflushed = UnflushedBytesProbe();
        if (unflushed < limit)
        {
            return;
        }

        if (Interlocked.Exchange(ref _paused, 1) == 0)
        {
            _metrics.ConsumptionPauses.Add(1);
            Log.ConsumptionPaused(_logger, unflushed, limit);
        }

        while (UnflushedBytesProbe() >= limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        Interlocked.Exchange(ref _paused, 0);
    }

    private void ExpireIfDue(long nowTicks)
    {
        if (nowTicks - _lastExpiryTicks >= ExpireEveryTicks)
        {
            _lastExpiryTicks = nowTicks;
            _live.Expire(nowTicks);
        }
    }

    private async Task<(long Offset, string Source)> ResumeOffsetAsync(int partition, CancellationToken cancellationToken)
    {
        if (_db.ReadConsumedOffset(_log.Topic, partition) is { } stored)
        {
            return (stored, "stored in the live store");
        }

        if (await _log.GetCommittedAsync(_options.ConsumerGroup, partition, cancellationToken) is { } committed)
        {
            return (committed, $"committed offset of group {_options.ConsumerGroup}");
        }

        return (await _log.GetLogStartOffsetAsync(partition, cancellationToken), "start of the log");
    }

    private IEnumerable<Measurement<long>> MeasureLag()
    {
        var measurements = new List<Measurement<long>>(_consumers.Count);
        foreach (var consumer in _consumers)
        {
            var highWatermark = _log.GetHighWatermarkAsync(consumer.Partition, CancellationToken.None);
            if (highWatermark.IsCompletedSuccessfully)
            {
                measurements.Add(new Measurement<long>(Math.Max(0, highWatermark.Result - consumer.NextOffset),
                    new KeyValuePair<string, object?>("group", _options.ConsumerGroup),
                    new KeyValuePair<string, object?>("partition", consumer.Partition)));
            }
        }

        return measurements;
    }

    private static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);

    private static KeyValuePair<string, object?> Tenant(string tenant) => new("tenant", tenant);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running);
        }
        catch (OperationCanceledException)
        {
        }

        // Wait for an apply in flight, then close: every write either landed with its offset or not at all.
        await _applyLock.WaitAsync();
        _applier.Dispose();
        if (_restorePending)
        {
            _db.Dispose(); // left unmarked: the next open restores again
        }
        else
        {
            try
            {
                _db.CloseCleanly();
            }
            catch (RocksDbException e)
            {
                // Not marked clean: the next open restores the fragments from the log.
                Log.UncleanClose(_logger, e, _options.Path);
                _db.Dispose();
            }
        }
        _metrics.Dispose();
        _stopping.Dispose();
        Log.Closed(_logger, _options.Path);
    }
}
