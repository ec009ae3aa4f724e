using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Parquet;
using Tempo.Streaming.Query.Traces;

namespace Tempo.Streaming.Query.Blocks;

/// <summary>
/// Trace by ID from the blocks in object storage (Tempo's querier <c>mode=blocks</c> path, tempodb <c>Find</c>): of
/// the tenant's live blocks in the <see cref="TenantBlockList"/>, those whose [startTime, endTime] overlaps the query
/// window and whose ID lies in the lookup's block-ID shard are asked concurrently (bounded); each block answers through
/// its cached <see cref="BlockReader"/> (bloom filter, index, row-group search). Every block holding the trace adds one
/// fragment — its copy as a marshalled <c>tempopb.Trace</c> — and the query layer combines the copies and removes
/// duplicate spans (a trace split across blocks, or held by both a block and the compacted block replacing it).
/// A block that cannot be read (corrupt, truncated, missing objects) is logged with its ID and the problem, counted,
/// and skipped: it never fails the lookup in the other blocks. A block deleted since the list was polled (compaction
/// retention) is skipped silently. A backend that fails outright (after its retries) fails the lookup, as the live-store
/// fan-out does: an answer that silently lacks every block would look like a complete trace.
/// </summary>
public sealed partial class BlockTraceSource : IBlockTraceFragmentSource, IDisposable
{
    /// <summary>Blocks whose failure is reported at Warning; later failures of the same blocks go to Debug.</summary>
    private const int MaxRemembered = 1024;

    private static readonly Guid BlockIdMax = new("ffffffff-ffff-ffff-ffff-ffffffffffff");

    private readonly IObjectStore _store;
    private readonly TenantBlockList _blocks;
    private readonly BlockTraceSourceOptions _options;
    private readonly ILogger _logger;
    private readonly BlockLookupMetrics _metrics;
    private readonly BlockReaderCache _readers;
    private readonly ConcurrentDictionary<(string Tenant, Guid BlockId), bool> _reported = new();

    /// <param name="store">The backend the blocks live in (the one <paramref name="blocks"/> polls).</param>
    /// <param name="blocks">The block list; this source only reads it.</param>
    /// <param name="options">Concurrency and reader-cache bounds; validated here.</param>
    /// <param name="logger">Skipped blocks: the first failure of a block at Warning, repeats and deletions at Debug.</param>
    /// <param name="meterFactory">Creates the meter <c>Tempo.Streaming.Query.BlockLookups</c>; null: an own meter.</param>
    /// <param name="pageCache">Decoded data pages shared by all blocks; null: <see cref="PageCache.Shared"/>.</param>
    public BlockTraceSource(IObjectStore store, TenantBlockList blocks, BlockTraceSourceOptions options, ILogger<BlockTraceSource> logger,
        IMeterFactory? meterFactory = null, PageCache? pageCache = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _store = store;
        _blocks = blocks;
        _options = options;
        _logger = logger;
        _metrics = new BlockLookupMetrics(meterFactory);
        _readers = new BlockReaderCache(new InspectedBytesStore(store), pageCache ?? PageCache.Shared, options.MaxOpenBlocks);
    }

    /// <summary>Every block of the tenant (no block-ID shard).</summary>
    public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        CancellationToken cancellationToken) =>
        FindTraceAsync(tenant, traceId, window, Guid.Empty, BlockIdMax, cancellationToken);

    /// <summary>
    /// The blocks whose ID lies in [<paramref name="blockStart"/>, <paramref name="blockEnd"/>] (inclusive, compared as
    /// the 16 bytes of the UUID as Tempo does; <see cref="Guid.Empty"/> and all-ones are the open ends).
    /// <see cref="TraceFragments.InspectedBytes"/> is the bytes this lookup read from the backend (cached reads are free).
    /// </summary>
    public async ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
        Guid blockStart, Guid blockEnd, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        if (traceId.Length != 16)
        {
            throw new ArgumentException($"a trace ID is 16 bytes, got {traceId.Length}", nameof(traceId));
        }

        var candidates = Candidates(_blocks.Metas(tenant), window, blockStart, blockEnd);
        if (candidates.Count == 0)
        {
            return TraceFragments.None;
        }

        _metrics.BlocksInspected.Add(candidates.Count, new KeyValuePair<string, object?>("tenant", tenant));
        using var inspected = InspectedBytesStore.BeginLookup();
        var found = new byte[]?[candidates.Count];
        if (candidates.Count == 1)
        {
            found[0] = await SearchBlockAsync(candidates[0], traceId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentBlocks, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, candidates.Count), parallel,
                async (i, token) => found[i] = await SearchBlockAsync(candidates[i], traceId, token).ConfigureAwait(false)).ConfigureAwait(false);
        }

        // In block-ID order, whatever order the blocks answered in: "first copy wins" in the combiner stays deterministic.
        var fragments = new List<ReadOnlyMemory<byte>>();
        foreach (var fragment in found)
        {
            if (fragment is not null)
            {
                fragments.Add(fragment);
            }
        }

        return new TraceFragments(fragments, inspected.Bytes);
    }

    public void Dispose() => _metrics.Dispose();

    /// <summary>Tempo's block filter (tempodb <c>includeBlock</c>): time overlap in whole seconds, then the ID shard.</summary>
    internal static List<BlockMeta> Candidates(ImmutableArray<BlockMeta> metas, QueryWindow window, Guid blockStart, Guid blockEnd)
    {
        Span<byte> start = stackalloc byte[16];
        Span<byte> end = stackalloc byte[16];
        Span<byte> id = stackalloc byte[16];
        blockStart.TryWriteBytes(start, bigEndian: true, out _);
        blockEnd.TryWriteBytes(end, bigEndian: true, out _);
        var candidates = new List<BlockMeta>();
        foreach (var meta in metas)
        {
            if (!window.Overlaps(UnixNanos(meta.StartTime), UnixNanos(meta.EndTime)))
            {
                continue;
            }

            meta.BlockId.TryWriteBytes(id, bigEndian: true, out _);
            if (id.SequenceCompareTo(start) < 0 || id.SequenceCompareTo(end) > 0)
            {
                continue;
            }

            candidates.Add(meta);
        }

        return candidates;
    }

    /// <summary>The block's copy of the trace (marshalled), or null when it has none or cannot be read.</summary>
    private async Task<byte[]?> SearchBlockAsync(BlockMeta meta, ReadOnlyMemory<byte> traceId, CancellationToken cancellationToken)
    {
        if (!string.Equals(meta.Format, BlockMeta.VParquet4, StringComparison.Ordinal))
        {
            // Tempo's older formats can sit in a shared bucket (the tenant index keeps them); they are not an error.
            BlockQueryLogMessages.BlockFormatUnsupported(_logger, meta.TenantId, meta.BlockId, meta.Format);
            return null;
        }

        return await GuardAsync(meta, async reader =>
        {
            var trace = await reader.FindTraceByIdAsync(traceId, cancellationToken).ConfigureAwait(false);
            return trace?.ToByteArray();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a read on the block's cached reader; a block deleted since the list was polled gives default silently, a
    /// damaged one (missing object, corrupt bytes) is logged, counted and gives default.
    /// </summary>
    private async Task<T?> GuardAsync<T>(BlockMeta meta, Func<BlockReader, Task<T?>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(_readers.Get(meta)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsMissingObject(e))
        {
            _readers.Remove(meta.TenantId, meta.BlockId);
            if (!await MetaExistsAsync(meta, cancellationToken).ConfigureAwait(false))
            {
                // Retention or a compaction's cleanup deleted the block after the list was polled: nothing was lost.
                BlockQueryLogMessages.BlockDeleted(_logger, meta.TenantId, meta.BlockId);
                return default;
            }

            Skip(meta, BlockLookupMetrics.ReasonMissingObject, e);
            return default;
        }
        catch (BlockCorruptException e)
        {
            _readers.Remove(meta.TenantId, meta.BlockId);
            Skip(meta, BlockLookupMetrics.ReasonCorrupt, e);
            return default;
        }
    }

    /// <summary>
    /// Whether meta.json is still there: without it the block is deleted (or being deleted), which is no error; with it,
    /// an object the block needs is missing, which is a damaged block.
    /// </summary>
    private async Task<bool> MetaExistsAsync(BlockMeta meta, CancellationToken cancellationToken)
    {
        try
        {
            await _store.GetSizeAsync(BlockPaths.Meta(meta.TenantId, meta.BlockId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ObjectNotFoundException)
        {
            return false;
        }
    }

    private void Skip(BlockMeta meta, string reason, Exception problem)
    {
        _metrics.BlockErrors.Add(1, new KeyValuePair<string, object?>("tenant", meta.TenantId), new KeyValuePair<string, object?>("reason", reason));
        if (_reported.Count >= MaxRemembered)
        {
            // Bounded memory; at worst a block is reported at Warning once more.
            _reported.Clear();
        }

        if (_reported.TryAdd((meta.TenantId, meta.BlockId), true))
        {
            BlockQueryLogMessages.BlockSkipped(_logger, meta.TenantId, meta.BlockId, problem.Message, problem);
        }
        else
        {
            BlockQueryLogMessages.BlockSkippedAgain(_logger, meta.TenantId, meta.BlockId, problem.Message);
        }
    }

    private static bool IsMissingObject(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is ObjectNotFoundException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Block times are whole seconds (Tempo keeps seconds in meta.json); times before 1970 clamp to 0.</summary>
    private static ulong UnixNanos(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        const long maxSeconds = (long)(ulong.MaxValue / 1_000_000_000UL);
        return seconds <= 0 ? 0 : seconds >= maxSeconds ? ulong.MaxValue : (ulong)seconds * 1_000_000_000UL;
    }
}
