using System.Collections.Immutable;

namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>One partition of the ring: its state and when that state was set.</summary>
public sealed record PartitionDesc(int Id, PartitionState State, DateTimeOffset StateTimestamp);

/// <summary>
/// A member owning a partition (a live store): dskit's owner entry plus what our components need to reach it — its
/// zone and HTTP address (<c>host:port</c>) — and a heartbeat, refreshed while the member runs, so readers can skip
/// members that died without leaving. <see cref="UpdatedTimestamp"/> is when the ownership (or its state) last changed;
/// PENDING → ACTIVE waits on it.
/// </summary>
public sealed record OwnerDesc(
    string InstanceId,
    int Partition,
    string Zone,
    string HttpAddress,
    OwnerState State,
    DateTimeOffset UpdatedTimestamp,
    DateTimeOffset Heartbeat);

/// <summary>
/// An immutable view of the whole partition ring. Writers never mutate one: they publish entries through an
/// <see cref="IPartitionRingStore"/>, which hands out a new view.
/// </summary>
public sealed class PartitionRingDesc
{
    public static PartitionRingDesc Empty { get; } =
        new(ImmutableSortedDictionary<int, PartitionDesc>.Empty, ImmutableSortedDictionary<string, OwnerDesc>.Empty.WithComparers(StringComparer.Ordinal));

    public PartitionRingDesc(ImmutableSortedDictionary<int, PartitionDesc> partitions, ImmutableSortedDictionary<string, OwnerDesc> owners)
    {
        Partitions = partitions;
        Owners = owners;
    }

    /// <summary>Partitions by ID, ascending.</summary>
    public ImmutableSortedDictionary<int, PartitionDesc> Partitions { get; }

    /// <summary>Owners by instance ID (ordinal order).</summary>
    public ImmutableSortedDictionary<string, OwnerDesc> Owners { get; }

    public PartitionRingDesc WithPartition(PartitionDesc partition) => new(Partitions.SetItem(partition.Id, partition), Owners);

    public PartitionRingDesc WithoutPartition(int id) => new(Partitions.Remove(id), Owners);

    public PartitionRingDesc WithOwner(OwnerDesc owner) => new(Partitions, Owners.SetItem(owner.InstanceId, owner));

    public PartitionRingDesc WithoutOwner(string instanceId) => new(Partitions, Owners.Remove(instanceId));

    /// <summary>IDs of the partitions in <paramref name="state"/>, ascending.</summary>
    public IReadOnlyList<int> PartitionsIn(PartitionState state) =>
        Partitions.Values.Where(p => p.State == state).Select(p => p.Id).ToArray();

    /// <summary>The owners of <paramref name="partition"/> (any state), by instance ID.</summary>
    public IReadOnlyList<OwnerDesc> OwnersOf(int partition) =>
        Owners.Values.Where(o => o.Partition == partition).ToArray();
}
