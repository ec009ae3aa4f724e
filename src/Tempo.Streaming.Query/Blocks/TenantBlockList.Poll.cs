using System.Diagnostics;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Query.Blocks;

public sealed partial class TenantBlockList
{
    private const string FromTenantIndex = "tenant index";
    private const string FromListing = "listing";

    /// <summary>
    /// Polls right away, then every <see cref="TenantBlockListOptions.PollInterval"/>, until
    /// <paramref name="stopping"/> is cancelled (the host runs this as its background loop; await it before
    /// <see cref="Dispose"/>).
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            do
            {
                await RefreshAsync(stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Polls the backend now and publishes the result. Backend failures do not throw: they are logged and counted
    /// (<c>tempodb_blocklist_poll_errors_total</c>) and the affected tenants keep their previous blocks.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _pollGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PollAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pollGate.Release();
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<string> tenants;
        try
        {
            tenants = await BlockCatalog.ResolveTenantsAsync(_store, onlyTenant: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Tempo counts a failed tenant listing under the empty tenant and keeps its whole previous list.
            _metrics.PollErrors.Add(1, new KeyValuePair<string, object?>("tenant", ""));
            BlockQueryLogMessages.TenantListingFailed(_logger, _store.Description, e.Message, e);
            MarkPolled();
            return;
        }

        Dictionary<Guid, BlockMeta>[] knownMetas;
        lock (_lock)
        {
            knownMetas = new Dictionary<Guid, BlockMeta>[tenants.Count];
            for (var i = 0; i < tenants.Count; i++)
            {
                knownMetas[i] = KnownMetasLocked(tenants[i]);
            }
        }

        var results = new PolledTenant?[tenants.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.TenantPollConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, tenants.Count), parallel,
            async (i, token) => results[i] = await PollTenantAsync(tenants[i], knownMetas[i], token).ConfigureAwait(false)).ConfigureAwait(false);

        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var next = new Dictionary<string, PolledTenant>(StringComparer.Ordinal);
            for (var i = 0; i < tenants.Count; i++)
            {
                if (results[i] is { } polled)
                {
                    if (polled.Live.Length > 0 || polled.CompactedIds.Count > 0)
                    {
                        next[tenants[i]] = polled;
                    }
                }
                else if (_polled.TryGetValue(tenants[i], out var kept))
                {
                    next[tenants[i]] = kept;
                }
            }

            foreach (var tenant in _polled.Keys)
            {
                if (!next.ContainsKey(tenant))
                {
                    BlockQueryLogMessages.TenantDropped(_logger, tenant);
                }
            }

            _polled = next;
            PruneAddedLocked(now);
            PublishLocked();
        }

        _metrics.PollDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        MarkPolled();
    }

    /// <summary>One tenant's blocks, or null when the poll failed (logged and counted; the caller keeps the old list).</summary>
    private async Task<PolledTenant?> PollTenantAsync(string tenant, Dictionary<Guid, BlockMeta> known, CancellationToken cancellationToken)
    {
        try
        {
            var index = await ReadFreshTenantIndexAsync(tenant, cancellationToken).ConfigureAwait(false);
            var polled = index is not null ? FromIndex(index) : await ListTenantAsync(tenant, known, cancellationToken).ConfigureAwait(false);
            BlockQueryLogMessages.TenantPolled(_logger, tenant, index is not null ? FromTenantIndex : FromListing, polled.Live.Length,
                polled.CompactedIds.Count);
            return polled;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.PollErrors.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
            int keptBlocks;
            lock (_lock)
            {
                keptBlocks = _polled.TryGetValue(tenant, out var kept) ? kept.Live.Length : 0;
            }

            BlockQueryLogMessages.TenantPollFailed(_logger, tenant, keptBlocks, e.Message, e);
            return null;
        }
    }

    /// <summary>
    /// The tenant index when it exists, parses and is not older than <see cref="TenantBlockListOptions.StaleTenantIndex"/>;
    /// otherwise null and the caller lists the blocks (Tempo's <c>blocklist_poll_fallback</c>). A missing index is the
    /// normal state until the compactor first writes one, so only unreadable or stale indexes count as errors.
    /// </summary>
    private async Task<TenantIndex?> ReadFreshTenantIndexAsync(string tenant, CancellationToken cancellationToken)
    {
        TenantIndex? index;
        try
        {
            index = await TenantIndexBuilder.ReadAsync(_store, tenant, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BlockMetaException or BackendException)
        {
            _metrics.TenantIndexErrors.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
            BlockQueryLogMessages.TenantIndexUnusable(_logger, tenant, e.Message);
            return null;
        }

        if (index is null)
        {
            return null;
        }

        var age = _time.GetUtcNow() - index.CreatedAt;
        if (_options.StaleTenantIndex > TimeSpan.Zero && age > _options.StaleTenantIndex)
        {
            _metrics.TenantIndexErrors.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
            BlockQueryLogMessages.TenantIndexUnusable(_logger, tenant,
                $"created at {index.CreatedAt:O}, {age} ago, older than StaleTenantIndex {_options.StaleTenantIndex}");
            return null;
        }

        return index;
    }

    private static PolledTenant FromIndex(TenantIndex index)
    {
        var live = new List<BlockMeta>(index.Metas.Count);
        var liveIds = new HashSet<Guid>();
        foreach (var meta in index.Metas)
        {
            if (liveIds.Add(meta.BlockId))
            {
                live.Add(meta);
            }
        }

        var compactedIds = new HashSet<Guid>();
        foreach (var compacted in index.CompactedMetas)
        {
            compactedIds.Add(compacted.Meta.BlockId);
        }

        return Polled(live, liveIds, compactedIds);
    }

    /// <summary>
    /// Lists the tenant's objects once and classifies each block folder by its marker: meta.json = live,
    /// meta.compacted.json alone = compacted, neither = not completely written yet (ARCHITECTURE.md §6: meta.json is
    /// written last). Like Tempo's poller, metas already known (last poll, added blocks) are reused and only new live
    /// blocks' meta.json are fetched, so a poll costs one listing instead of a GET per block. A folder holding both
    /// markers (a compactor stopped between marking and deleting meta.json) counts as live, as
    /// <see cref="BlockCatalog.ReadEntryAsync"/> sees it: duplicate spans are removed at query time, a missing block is not.
    /// </summary>
    private async Task<PolledTenant> ListTenantAsync(string tenant, Dictionary<Guid, BlockMeta> known, CancellationToken cancellationToken)
    {
        var withMeta = new HashSet<Guid>();
        var withCompactedMeta = new HashSet<Guid>();
        var tenantFolder = BlockPaths.TenantFolder(tenant);
        await foreach (var key in _store.ListAsync(tenantFolder, cancellationToken).ConfigureAwait(false))
        {
            if (TryParseMarker(key, tenantFolder, out var blockId, out var marker))
            {
                (marker == BlockPaths.MetaName ? withMeta : withCompactedMeta).Add(blockId);
            }
        }

        var live = new List<BlockMeta>(withMeta.Count);
        var liveIds = new HashSet<Guid>();
        var compactedIds = new HashSet<Guid>();
        foreach (var blockId in withMeta)
        {
            if (known.TryGetValue(blockId, out var meta))
            {
                live.Add(meta);
                liveIds.Add(blockId);
                continue;
            }

            // New block: read its meta (a race with the compactor may find it compacted, or gone, by now).
            var entry = await BlockCatalog.ReadEntryAsync(_store, tenant, blockId, cancellationToken).ConfigureAwait(false);
            if (entry.Meta is null)
            {
                BlockQueryLogMessages.BlockFolderSkipped(_logger, tenant, blockId, entry.Problem ?? "no usable meta");
            }
            else if (entry.IsCompacted)
            {
                compactedIds.Add(blockId);
            }
            else
            {
                live.Add(entry.Meta);
                liveIds.Add(blockId);
            }
        }

        foreach (var blockId in withCompactedMeta)
        {
            if (!liveIds.Contains(blockId))
            {
                compactedIds.Add(blockId);
            }
        }

        return Polled(live, liveIds, compactedIds);
    }

    /// <summary>True for <c>&lt;tenant&gt;/&lt;blockID&gt;/meta.json</c> and <c>.../meta.compacted.json</c>.</summary>
    private static bool TryParseMarker(string key, string tenantFolder, out Guid blockId, out string marker)
    {
        blockId = default;
        marker = "";
        if (!key.StartsWith(tenantFolder, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key.AsSpan(tenantFolder.Length);
        var slash = rest.IndexOf('/');
        if (slash < 0 || !Guid.TryParseExact(rest[..slash], "D", out blockId))
        {
            return false;
        }

        var name = rest[(slash + 1)..];
        if (name.SequenceEqual(BlockPaths.MetaName))
        {
            marker = BlockPaths.MetaName;
            return true;
        }

        if (name.SequenceEqual(BlockPaths.CompactedMetaName))
        {
            marker = BlockPaths.CompactedMetaName;
            return true;
        }

        return false;
    }

    private static PolledTenant Polled(List<BlockMeta> live, HashSet<Guid> liveIds, HashSet<Guid> compactedIds)
    {
        live.Sort(ByBlockId);
        return new PolledTenant([.. live], liveIds, compactedIds);
    }

    /// <summary>Metas this list already holds for a tenant (last poll and added blocks): a listing need not fetch them again.</summary>
    private Dictionary<Guid, BlockMeta> KnownMetasLocked(string tenant)
    {
        var known = new Dictionary<Guid, BlockMeta>();
        if (_polled.TryGetValue(tenant, out var polled))
        {
            foreach (var meta in polled.Live)
            {
                known[meta.BlockId] = meta;
            }
        }

        if (_added.TryGetValue(tenant, out var added))
        {
            foreach (var (blockId, block) in added)
            {
                known[blockId] = block.Meta;
            }
        }

        return known;
    }

    /// <summary>
    /// Forgets added blocks a poll now shows (live or compacted: from now on the poll's view is the truth) and added
    /// blocks no poll has shown within the retention (deleted before any poll saw them).
    /// </summary>
    private void PruneAddedLocked(DateTimeOffset now)
    {
        List<string>? emptied = null;
        foreach (var (tenant, added) in _added)
        {
            _polled.TryGetValue(tenant, out var polled);
            List<Guid>? seen = null;
            foreach (var (blockId, block) in added)
            {
                var shown = polled is not null && (polled.LiveIds.Contains(blockId) || polled.CompactedIds.Contains(blockId));
                if (shown || now - block.AddedAt > _options.AddedBlockRetention)
                {
                    (seen ??= []).Add(blockId);
                }
            }

            if (seen is not null)
            {
                foreach (var blockId in seen)
                {
                    added.Remove(blockId);
                }
            }

            if (added.Count == 0)
            {
                (emptied ??= []).Add(tenant);
            }
        }

        if (emptied is not null)
        {
            foreach (var tenant in emptied)
            {
                _added.Remove(tenant);
            }
        }
    }

    private void MarkPolled() => Interlocked.Exchange(ref _lastPollTicks, _time.GetUtcNow().UtcTicks);
}
