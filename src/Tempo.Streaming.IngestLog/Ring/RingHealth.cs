namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>How readers judge owner entries (ARCHITECTURE.md §4).</summary>
public static class RingHealth
{
    /// <summary>Heartbeats an owner may miss before readers treat it as gone (members that died without leaving).</summary>
    public const int MissedHeartbeatsBeforeGone = 4;

    /// <summary>
    /// Whether <paramref name="owner"/> is an active owner whose heartbeat is recent enough: it beat within the last
    /// <see cref="MissedHeartbeatsBeforeGone"/> heartbeat periods.
    /// </summary>
    public static bool IsHealthy(OwnerDesc owner, DateTimeOffset now, TimeSpan heartbeatPeriod) =>
        owner.State == OwnerState.Active && owner.Heartbeat > now - (heartbeatPeriod * MissedHeartbeatsBeforeGone);
}

/// <summary>
/// A partition state change dskit refuses (<c>ErrPartitionStateChangeNotAllowed</c>): allowed are PENDING → ACTIVE,
/// PENDING → INACTIVE, ACTIVE → INACTIVE and INACTIVE → ACTIVE. The downscale endpoints answer it with 409.
/// </summary>
public sealed class PartitionStateChangeNotAllowedException(int partition, PartitionState from, PartitionState to)
    : InvalidOperationException($"partition {partition}: state change {from.Name()} -> {to.Name()} is not allowed")
{
    public int Partition { get; } = partition;

    public PartitionState From { get; } = from;

    public PartitionState To { get; } = to;

    /// <summary>dskit's allowed transitions (ring/partition_instance_lifecycler.go).</summary>
    public static bool IsAllowed(PartitionState from, PartitionState to) => (from, to) switch
    {
        (PartitionState.Pending, PartitionState.Active) => true,
        (PartitionState.Pending, PartitionState.Inactive) => true,
        (PartitionState.Active, PartitionState.Inactive) => true,
        (PartitionState.Inactive, PartitionState.Active) => true,
        _ => false,
    };
}
