using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// The two backend changes that retire a block, each ordered so that a crash in the middle leaves a state the next
/// run finishes and no reader ever sees a block without its data.
/// </summary>
internal static class BlockMarking
{
    /// <summary>
    /// Marks a live block compacted as Tempo's backends do: <c>meta.compacted.json</c> (the block's meta plus
    /// <c>compactedTime</c>) first, then <c>meta.json</c> deleted. A crash in between leaves both; the catalog reads
    /// meta.json first, so the block still counts as live and the next run marks it again (the second put overwrites
    /// the first). The data stays: queriers holding an older tenant index keep reading it until retention.
    /// </summary>
    public static async Task MarkCompactedAsync(IObjectStore store, BlockMeta meta, DateTimeOffset compactedTime, CancellationToken cancellationToken)
    {
        var compacted = new CompactedBlockMeta { Meta = meta, CompactedTime = compactedTime };
        await store.PutAsync(BlockPaths.CompactedMeta(meta.TenantId, meta.BlockId), BlockMetaJson.SerializeCompacted(compacted), cancellationToken)
            .ConfigureAwait(false);
        await store.DeleteAsync(BlockPaths.Meta(meta.TenantId, meta.BlockId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a compacted block's folder: every object except the metas first, <c>meta.compacted.json</c> last. A crash
    /// part way leaves the compacted meta, so the block is still listed as compacted and past retention, and the next
    /// run deletes the rest (deleting a missing object is not an error). Deleting the meta first instead would leave
    /// a folder without meta that no later pass recognises as a block.
    /// </summary>
    public static async Task DeleteBlockAsync(IObjectStore store, string tenant, Guid blockId, CancellationToken cancellationToken)
    {
        var metaKey = BlockPaths.Meta(tenant, blockId);
        var compactedKey = BlockPaths.CompactedMeta(tenant, blockId);
        await foreach (var key in store.ListAsync(BlockPaths.BlockFolder(tenant, blockId), cancellationToken).ConfigureAwait(false))
        {
            if (!string.Equals(key, metaKey, StringComparison.Ordinal) && !string.Equals(key, compactedKey, StringComparison.Ordinal))
            {
                await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }
        await store.DeleteAsync(metaKey, cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(compactedKey, cancellationToken).ConfigureAwait(false);
    }
}
