using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.Meta;

namespace Tempo.Streaming.Query.Blocks;

/// <summary>
/// The querier's view of the live (not compacted) blocks of every tenant, like Tempo's blocklist poller
/// (tempodb/blocklist/poller.go): every <see cref="TenantBlockListOptions.PollInterval"/> it reads each tenant's
/// <c>index.json.gz</c> when there is one that is not stale, else lists the tenant's block folders; a tenant that
/// disappears from the backend is dropped. A failed poll keeps the last good list (of one tenant, or of all when the
/// tenants cannot be listed) — a query then misses at most the blocks written since, never the ones it knew.
/// <see cref="Add"/> makes a block written by this process visible at once (single binary: the live store's flush),
/// without waiting for the next poll or for the compactor to put it into the tenant index.
/// Reads (<see cref="Metas"/>) take no lock: they see an immutable snapshot that polls and adds replace whole.
/// </summary>
public sealed partial class TenantBlockList : IDisposable
{
    private readonly IObjectStore _store;
    private readonly TenantBlockListOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BlockListMetrics _metrics;

    // One poll at a time: RefreshAsync from a caller and the background loop must not publish results out of order.
    private readonly SemaphoreSlim _pollGate = new(1, 1);

    // Guards _polled and _added, and the publication of _view built from them.
    private readonly Lock _lock = new();
    private Dictionary<string, PolledTenant> _polled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<Guid, AddedBlock>> _added = new(StringComparer.Ordinal);
    // Never modified once published.
    private volatile Dictionary<string, ImmutableArray<BlockMeta>> _view = new(StringComparer.Ordinal);
    private long _lastPollTicks = -1;

    /// <param name="store">The backend the blocks live in.</param>
    /// <param name="options">Poll settings; validated here.</param>
    /// <param name="logger">Poll failures (Warning), dropped tenants (Information), per-tenant results (Debug).</param>
    /// <param name="meterFactory">Creates the meter <c>Tempo.Streaming.Query.BlockList</c>; null: an own meter.</param>
    /// <param name="time">Clock for poll scheduling, tenant-index age and added-block retention.</param>
    public TenantBlockList(IObjectStore store, TenantBlockListOptions options, ILogger<TenantBlockList> logger,
        IMeterFactory? meterFactory = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _store = store;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _metrics = new BlockListMetrics(meterFactory, ObserveLengths);
    }

    /// <summary>The tenants that currently have live blocks.</summary>
    public IReadOnlyCollection<string> Tenants => _view.Keys;

    /// <summary>When the last poll finished (whatever its per-tenant outcome); null before the first one.</summary>
    public DateTimeOffset? LastPoll
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastPollTicks);
            return ticks < 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>The live blocks of <paramref name="tenant"/> (sorted by block ID), empty when it has none.</summary>
    public ImmutableArray<BlockMeta> Metas(string tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return _view.TryGetValue(tenant, out var metas) ? metas : [];
    }

    /// <summary>
    /// Lists a block this process has just written (its meta.json is durable) without waiting for a poll. It stays
    /// listed until a poll shows it (then the poll's view of it, live or compacted, wins) or, if no poll ever does,
    /// for <see cref="TenantBlockListOptions.AddedBlockRetention"/>.
    /// </summary>
    public void Add(BlockMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        BlockPaths.ValidateTenant(meta.TenantId);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_polled.TryGetValue(meta.TenantId, out var polled) && polled.LiveIds.Contains(meta.BlockId))
            {
                return;
            }

            if (!_added.TryGetValue(meta.TenantId, out var added))
            {
                added = [];
                _added.Add(meta.TenantId, added);
            }

            added[meta.BlockId] = new AddedBlock(meta, now);
            PublishLocked();
        }
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _pollGate.Dispose();
    }

    /// <summary>Rebuilds the snapshot: each tenant's polled live blocks plus the added ones no poll has shown yet.</summary>
    private void PublishLocked()
    {
        var view = new Dictionary<string, ImmutableArray<BlockMeta>>(StringComparer.Ordinal);
        foreach (var (tenant, polled) in _polled)
        {
            if (polled.Live.Length > 0)
            {
                view[tenant] = polled.Live;
            }
        }

        foreach (var (tenant, added) in _added)
        {
            _polled.TryGetValue(tenant, out var polled);
            var merged = ImmutableArray.CreateBuilder<BlockMeta>();
            if (polled is not null)
            {
                merged.AddRange(polled.Live);
            }

            foreach (var (blockId, block) in added)
            {
                if (polled is null || !polled.LiveIds.Contains(blockId))
                {
                    merged.Add(block.Meta);
                }
            }

            if (merged.Count > 0)
            {
                merged.Sort(ByBlockId);
                view[tenant] = merged.ToImmutable();
            }
        }

        _view = view;
    }

    private IEnumerable<Measurement<long>> ObserveLengths()
    {
        foreach (var (tenant, metas) in _view)
        {
            yield return new Measurement<long>(metas.Length, new KeyValuePair<string, object?>("tenant", tenant));
        }
    }

    private static readonly Comparison<BlockMeta> ByBlockId = (a, b) => a.BlockId.CompareTo(b.BlockId);

    /// <summary>One tenant's last good poll: its live blocks and the IDs of its live and compacted blocks.</summary>
    private sealed record PolledTenant(ImmutableArray<BlockMeta> Live, HashSet<Guid> LiveIds, HashSet<Guid> CompactedIds);

    private readonly record struct AddedBlock(BlockMeta Meta, DateTimeOffset AddedAt);
}
