using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Ring;

/// <summary>
/// A live store's membership in the partition ring, with the semantics of dskit's <c>PartitionInstanceLifecycler</c>
/// as Tempo uses it (ARCHITECTURE.md §4):
/// <list type="bullet">
/// <item>start: each owned partition missing from the ring is created in <see cref="PartitionLifecyclerOptions.InitialState"/>
/// (PENDING in distributed mode) when <see cref="CreatePartitionOnStartup"/>, otherwise the start waits until someone
/// else created it; then this member registers as its owner;</item>
/// <item>every poll: heartbeat refresh, PENDING → ACTIVE once enough owners have been registered long enough, removal of
/// INACTIVE partitions nobody owns any more, re-registration if our owner entry was removed;</item>
/// <item>the downscale endpoints change the owned partitions' state through <see cref="ChangePartitionStateAsync"/>;</item>
/// <item>dispose: stop; leave the ring when <see cref="RemoveOwnerOnShutdown"/>.</item>
/// </list>
/// Every ring write of this class runs under one gate, like dskit's single lifecycler loop, so a state change never
/// interleaves with a reconciliation.
/// </summary>
public sealed partial class PartitionLifecycler : IAsyncDisposable
{
    /// <summary>How long shutdown waits for the owner entries' removal before giving up (the process is leaving anyway).</summary>
    private static readonly TimeSpan ShutdownWriteTimeout = TimeSpan.FromSeconds(10);

    private readonly IPartitionRingStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<int> _reportedMissing = [];
    private volatile bool _removeOwnerOnShutdown;
    private volatile bool _createPartitionOnStartup;
    private volatile bool _running;
    private int _started;
    private int _disposed;
    private Task? _loop;

    public PartitionLifecycler(IPartitionRingStore store, PartitionLifecyclerOptions options, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        Validate(options);
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Options = options;
        _removeOwnerOnShutdown = options.RemoveOwnerOnShutdown;
        _createPartitionOnStartup = options.CreatePartitionOnStartup;
    }

    public PartitionLifecyclerOptions Options { get; }

    /// <summary>Leave the ring (remove this member's owner entries) on shutdown; <c>prepare-downscale</c> turns it on.</summary>
    public bool RemoveOwnerOnShutdown
    {
        get => _removeOwnerOnShutdown;
        set => _removeOwnerOnShutdown = value;
    }

    /// <summary>Create missing owned partitions at start; off while a downscale shutdown marker exists.</summary>
    public bool CreatePartitionOnStartup
    {
        get => _createPartitionOnStartup;
        set => _createPartitionOnStartup = value;
    }

    /// <summary>
    /// The ID of this member's owner entry for <paramref name="partition"/>: the instance ID when it owns one partition,
    /// <c>&lt;instance&gt;/&lt;partition&gt;</c> when it owns several (dskit's multi-partition ownership IDs), since an owner
    /// entry names exactly one partition.
    /// </summary>
    public string OwnerIdOf(int partition) =>
        Options.Partitions.Count == 1 ? Options.InstanceId : Options.InstanceId + "/" + partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates missing owned partitions (when <see cref="CreatePartitionOnStartup"/>), registers this member as their
    /// owner and starts the background loop. The store must already be started.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the partition lifecycler was already started");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var partition in Options.Partitions)
            {
                await EnsurePartitionAsync(partition, cancellationToken).ConfigureAwait(false);
                await RegisterOwnerAsync(partition, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        _running = true;
        _loop = Task.Run(() => RunLoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// State of the first owned partition (the one partition of a distributed live store) and when it was set, as
    /// this member's store sees the ring; <see cref="PartitionState.Unknown"/> and <see cref="DateTimeOffset.MinValue"/>
    /// when the partition is not in the ring.
    /// </summary>
    public (PartitionState State, DateTimeOffset Timestamp) GetPartitionState() =>
        _store.Current.Partitions.TryGetValue(Options.Partitions[0], out var partition)
            ? (partition.State, partition.StateTimestamp)
            : (PartitionState.Unknown, DateTimeOffset.MinValue);

    /// <summary>
    /// Moves every owned partition to <paramref name="state"/> with StateTimestamp = now; a partition already in that
    /// state is left as it is (its timestamp too). Nothing is written unless every owned partition can make the change.
    /// </summary>
    /// <exception cref="InvalidOperationException">the lifecycler is not running, or an owned partition is not in the ring.</exception>
    /// <exception cref="PartitionStateChangeNotAllowedException">dskit forbids the transition (e.g. ACTIVE → PENDING).</exception>
    public async Task ChangePartitionStateAsync(PartitionState state, CancellationToken cancellationToken)
    {
        ThrowIfNotRunning();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfNotRunning();
            var ring = _store.Current;
            var changes = new List<PartitionDesc>(Options.Partitions.Count);
            foreach (var id in Options.Partitions)
            {
                if (!ring.Partitions.TryGetValue(id, out var partition))
                {
                    throw new InvalidOperationException($"partition {id} does not exist in the ring");
                }

                if (partition.State == state)
                {
                    continue;
                }

                if (!PartitionStateChangeNotAllowedException.IsAllowed(partition.State, state))
                {
                    throw new PartitionStateChangeNotAllowedException(id, partition.State, state);
                }

                changes.Add(partition);
            }

            var now = _time.GetUtcNow();
            foreach (var partition in changes)
            {
                await _store.SetPartitionAsync(partition with { State = state, StateTimestamp = now }, cancellationToken).ConfigureAwait(false);
                RingLogMessages.PartitionStateChanged(_logger, partition.Id, partition.State.Name(), state.Name(), "requested");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the background loop and, when <see cref="RemoveOwnerOnShutdown"/>, removes this member's owner entries.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _running = false;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (Volatile.Read(ref _started) == 0)
        {
            _stopping.Dispose();
            return;
        }

        RingLogMessages.LifecyclerStopping(_logger, Options.InstanceId);
        // Wait for a state change in flight so the owner removal is the last write of this member.
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (RemoveOwnerOnShutdown)
            {
                using var timeout = new CancellationTokenSource(ShutdownWriteTimeout);
                foreach (var partition in Options.Partitions)
                {
                    var ownerId = OwnerIdOf(partition);
                    try
                    {
                        await _store.RemoveOwnerAsync(ownerId, timeout.Token).ConfigureAwait(false);
                        RingLogMessages.OwnerRemovedOnShutdown(_logger, ownerId, partition);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        RingLogMessages.OwnerRemovalFailed(_logger, e, ownerId, partition);
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
            _stopping.Dispose();
        }
    }

    private void ThrowIfNotRunning()
    {
        if (!_running)
        {
            throw new InvalidOperationException("the partition lifecycler is not running");
        }
    }

    private static void Validate(PartitionLifecyclerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            throw new ArgumentException("partition lifecycler: instance_id must not be empty", nameof(options));
        }

        if (options.Partitions.Count == 0)
        {
            throw new ArgumentException($"partition lifecycler of {options.InstanceId}: it must own at least one partition", nameof(options));
        }

        var seen = new HashSet<int>();
        foreach (var partition in options.Partitions)
        {
            if (partition < 0 || !seen.Add(partition))
            {
                throw new ArgumentException(
                    $"partition lifecycler of {options.InstanceId}: owned partitions must be distinct and >= 0 (got {string.Join(",", options.Partitions)})",
                    nameof(options));
            }
        }

        if (options.PollInterval <= TimeSpan.Zero || options.HeartbeatPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"partition lifecycler: poll interval ({options.PollInterval}) and heartbeat period ({options.HeartbeatPeriod}) must be positive", nameof(options));
        }

        if (options.MinOwnersCount < 0 || options.MinOwnersDuration < TimeSpan.Zero || options.DeleteInactivePartitionAfter < TimeSpan.Zero)
        {
            throw new ArgumentException(
                "partition lifecycler: min_partition_owners_count, min_partition_owners_duration and delete_inactive_partition_after must not be negative",
                nameof(options));
        }

        if (options.InitialState is not (PartitionState.Pending or PartitionState.Active))
        {
            throw new ArgumentException(
                $"partition lifecycler: a new partition starts PENDING or ACTIVE, not {options.InitialState.Name()}", nameof(options));
        }
    }
}
