using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Catalog;

namespace Tempo.Streaming.Blocks.Compaction;

// Retention, as Tempo's retainTenant: live blocks past block retention are marked compacted (not deleted at once, so
// queriers holding an older tenant index keep a grace period), compacted blocks past the compacted block retention
// are deleted. A block that fails is reported and the others go on.
public sealed partial class Compactor
{
    private async Task ApplyRetentionAsync(IObjectStore store, string tenant, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        var liveCutoff = now - _options.BlockRetention;
        var compactedCutoff = now - _options.CompactedBlockRetention;
        // Listed again (the compactions just marked their inputs), and in full before anything is deleted: a listing
        // is not guaranteed to stay consistent while the folders it walks disappear.
        var entries = new List<CatalogEntry>();
        await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }
        foreach (var entry in entries)
        {
            if (entry.Meta is not { } meta)
            {
                continue;
            }
            try
            {
                if (entry.CompactedTime is { } compactedTime)
                {
                    if (compactedTime < compactedCutoff)
                    {
                        CompactionLogMessages.Deleting(_logger, tenant, meta.BlockId, compactedTime);
                        await BlockMarking.DeleteBlockAsync(store, tenant, entry.BlockId, cancellationToken).ConfigureAwait(false);
                        CompactionMetrics.Deleted.Add(1);
                        tally.Deleted++;
                    }
                }
                else if (meta.EndTime < liveCutoff)
                {
                    CompactionLogMessages.MarkedForDeletion(_logger, tenant, meta.BlockId, meta.EndTime);
                    await BlockMarking.MarkCompactedAsync(store, meta, now, cancellationToken).ConfigureAwait(false);
                    CompactionMetrics.MarkedForDeletion.Add(1);
                    tally.RetentionMarked++;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                CompactionLogMessages.RetentionFailed(_logger, tenant, entry.BlockId, e.Message, e);
                CompactionMetrics.RetentionErrors.Add(1);
                tally.Errors.Add(new CompactionError(tenant, entry.BlockId, $"retention of block {tenant}/{entry.BlockId:D} failed: {e.Message}"));
            }
        }
    }
}
