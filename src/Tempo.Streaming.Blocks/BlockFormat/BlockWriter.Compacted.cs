using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>
/// What a compacted block is besides its traces. <see cref="BlockId"/> is chosen by the compactor (a function of the
/// input blocks, so a re-run after a crash targets the same folder); <see cref="EstimatedTraces"/> (the inputs' object
/// count, an upper bound) sizes the bloom filter before the first trace is seen.
/// </summary>
public sealed record CompactedBlockDescriptor(
    Guid BlockId,
    int CompactionLevel,
    IReadOnlyList<IngestLineage> IngestRanges,
    IReadOnlyList<DedicatedColumn> DedicatedColumns,
    int ReplicationFactor,
    long EstimatedTraces);

public sealed partial class BlockWriter
{
    /// <summary>
    /// Writes the compacted block <paramref name="block"/> of <paramref name="tenant"/> from <paramref name="traces"/>,
    /// streamed: traces must come in ascending ID order, one per ID (already combined), and only the current row group
    /// is held in memory. When the block's meta.json already exists (a re-run after a crash that followed the write)
    /// nothing is read from <paramref name="traces"/> and nothing is written.
    /// </summary>
    /// <exception cref="ArgumentException">The traces are out of order or there are none.</exception>
    public async Task<BlockWriteResult> WriteCompactedAsync(string tenant, CompactedBlockDescriptor block, IAsyncEnumerable<SortedTrace> traces,
        CancellationToken cancellationToken = default)
    {
        BlockPaths.ValidateTenant(tenant);
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(block.IngestRanges);
        ArgumentNullException.ThrowIfNull(block.DedicatedColumns);
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(block.CompactionLevel);

        var existing = await TryReadMetaAsync(tenant, block.BlockId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            BlockLogMessages.BlockExists(_logger, tenant, block.BlockId);
            return new BlockWriteResult(existing, Written: false);
        }

        var meta = new BlockMeta
        {
            Format = BlockMeta.VParquet4,
            BlockId = block.BlockId,
            TenantId = tenant,
            CompactionLevel = block.CompactionLevel,
            ReplicationFactor = block.ReplicationFactor,
            DedicatedColumns = block.DedicatedColumns,
            IngestRanges = block.IngestRanges,
        };
        var rows = traces.Select(static trace => new SortedRow(trace.Id, VParquet4.EncodedTrace.Of(trace.Trace)));
        return await WriteBlockAsync(meta, rows, block.EstimatedTraces, cancellationToken).ConfigureAwait(false);
    }
}
