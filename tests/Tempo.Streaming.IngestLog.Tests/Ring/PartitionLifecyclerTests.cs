using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.IngestLog.Tests.Ring;

public sealed class PartitionLifecyclerTests : IAsyncLifetime
{
    private static readonly TimeSpan MinOwnersDuration = TimeSpan.FromSeconds(10);
    private readonly ManualClock _clock = new();
    private readonly InMemoryPartitionRingStore _store = new();
    private readonly List<PartitionLifecycler> _lifecyclers = [];

    private static PartitionLifecyclerOptions Options(string instance = "live-store-zone-a-0", int partition = 0) => new()
    {
        InstanceId = instance,
        Partitions = [partition],
        Zone = "zone-a",
        HttpAddress = "10.0.0.1:3200",
        MinOwnersDuration = MinOwnersDuration,
        // The loop's timer runs on real time: an hour keeps it out of the way so each test drives ReconcileAsync itself.
        PollInterval = TimeSpan.FromHours(1),
        HeartbeatPeriod = TimeSpan.FromSeconds(5),
        DeleteInactivePartitionAfter = TimeSpan.FromMinutes(30),
    };

    private PartitionLifecycler Create(PartitionLifecyclerOptions options)
    {
        var lifecycler = new PartitionLifecycler(_store, options, NullLogger.Instance, _clock);
        _lifecyclers.Add(lifecycler);
        return lifecycler;
    }

    private async Task<PartitionLifecycler> StartAsync(PartitionLifecyclerOptions options)
    {
        var lifecycler = Create(options);
        await lifecycler.StartAsync(CancellationToken.None);
        return lifecycler;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var lifecycler in _lifecyclers)
        {
            await lifecycler.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_creates_the_missing_partition_pending_and_registers_the_owner()
    {
        var t0 = _clock.GetUtcNow();
        var lifecycler = await StartAsync(Options());

        _store.Current.Partitions[0].Should().Be(new PartitionDesc(0, PartitionState.Pending, t0));
        _store.Current.Owners["live-store-zone-a-0"].Should().Be(
            new OwnerDesc("live-store-zone-a-0", 0, "zone-a", "10.0.0.1:3200", OwnerState.Active, t0, t0));
        lifecycler.GetPartitionState().Should().Be((PartitionState.Pending, t0));
    }

    [Fact]
    public async Task Start_keeps_an_existing_partition_as_it_is()
    {
        var inactiveSince = _clock.GetUtcNow() - TimeSpan.FromMinutes(3);
        await _store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Inactive, inactiveSince), CancellationToken.None);

        var lifecycler = await StartAsync(Options());

        lifecycler.GetPartitionState().Should().Be((PartitionState.Inactive, inactiveSince));
    }

    [Fact]
    public async Task Pending_turns_active_exactly_when_the_owner_has_been_registered_for_min_owners_duration()
    {
        var lifecycler = await StartAsync(Options());

        _clock.Advance(MinOwnersDuration - TimeSpan.FromMilliseconds(1));
        await lifecycler.ReconcileAsync(CancellationToken.None);
        lifecycler.GetPartitionState().State.Should().Be(PartitionState.Pending);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await lifecycler.ReconcileAsync(CancellationToken.None);
        lifecycler.GetPartitionState().Should().Be((PartitionState.Active, _clock.GetUtcNow()));
    }

    [Fact]
    public async Task Pending_waits_for_min_owners_count_healthy_owners()
    {
        var first = await StartAsync(Options("live-store-zone-a-0") with { MinOwnersCount = 2 });
        _clock.Advance(TimeSpan.FromSeconds(4));
        var second = await StartAsync(Options("live-store-zone-b-0") with { MinOwnersCount = 2 });

        // The first owner alone is old enough, the second is not yet.
        _clock.Advance(MinOwnersDuration - TimeSpan.FromSeconds(4));
        await first.ReconcileAsync(CancellationToken.None);
        first.GetPartitionState().State.Should().Be(PartitionState.Pending);

        _clock.Advance(TimeSpan.FromSeconds(4));
        await second.ReconcileAsync(CancellationToken.None);
        first.GetPartitionState().State.Should().Be(PartitionState.Active);
    }

    [Fact]
    public async Task An_owner_whose_heartbeat_stopped_does_not_count()
    {
        var lifecycler = await StartAsync(Options() with { MinOwnersCount = 2 });
        var t0 = _clock.GetUtcNow();
        // A member that registered and died: old enough, but silent for more than 4 heartbeat periods.
        await _store.SetOwnerAsync(new OwnerDesc("dead", 0, "zone-b", "10.0.0.2:3200", OwnerState.Active, t0, t0), CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(25));
        await lifecycler.ReconcileAsync(CancellationToken.None);

        lifecycler.GetPartitionState().State.Should().Be(PartitionState.Pending);
    }

    [Fact]
    public async Task State_changes_follow_dskit_and_an_inactive_partition_stays_inactive()
    {
        var lifecycler = await StartAsync(Options() with { MinOwnersDuration = TimeSpan.Zero });
        await lifecycler.ReconcileAsync(CancellationToken.None);
        lifecycler.GetPartitionState().State.Should().Be(PartitionState.Active);

        _clock.Advance(TimeSpan.FromMinutes(1));
        var inactiveAt = _clock.GetUtcNow();
        await lifecycler.ChangePartitionStateAsync(PartitionState.Inactive, CancellationToken.None);
        lifecycler.GetPartitionState().Should().Be((PartitionState.Inactive, inactiveAt));

        // Already INACTIVE: a no-op that keeps the timestamp (the endpoint reports when it was set INACTIVE).
        _clock.Advance(TimeSpan.FromMinutes(1));
        await lifecycler.ChangePartitionStateAsync(PartitionState.Inactive, CancellationToken.None);
        await lifecycler.ReconcileAsync(CancellationToken.None);
        lifecycler.GetPartitionState().Should().Be((PartitionState.Inactive, inactiveAt));

        var toPending = () => lifecycler.ChangePartitionStateAsync(PartitionState.Pending, CancellationToken.None);
        (await toPending.Should().ThrowAsync<PartitionStateChangeNotAllowedException>())
            .Which.Message.Should().Be("partition 0: state change PartitionInactive -> PartitionPending is not allowed");

        await lifecycler.ChangePartitionStateAsync(PartitionState.Active, CancellationToken.None);
        lifecycler.GetPartitionState().Should().Be((PartitionState.Active, _clock.GetUtcNow()));
    }

    [Fact]
    public async Task Pending_may_go_inactive_but_not_back_to_pending_from_active()
    {
        var lifecycler = await StartAsync(Options());
        await lifecycler.ChangePartitionStateAsync(PartitionState.Inactive, CancellationToken.None);
        lifecycler.GetPartitionState().State.Should().Be(PartitionState.Inactive);

        await lifecycler.ChangePartitionStateAsync(PartitionState.Active, CancellationToken.None);
        var toPending = () => lifecycler.ChangePartitionStateAsync(PartitionState.Pending, CancellationToken.None);
        await toPending.Should().ThrowAsync<PartitionStateChangeNotAllowedException>();
        lifecycler.GetPartitionState().State.Should().Be(PartitionState.Active);
    }

    [Fact]
    public async Task State_changes_need_a_running_lifecycler()
    {
        var lifecycler = Create(Options());
        var change = () => lifecycler.ChangePartitionStateAsync(PartitionState.Inactive, CancellationToken.None);
        (await change.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("not running");

        await lifecycler.StartAsync(CancellationToken.None);
        await lifecycler.DisposeAsync();
        await change.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Shutdown_removes_the_owner_only_when_asked_to()
    {
        var staying = await StartAsync(Options("live-store-zone-a-0", 0));
        var leaving = await StartAsync(Options("live-store-zone-a-1", 1) with { RemoveOwnerOnShutdown = false });
        leaving.RemoveOwnerOnShutdown = true;

        await staying.DisposeAsync();
        await leaving.DisposeAsync();

        _store.Current.Owners.Keys.Should().Equal("live-store-zone-a-0");
        _store.Current.Partitions.Keys.Should().Equal(0, 1);
    }

    [Fact]
    public async Task Ownerless_inactive_partitions_are_deleted_after_delete_inactive_partition_after()
    {
        var t0 = _clock.GetUtcNow();
        await _store.SetPartitionAsync(new PartitionDesc(5, PartitionState.Inactive, t0), CancellationToken.None);
        await _store.SetPartitionAsync(new PartitionDesc(6, PartitionState.Inactive, t0), CancellationToken.None);
        await _store.SetOwnerAsync(new OwnerDesc("other", 6, "", "", OwnerState.Active, t0, t0), CancellationToken.None);
        await _store.SetPartitionAsync(new PartitionDesc(7, PartitionState.Active, t0), CancellationToken.None);
        var lifecycler = await StartAsync(Options());
        await lifecycler.ChangePartitionStateAsync(PartitionState.Inactive, CancellationToken.None);

        _clock.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromMilliseconds(1));
        await lifecycler.ReconcileAsync(CancellationToken.None);
        _store.Current.Partitions.Keys.Should().Equal(0, 5, 6, 7);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await lifecycler.ReconcileAsync(CancellationToken.None);
        // 5: INACTIVE long enough, no owner -> deleted. 6 has an owner, 7 is ACTIVE, 0 is ours.
        _store.Current.Partitions.Keys.Should().Equal(0, 6, 7);
    }

    [Fact]
    public async Task Zero_delete_inactive_partition_after_never_deletes()
    {
        await _store.SetPartitionAsync(new PartitionDesc(5, PartitionState.Inactive, _clock.GetUtcNow()), CancellationToken.None);
        var lifecycler = await StartAsync(Options() with { DeleteInactivePartitionAfter = TimeSpan.Zero });

        _clock.Advance(TimeSpan.FromDays(30));
        await lifecycler.ReconcileAsync(CancellationToken.None);

        _store.Current.Partitions.Keys.Should().Contain(5);
    }

    [Fact]
    public async Task A_restarted_member_keeps_its_owner_updated_timestamp()
    {
        var t0 = _clock.GetUtcNow();
        var first = await StartAsync(Options());
        _clock.Advance(TimeSpan.FromSeconds(6));
        await first.DisposeAsync();

        _clock.Advance(TimeSpan.FromSeconds(2));
        var restarted = await StartAsync(Options());
        var owner = _store.Current.Owners["live-store-zone-a-0"];
        owner.UpdatedTimestamp.Should().Be(t0);
        owner.Heartbeat.Should().Be(_clock.GetUtcNow());

        // The PENDING wait counts from the first registration, not from the restart.
        _clock.Advance(MinOwnersDuration - TimeSpan.FromSeconds(8));
        await restarted.ReconcileAsync(CancellationToken.None);
        restarted.GetPartitionState().State.Should().Be(PartitionState.Active);
    }

    [Fact]
    public async Task A_removed_owner_entry_is_registered_again_and_the_heartbeat_is_refreshed()
    {
        var lifecycler = await StartAsync(Options());
        var t0 = _clock.GetUtcNow();

        _clock.Advance(TimeSpan.FromSeconds(4));
        await lifecycler.ReconcileAsync(CancellationToken.None);
        _store.Current.Owners["live-store-zone-a-0"].Heartbeat.Should().Be(t0, "the heartbeat period has not passed");

        _clock.Advance(TimeSpan.FromSeconds(1));
        await lifecycler.ReconcileAsync(CancellationToken.None);
        _store.Current.Owners["live-store-zone-a-0"].Heartbeat.Should().Be(_clock.GetUtcNow());
        _store.Current.Owners["live-store-zone-a-0"].UpdatedTimestamp.Should().Be(t0);

        await _store.RemoveOwnerAsync("live-store-zone-a-0", CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await lifecycler.ReconcileAsync(CancellationToken.None);
        var again = _store.Current.Owners["live-store-zone-a-0"];
        again.UpdatedTimestamp.Should().Be(_clock.GetUtcNow(), "a new ownership starts a new wait");
        again.State.Should().Be(OwnerState.Active);
    }

    [Fact]
    public async Task Without_partition_creation_start_waits_until_the_partition_exists()
    {
        var lifecycler = Create(Options() with { CreatePartitionOnStartup = false, PollInterval = TimeSpan.FromMilliseconds(20) });
        var start = lifecycler.StartAsync(CancellationToken.None);

        await Task.Delay(100);
        start.IsCompleted.Should().BeFalse();
        _store.Current.Partitions.Should().BeEmpty();
        _store.Current.Owners.Should().BeEmpty();

        await _store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Inactive, _clock.GetUtcNow()), CancellationToken.None);
        await start.WaitAsync(TimeSpan.FromSeconds(10));
        _store.Current.Owners.Keys.Should().Equal("live-store-zone-a-0");
        lifecycler.GetPartitionState().State.Should().Be(PartitionState.Inactive);
    }

    [Fact]
    public async Task The_background_loop_activates_the_partition()
    {
        var lifecycler = await StartAsync(Options() with { PollInterval = TimeSpan.FromMilliseconds(20) });
        _clock.Advance(MinOwnersDuration);

        await Poll.UntilAsync(() => lifecycler.GetPartitionState().State == PartitionState.Active, "the loop turns the partition ACTIVE");
    }

    [Fact]
    public async Task A_member_owning_several_partitions_registers_one_owner_entry_per_partition()
    {
        var lifecycler = await StartAsync(Options() with { Partitions = [0, 1, 2], InitialState = PartitionState.Active });

        _store.Current.PartitionsIn(PartitionState.Active).Should().Equal(0, 1, 2);
        _store.Current.Owners.Keys.Should().Equal("live-store-zone-a-0/0", "live-store-zone-a-0/1", "live-store-zone-a-0/2");
        _store.Current.OwnersOf(1).Should().ContainSingle().Which.InstanceId.Should().Be(lifecycler.OwnerIdOf(1));

        await lifecycler.ChangePartitionStateAsync(PartitionState.Inactive, CancellationToken.None);
        _store.Current.PartitionsIn(PartitionState.Inactive).Should().Equal(0, 1, 2);
    }

    [Fact]
    public void Options_are_validated()
    {
        var noPartitions = () => new PartitionLifecycler(_store, Options() with { Partitions = [] }, NullLogger.Instance);
        noPartitions.Should().Throw<ArgumentException>().WithMessage("*at least one partition*");
        var duplicate = () => new PartitionLifecycler(_store, Options() with { Partitions = [1, 1] }, NullLogger.Instance);
        duplicate.Should().Throw<ArgumentException>().WithMessage("*distinct*");
        var inactive = () => new PartitionLifecycler(_store, Options() with { InitialState = PartitionState.Inactive }, NullLogger.Instance);
        inactive.Should().Throw<ArgumentException>().WithMessage("*PENDING or ACTIVE*");
    }
}
