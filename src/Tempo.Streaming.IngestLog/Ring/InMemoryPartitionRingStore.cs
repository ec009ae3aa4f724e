using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// The partition ring of single-binary mode (ARCHITECTURE.md §4): memory only, writes apply at once, the ring does not
/// outlive the process. <see cref="IPartitionRingStore.Changed"/> is raised on the writer's thread before the write
/// completes.
/// </summary>
public sealed class InMemoryPartitionRingStore(ILogger? logger = null) : IPartitionRingStore
{
    private readonly RingSnapshot _ring = new(logger ?? NullLogger.Instance);

    public PartitionRingDesc Current => _ring.Current;

    public event Action<PartitionRingDesc>? Changed
    {
        add => _ring.Changed += value;
        remove => _ring.Changed -= value;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetPartitionAsync(PartitionDesc partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        cancellationToken.ThrowIfCancellationRequested();
        _ring.Update(partition, static (ring, p) => ring.Partitions.TryGetValue(p.Id, out var old) && old == p ? ring : ring.WithPartition(p));
        return Task.CompletedTask;
    }

    public Task RemovePartitionAsync(int partitionId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _ring.Update(partitionId, static (ring, id) => ring.Partitions.ContainsKey(id) ? ring.WithoutPartition(id) : ring);
        return Task.CompletedTask;
    }

    public Task SetOwnerAsync(OwnerDesc owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        cancellationToken.ThrowIfCancellationRequested();
        _ring.Update(owner, static (ring, o) => ring.Owners.TryGetValue(o.InstanceId, out var old) && old == o ? ring : ring.WithOwner(o));
        return Task.CompletedTask;
    }

    public Task RemoveOwnerAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        cancellationToken.ThrowIfCancellationRequested();
        _ring.Update(instanceId, static (ring, id) => ring.Owners.ContainsKey(id) ? ring.WithoutOwner(id) : ring);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
