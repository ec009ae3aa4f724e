namespace Tempo.Streaming.Query.Blocks;

/// <summary>How a <see cref="TenantBlockList"/> polls the backend (Tempo's <c>storage.trace.blocklist_poll*</c> settings).</summary>
public sealed record TenantBlockListOptions
{
    public static TenantBlockListOptions Default { get; } = new();

    /// <summary>
    /// How often the block list is read again (Tempo's <c>blocklist_poll</c>, default 5m there). Shorter here: each
    /// partition cuts a block every few minutes, and a block the querier does not know about yet is only found while
    /// the live store still holds its records (<c>complete_block_timeout</c>).
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A tenant index older than this is not trusted and the tenant's blocks are listed instead (Tempo's
    /// <c>blocklist_poll_stale_tenant_index</c> with <c>blocklist_poll_fallback</c> on). <see cref="TimeSpan.Zero"/>, the
    /// default as in Tempo, never considers an index stale.
    /// </summary>
    public TimeSpan StaleTenantIndex { get; init; } = TimeSpan.Zero;

    /// <summary>Tenants polled at the same time (Tempo's <c>blocklist_poll_tenant_concurrency</c>-like bound).</summary>
    public int TenantPollConcurrency { get; init; } = 4;

    /// <summary>
    /// How long a block given to <see cref="TenantBlockList.Add"/> stays listed while no poll has shown it. A poll can
    /// miss a block written moments ago (the tenant index is rebuilt only by the compactor, and a listing may pass the
    /// block's folder just before its meta.json lands), so an added block is kept until a poll shows it live or
    /// compacted; this bound only drops blocks that were deleted before any poll saw them.
    /// </summary>
    public TimeSpan AddedBlockRetention { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Throws with a message naming the setting when a value cannot work.</summary>
    public void Validate()
    {
        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"block list PollInterval must be positive, got {PollInterval}");
        }

        if (StaleTenantIndex < TimeSpan.Zero)
        {
            throw new ArgumentException($"block list StaleTenantIndex must be 0 (never stale) or positive, got {StaleTenantIndex}");
        }

        if (TenantPollConcurrency < 1)
        {
            throw new ArgumentException($"block list TenantPollConcurrency must be at least 1, got {TenantPollConcurrency}");
        }

        if (AddedBlockRetention <= TimeSpan.Zero)
        {
            throw new ArgumentException($"block list AddedBlockRetention must be positive, got {AddedBlockRetention}");
        }
    }
}
