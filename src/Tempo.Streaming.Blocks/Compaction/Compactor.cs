using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Blocks.Backend;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Catalog;
using Tempo.Streaming.Blocks.Meta;
using Tempo.Streaming.Parquet;

namespace Tempo.Streaming.Blocks.Compaction;

/// <summary>
/// Merges a tenant's blocks and expires old ones (ARCHITECTURE.md §6, Tempo's tempodb compactor and retention). One run
/// per tenant: (1) live blocks already held by a compacted block are marked compacted (<see cref="SupersededBlocks"/>);
/// (2) <see cref="CompactionBlockSelector"/> groups the other live blocks by time window and level, and each group is
/// merged into one block whose ID derives from its inputs, then the inputs are marked compacted; (3) retention marks
/// live blocks past <see cref="CompactorOptions.BlockRetention"/> and deletes compacted blocks past
/// <see cref="CompactorOptions.CompactedBlockRetention"/>; (4) the tenant index is rebuilt.
/// A failing group (a corrupt input) is reported and skipped; the other groups and tenants go on. Run one compactor
/// per tenant at a time (Tempo shards tenants over compactors with a ring); two concurrent runs would not lose spans
/// but could write overlapping blocks.
///
/// <para><b>Crash safety</b> — a crash (process killed) at any point never loses or duplicates a span in query
/// results. Queriers read live blocks (meta.json) and dedupe spans by (span ID, kind) across blocks, exactly as
/// compaction combines traces. Step by step for one compaction of inputs I into output O:</para>
/// <list type="number">
/// <item>While O's data.parquet, bloom and index are uploaded, before O's meta.json: nothing visible changed — a block
/// without meta.json does not exist; queries read I. The re-run selects the same I (the selection is a function of the
/// metas, the time and the options; a block that arrived since may join the group, giving another ID), writes O again
/// over the same keys (each put is atomic) or, if the group changed, leaves an orphan folder without meta.json that no
/// reader lists.</item>
/// <item>After O's meta.json, before the inputs are marked: queries that list blocks see O and I — each span twice,
/// removed by the span dedupe; queriers that use the tenant index see only I until it is rebuilt. The re-run's step
/// (1) finds every input inside O's ingest ranges and marks it (for inputs without lineage the selector picks the
/// same group again, finds O's meta and only marks the inputs).</item>
/// <item>Between an input's meta.compacted.json and the deletion of its meta.json: the input still counts as live (the
/// catalog reads meta.json first), the same as the previous case.</item>
/// <item>After the inputs are marked, before the tenant index is rebuilt: an older index still lists I as live, and
/// their objects are all still there — deletion waits for <see cref="CompactorOptions.CompactedBlockRetention"/>,
/// which must exceed the index poll interval. The re-run rebuilds the index.</item>
/// <item>Retention marks a live block past retention compacted (readable for the grace period, as in Tempo), and deletes a
/// compacted block's objects with meta.compacted.json last, so an interrupted delete is finished by the next run.</item>
/// </list>
/// </summary>
public sealed partial class Compactor
{
    private readonly CompactorOptions _options;
    private readonly ILogger _logger;
    private readonly ILogger<BlockWriter> _writerLogger;
    // Inputs are read once from start to end: caching their pages would only evict the pages queries reuse.
    private readonly PageCache _noCache = new(0);

    public Compactor(CompactorOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? CompactorOptions.Default;
        _options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<Compactor>();
        _writerLogger = loggerFactory.CreateLogger<BlockWriter>();
    }

    /// <summary>
    /// Work that goes first when it shares the process (the single binary's block cuts): merges pause while it is held.
    /// Null: never pause.
    /// </summary>
    public CompactionGate? Gate { get; init; }

    /// <summary>The validated options (the host reads <see cref="CompactorOptions.CompactionCycle"/> for its loop).</summary>
    public CompactorOptions Options => _options;

    /// <summary>One pass over every tenant of <paramref name="store"/>; <paramref name="now"/> drives windows, retention and compactedTime.</summary>
    public async Task<CompactionSummary> RunOnceAsync(IObjectStore store, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var tenants = await BlockCatalog.ResolveTenantsAsync(store, onlyTenant: null, cancellationToken).ConfigureAwait(false);
        var summary = CompactionSummary.Empty;
        foreach (var tenant in tenants)
        {
            try
            {
                summary = summary.Plus(await RunTenantAsync(store, tenant, now, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // A tenant whose listing or index write fails (backend trouble) must not stop the others.
                CompactionLogMessages.TenantFailed(_logger, tenant, e.Message, e);
                CompactionMetrics.Errors.Add(1);
                summary = summary.Plus(CompactionSummary.Empty with
                {
                    Tenants = 1,
                    Errors = [new CompactionError(tenant, null, $"tenant {tenant}: {e.Message}")],
                });
            }
        }
        return summary;
    }

    /// <summary>One pass over <paramref name="tenant"/>: superseded blocks, compactions, retention, tenant index.</summary>
    public async Task<CompactionSummary> RunTenantAsync(IObjectStore store, string tenant, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        BlockPaths.ValidateTenant(tenant);
        var tally = new Tally();

        var live = await ListLiveBlocksAsync(store, tenant, cancellationToken).ConfigureAwait(false);
        foreach (var (block, coveredBy) in SupersededBlocks.Find(live))
        {
            CompactionLogMessages.Superseded(_logger, tenant, block.BlockId, coveredBy.BlockId);
            await BlockMarking.MarkCompactedAsync(store, block, now, cancellationToken).ConfigureAwait(false);
            live.Remove(block);
            tally.Superseded++;
        }

        var compactable = live.FindAll(static meta => string.Equals(meta.Format, BlockMeta.VParquet4, StringComparison.Ordinal));
        foreach (var inputs in CompactionBlockSelector.Select(compactable, now, _options))
        {
            await CompactGroupAsync(store, CompactionJob.For(tenant, inputs), now, tally, cancellationToken).ConfigureAwait(false);
        }

        await ApplyRetentionAsync(store, tenant, now, tally, cancellationToken).ConfigureAwait(false);
        await TenantIndexBuilder.BuildAsync(store, tenant, cancellationToken: cancellationToken).ConfigureAwait(false);
        return tally.ToSummary();
    }

    private async Task<List<BlockMeta>> ListLiveBlocksAsync(IObjectStore store, string tenant, CancellationToken cancellationToken)
    {
        var live = new List<BlockMeta>();
        await foreach (var entry in BlockCatalog.ListBlocksAsync(store, tenant, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Meta is null)
            {
                CompactionLogMessages.Skipped(_logger, tenant, entry.BlockId, entry.Problem ?? "no usable meta");
            }
            else if (!entry.IsCompacted)
            {
                live.Add(entry.Meta);
            }
        }
        return live;
    }

    /// <summary>What one tenant's pass did so far.</summary>
    private sealed class Tally
    {
        public int BlocksIn { get; set; }
        public int BlocksOut { get; set; }
        public long Spans { get; set; }
        public long Bytes { get; set; }
        public long Combined { get; set; }
        public int Superseded { get; set; }
        public int RetentionMarked { get; set; }
        public int Deleted { get; set; }
        public List<CompactionError> Errors { get; } = [];

        public CompactionSummary ToSummary()
            => new(1, BlocksIn, BlocksOut, Spans, Bytes, Combined, Superseded, RetentionMarked, Deleted, Errors);
    }
}
