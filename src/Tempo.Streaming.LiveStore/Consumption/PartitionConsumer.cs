using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog;

namespace Tempo.Streaming.LiveStore.Consumption;

/// <summary>
/// Consumes one partition: fetch → decode and index (concurrently with other partitions) → apply under the store's
/// lock in one atomic RocksDB batch → continue after the last applied record. A failed fetch or write is logged and
/// retried with backoff from the offset the database last recorded, so a transient error can neither skip nor
/// duplicate a record.
/// </summary>
internal sealed class PartitionConsumer
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly LiveTraceStore _store;
    private readonly IIngestLog _log;
    private readonly LiveStoreOptions _options;
    private readonly ILogger _logger;
    private long _nextOffset;

    public PartitionConsumer(LiveTraceStore store, IIngestLog log, int partition, long startOffset, LiveStoreOptions options,
        ILogger logger)
    {
        _store = store;
        _log = log;
        Partition = partition;
        _nextOffset = startOffset;
        _options = options;
        _logger = logger;
    }

    public int Partition { get; }

    /// <summary>The next offset this consumer will read: every record before it is applied.</summary>
    public long NextOffset => Interlocked.Read(ref _nextOffset);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var prepared = new PreparedBatch(Partition);
        var preparer = new RecordPreparer(_store.WrittenTagKeys);
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var next = NextOffset;
                var records = await _log.ReadAsync(Partition, next, _options.FetchMaxRecords, _options.FetchMaxBytes, cancellationToken);
                if (records.Count == 0)
                {
                    await Task.Delay(_options.IdlePollInterval, cancellationToken);
                    continue;
                }

                // Checked with records in hand, so an idle partition's polling costs no memtable probes.
                await _store.WaitForLiveCapacityAsync(cancellationToken);

                if (records[0].Offset > next)
                {
                    Log.OffsetGap(_logger, Partition, next, records[0].Offset);
                }

                preparer.Prepare(records, prepared);
                await _store.ApplyAsync(prepared, cancellationToken);
                Interlocked.Exchange(ref _nextOffset, prepared.NextOffset);
                backoff = TimeSpan.FromMilliseconds(100);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.ConsumeFailed(_logger, e, Partition, NextOffset, (long)backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                if (_store.ReadConsumedOffset(Partition) is { } stored)
                {
                    Interlocked.Exchange(ref _nextOffset, stored);
                }
            }
        }
    }
}
