using System.Diagnostics;
using Tempo.Streaming.Distributor.Regrouping;

namespace Tempo.Streaming.Distributor;

public sealed partial class TraceDistributor
{
    /// <summary>
    /// Appends every partition's records concurrently and returns once all appends completed. If any failed the push
    /// is refused as <see cref="PushRejectionReason.LogUnavailable"/> and the client retries it; records that other
    /// partitions already made durable are then written again (at-least-once, like Tempo on a partial Kafka failure),
    /// which the read path tolerates because it deduplicates spans.
    /// </summary>
    private async ValueTask AppendAllAsync(string tenant, List<PartitionBatch> batches, CancellationToken cancellationToken)
    {
        var appends = new ValueTask[batches.Count];
        for (var i = 0; i < appends.Length; i++)
        {
            appends[i] = AppendAsync(batches[i], cancellationToken);
        }

        Exception? firstFailure = null;
        var failedPartitions = 0;
        for (var i = 0; i < appends.Length; i++)
        {
            try
            {
                await appends[i].ConfigureAwait(false);
            }
            catch (Exception e)
            {
                firstFailure ??= e;
                failedPartitions++;
                if (e is not OperationCanceledException)
                {
                    _logger.AppendFailed(e, batches[i].Partition, tenant);
                }
            }
        }

        if (firstFailure is null)
        {
            return;
        }

        if (firstFailure is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the push was cancelled before the ingest log acknowledged it", firstFailure,
                cancellationToken);
        }

        throw new PushRejectedException(PushRejectionReason.LogUnavailable,
            $"the ingest log did not durably accept the push ({failedPartitions} of {batches.Count} partition appends failed:" +
            $" {firstFailure.Message}); retry the request", firstFailure);
    }

    private async ValueTask AppendAsync(PartitionBatch batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await _log.AppendAsync(batch.Partition, batch.Records, cancellationToken).ConfigureAwait(false);
        _metrics.WriteLatency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        _metrics.RecordsPerRequest.Record(batch.Records.Length);

        long bytes = 0;
        foreach (var record in batch.Records)
        {
            bytes += record.Value.Length;
        }

        var label = (uint)batch.Partition < (uint)_partitionLabels.Length ? _partitionLabels[batch.Partition] : "partition_" + batch.Partition;
        _metrics.WriteBytes.Add(bytes, new KeyValuePair<string, object?>("partition", label));
    }
}
