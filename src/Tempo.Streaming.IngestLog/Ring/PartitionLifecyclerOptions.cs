namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// How a live store takes part in the partition ring (config <c>live_store.ring</c> and <c>live_store.partition_ring</c>;
/// Tempo's names and defaults).
/// </summary>
public sealed record PartitionLifecyclerOptions
{
    /// <summary><c>ring.instance_id</c>: this member's ID (a StatefulSet pod name such as <c>live-store-zone-a-0</c>).</summary>
    public required string InstanceId { get; init; }

    /// <summary>Partitions this member owns: one in distributed mode (from the instance ordinal), all in single-binary mode.</summary>
    public required IReadOnlyList<int> Partitions { get; init; }

    /// <summary><c>ring.instance_availability_zone</c> (empty when zones are not used).</summary>
    public string Zone { get; init; } = "";

    /// <summary>Where other components reach this member's HTTP API, <c>host:port</c>.</summary>
    public string HttpAddress { get; init; } = "";

    /// <summary><c>partition_ring.min_partition_owners_count</c>: owners a PENDING partition waits for.</summary>
    public int MinOwnersCount { get; init; } = 1;

    /// <summary><c>partition_ring.min_partition_owners_duration</c>: how long those owners must have been registered.</summary>
    public TimeSpan MinOwnersDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>partition_ring.delete_inactive_partition_after</c>: an INACTIVE partition without owners for this long is
    /// deleted from the ring (zero disables deletion).
    /// </summary>
    public TimeSpan DeleteInactivePartitionAfter { get; init; } = TimeSpan.FromHours(13);

    /// <summary>
    /// State a partition this member creates starts in: PENDING in distributed mode; ACTIVE in single-binary mode, where
    /// the in-process live store is the only possible owner and the ring does not outlive the process.
    /// </summary>
    public PartitionState InitialState { get; init; } = PartitionState.Pending;

    /// <summary>How often the member re-checks PENDING → ACTIVE and refreshes its heartbeat.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the owner entry's heartbeat is rewritten (readers treat an owner as gone after 4 missed beats).</summary>
    public TimeSpan HeartbeatPeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Create missing partitions at startup (turned off while a downscale shutdown marker exists).</summary>
    public bool CreatePartitionOnStartup { get; init; } = true;

    /// <summary>Remove this member's owner entries on shutdown (turned on by <c>prepare-downscale</c>).</summary>
    public bool RemoveOwnerOnShutdown { get; init; }
}
