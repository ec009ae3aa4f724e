using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>What one block write produced.</summary>
/// <param name="Meta">The block's meta.json (the existing one when the block was already there).</param>
/// <param name="Written">False when meta.json already existed and nothing was written (ARCHITECTURE.md §1 invariant 2).</param>
public sealed record BlockWriteResult(BlockMeta Meta, bool Written)
{
    /// <summary>Spans written into the block (0 when <see cref="Written"/> is false).</summary>
    public long Spans { get; init; }
}

/// <summary>
/// Writes vParquet4 blocks. A cut block holds one tenant's spans from one ingest-log range (ARCHITECTURE.md §6): the
/// writer combines the fragments of each trace, sorts traces by ID, writes <c>data.parquet</c> with row groups cut by
/// size (staged in a temp file, then one atomic put), the bloom shards, the <c>index</c> (largest trace ID per row group), and <c>meta.json</c> LAST —
/// a block without meta.json does not exist. The block ID is the UUIDv5 of the lineage, so writing the same range
/// twice finds the first meta.json and writes nothing. Compacted blocks (<see cref="WriteCompactedAsync"/>) are
/// streamed from already sorted traces; the encoding and upload steps are shared (BlockWriter.Data.cs).
/// Thread-safe: each call uses its own row writer and buffers.
/// </summary>
public sealed partial class BlockWriter
{
    private readonly IObjectStore _store;
    private readonly BlockWriterOptions _options;
    private readonly ParquetWriterOptions _parquetOptions;
    private readonly ILogger _logger;

    public BlockWriter(IObjectStore store, BlockWriterOptions? options = null, ILogger<BlockWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? BlockWriterOptions.Default;
        _options.Validate();
        _parquetOptions = VParquet4WriterOptions.Create(_options.Compression, _options.CompressionLevel);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Whether the streaming <see cref="WriteAsync(string, IngestLineage, IReadOnlyList{DedicatedColumn}, ITraceFragmentGroups, TraceGroupSurvey, CancellationToken)"/>
    /// enumerates the groups only once, for the rows, given a survey <see cref="TraceGroupSurvey.FromStoredCounts">from stored
    /// counts</see> (with <see cref="BlockWriterOptions.AutoDedicatedColumns"/> it also surveys exactly and samples first).
    /// </summary>
    public bool ReadsGroupsOnce => !_options.AutoDedicatedColumns;

    /// <summary>
    /// Writes the block of <paramref name="tenant"/> holding <paramref name="fragments"/> (any order, several fragments
    /// per trace allowed), or finds it already written. <paramref name="lineage"/> names the log range and gives the
    /// block ID; <paramref name="dedicatedColumns"/> (the tenant's configured ones) take the spare columns first, then,
    /// with <see cref="BlockWriterOptions.AutoDedicatedColumns"/>, the block's most frequent string attributes fill the
    /// rest; meta.json records the final list.
    /// </summary>
    /// <exception cref="ArgumentException">No fragment holds a span (an empty block is never written).</exception>
    public async Task<BlockWriteResult> WriteAsync(string tenant, IngestLineage lineage, IReadOnlyList<DedicatedColumn> dedicatedColumns,
        IEnumerable<TraceFragment> fragments, CancellationToken cancellationToken = default)
    {
        BlockPaths.ValidateTenant(tenant);
        ArgumentNullException.ThrowIfNull(lineage);
        ArgumentNullException.ThrowIfNull(dedicatedColumns);
        ArgumentNullException.ThrowIfNull(fragments);

        var (blockId, existing) = await FindExistingAsync(tenant, lineage, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }

        var combiner = new TraceFragmentCombiner();
        foreach (var fragment in fragments)
        {
            combiner.Add(fragment);
        }
        var traces = combiner.SortedTraces();
        if (traces.Count == 0)
        {
            throw new ArgumentException(
                $"block for tenant '{tenant}' from {lineage.Topic}/{lineage.Partition} offsets {lineage.FirstOffset}..{lineage.LastOffset} has no spans; an empty block is never written");
        }

        if (_options.AutoDedicatedColumns)
        {
            dedicatedColumns = DedicatedColumnSelector.Select(dedicatedColumns, traces, static entry => entry.Trace);
        }

        var meta = NewLiveBlockMeta(tenant, blockId, dedicatedColumns, lineage);
        var sorted = traces.Select(static entry => new SortedRow(entry.Id, EncodedTrace.Of(entry.Trace))).ToAsyncEnumerable();
        return await WriteBlockAsync(meta, sorted, traces.Count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the block of <paramref name="tenant"/> from <paramref name="traces"/> one trace at a time, or finds it
    /// already written: the same file the list overload writes from the same fragments, in memory bounded by a row
    /// group instead of the block. <paramref name="survey"/> is <see cref="TraceGroupSurvey.Take"/> or
    /// <see cref="TraceGroupSurvey.FromStoredCounts"/> of the same groups (the caller needs its span count for
    /// <paramref name="lineage"/> first).
    /// </summary>
    /// <exception cref="ArgumentException">No group holds a span (an empty block is never written).</exception>
    public async Task<BlockWriteResult> WriteAsync(string tenant, IngestLineage lineage, IReadOnlyList<DedicatedColumn> dedicatedColumns,
        ITraceFragmentGroups traces, TraceGroupSurvey survey, CancellationToken cancellationToken = default)
    {
        BlockPaths.ValidateTenant(tenant);
        ArgumentNullException.ThrowIfNull(lineage);
        ArgumentNullException.ThrowIfNull(dedicatedColumns);
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(survey);

        var (blockId, existing) = await FindExistingAsync(tenant, lineage, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }
        if (survey.Traces == 0)
        {
            throw new ArgumentException(
                $"block for tenant '{tenant}' from {lineage.Topic}/{lineage.Partition} offsets {lineage.FirstOffset}..{lineage.LastOffset} has no spans; an empty block is never written");
        }

        if (_options.AutoDedicatedColumns && DedicatedColumnSelector.HasFreeSlots(dedicatedColumns))
        {
            if (!survey.SpansExact)
            {
                survey = TraceGroupSurvey.Take(traces, cancellationToken); // the sample's stride needs the combined span count
            }
            dedicatedColumns = DedicatedColumnSelector.SelectFromSample(dedicatedColumns, survey.DedicatedColumnSample(traces));
        }

        var meta = NewLiveBlockMeta(tenant, blockId, dedicatedColumns, lineage);
        return await WriteBlockAsync(meta, survey.Combined(traces).ToAsyncEnumerable(), survey.Traces, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A block cut from the log: level 0, one copy of each span (Tempo 3 marks RF1 blocks with 1), its lineage.</summary>
    private static BlockMeta NewLiveBlockMeta(string tenant, Guid blockId, IReadOnlyList<DedicatedColumn> dedicatedColumns, IngestLineage lineage) => new()
    {
        Format = BlockMeta.VParquet4,
        BlockId = blockId,
        TenantId = tenant,
        CompactionLevel = 0,
        ReplicationFactor = 1,
        DedicatedColumns = dedicatedColumns,
        Ingest = lineage,
    };

    /// <summary>The lineage's block ID, and the block when it is already written (writing it again is a no-op).</summary>
    private async Task<(Guid BlockId, BlockWriteResult? Existing)> FindExistingAsync(string tenant, IngestLineage lineage,
        CancellationToken cancellationToken)
    {
        var blockId = BlockId.FromLineage(tenant, lineage.Topic, lineage.Partition, lineage.FirstOffset, lineage.LastOffset);
        var existing = await TryReadMetaAsync(tenant, blockId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return (blockId, null);
        }
        BlockLogMessages.BlockExists(_logger, tenant, blockId);
        return (blockId, new BlockWriteResult(existing, Written: false));
    }

    private async Task<BlockMeta?> TryReadMetaAsync(string tenant, Guid blockId, CancellationToken cancellationToken)
    {
        var key = BlockPaths.Meta(tenant, blockId);
        byte[] json;
        try
        {
            json = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        return BlockMetaJson.Parse(json, key);
    }
}
