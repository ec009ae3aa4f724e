namespace Tempo.Streaming.IngestLog.Ring;

public sealed partial class PartitionLifecycler
{
    private async Task EnsurePartitionAsync(int partition, CancellationToken cancellationToken)
    {
        if (_store.Current.Partitions.TryGetValue(partition, out var existing))
        {
            RingLogMessages.PartitionFound(_logger, partition, existing.State.Name(), existing.StateTimestamp);
            return;
        }

        if (CreatePartitionOnStartup)
        {
            await _store.SetPartitionAsync(new PartitionDesc(partition, Options.InitialState, _time.GetUtcNow()), cancellationToken)
                .ConfigureAwait(false);
            RingLogMessages.PartitionCreated(_logger, partition, Options.InitialState.Name());
            return;
        }

        // dskit's waitPartitionAndRegisterOwner: without creation the member only joins a partition that exists.
        RingLogMessages.WaitingForPartition(_logger, partition);
        while (!_store.Current.Partitions.ContainsKey(partition))
        {
            await Task.Delay(Options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// dskit's AddOrUpdateOwner: the owner's UpdatedTimestamp changes only when the entry is new or its state or
    /// partition changed, so a member restarting under the same ID does not restart a PENDING partition's wait.
    /// </summary>
    private async Task RegisterOwnerAsync(int partition, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var ownerId = OwnerIdOf(partition);
        var updated = _store.Current.Owners.TryGetValue(ownerId, out var existing) && existing.State == OwnerState.Active && existing.Partition == partition
            ? existing.UpdatedTimestamp
            : now;
        var owner = new OwnerDesc(ownerId, partition, Options.Zone, Options.HttpAddress, OwnerState.Active, updated, now);
        await _store.SetOwnerAsync(owner, cancellationToken).ConfigureAwait(false);
        RingLogMessages.OwnerRegistered(_logger, ownerId, partition, Options.Zone, Options.HttpAddress, updated);
    }

    private async Task RunLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Options.PollInterval, _time);
        try
        {
            // First pass right away, as dskit does, so a partition whose owners are already old enough turns ACTIVE
            // without waiting a poll.
            do
            {
                try
                {
                    await ReconcileAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    // A ring write failed (Kafka down): the next tick retries; the process keeps serving.
                    RingLogMessages.ReconcileFailed(_logger, e, Options.PollInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass of the background loop (tests call it directly with a controlled clock).</summary>
    internal async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            foreach (var partition in Options.Partitions)
            {
                await ReconcileOwnerAsync(partition, now, cancellationToken).ConfigureAwait(false);
                await ReconcileOwnedPartitionAsync(partition, now, cancellationToken).ConfigureAwait(false);
            }

            await ReconcileOtherPartitionsAsync(now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReconcileOwnerAsync(int partition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ownerId = OwnerIdOf(partition);
        if (!_store.Current.Owners.TryGetValue(ownerId, out var owner))
        {
            await _store.SetOwnerAsync(
                new OwnerDesc(ownerId, partition, Options.Zone, Options.HttpAddress, OwnerState.Active, now, now), cancellationToken).ConfigureAwait(false);
            RingLogMessages.OwnerRecreated(_logger, ownerId, partition);
            return;
        }

        if (owner.State != OwnerState.Active || owner.Partition != partition)
        {
            await _store.SetOwnerAsync(
                owner with { Partition = partition, State = OwnerState.Active, UpdatedTimestamp = now, Heartbeat = now }, cancellationToken)
                .ConfigureAwait(false);
            RingLogMessages.OwnerRegistered(_logger, ownerId, partition, Options.Zone, Options.HttpAddress, now);
            return;
        }

        if (now - owner.Heartbeat >= Options.HeartbeatPeriod)
        {
            await _store.SetOwnerAsync(owner with { Heartbeat = now }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReconcileOwnedPartitionAsync(int id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ring = _store.Current;
        if (!ring.Partitions.TryGetValue(id, out var partition))
        {
            if (_reportedMissing.Add(id))
            {
                RingLogMessages.OwnedPartitionMissing(_logger, id);
            }

            return;
        }

        _reportedMissing.Remove(id);
        if (partition.State != PartitionState.Pending)
        {
            return;
        }

        // dskit PartitionOwnersCountUpdatedBefore, restricted to owners that are alive: an owner that registered and
        // died must not make a partition writable that nobody consumes.
        var registeredBefore = now - Options.MinOwnersDuration;
        var eligible = 0;
        foreach (var owner in ring.Owners.Values)
        {
            if (owner.Partition == id && owner.UpdatedTimestamp <= registeredBefore && RingHealth.IsHealthy(owner, now, Options.HeartbeatPeriod))
            {
                eligible++;
            }
        }

        if (eligible >= Options.MinOwnersCount)
        {
            await _store.SetPartitionAsync(partition with { State = PartitionState.Active, StateTimestamp = now }, cancellationToken).ConfigureAwait(false);
            RingLogMessages.PartitionStateChanged(_logger, id, PartitionState.Pending.Name(), PartitionState.Active.Name(),
                $"{eligible} owner(s) registered for at least {Options.MinOwnersDuration}");
        }
    }

    private async Task ReconcileOtherPartitionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Options.DeleteInactivePartitionAfter <= TimeSpan.Zero)
        {
            return;
        }

        var ring = _store.Current;
        var inactiveBefore = now - Options.DeleteInactivePartitionAfter;
        foreach (var partition in ring.Partitions.Values)
        {
            // Never the partitions this member owns: they have at least this member as owner.
            if (partition.State != PartitionState.Inactive || partition.StateTimestamp > inactiveBefore || Owns(partition.Id) || HasOwners(ring, partition.Id))
            {
                continue;
            }

            await _store.RemovePartitionAsync(partition.Id, cancellationToken).ConfigureAwait(false);
            RingLogMessages.InactivePartitionDeleted(_logger, partition.Id, partition.StateTimestamp);
        }
    }

    private bool Owns(int partition)
    {
        foreach (var owned in Options.Partitions)
        {
            if (owned == partition)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasOwners(PartitionRingDesc ring, int partition)
    {
        foreach (var owner in ring.Owners.Values)
        {
            if (owner.Partition == partition)
            {
                return true;
            }
        }

        return false;
    }
}
