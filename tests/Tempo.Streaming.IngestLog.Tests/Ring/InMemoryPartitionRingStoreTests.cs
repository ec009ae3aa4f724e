using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.IngestLog.Tests.Ring;

public sealed class InMemoryPartitionRingStoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Writes_apply_at_once_and_raise_changed_only_for_real_changes()
    {
        var store = new InMemoryPartitionRingStore();
        var rings = new List<PartitionRingDesc>();
        store.Changed += rings.Add;
        await store.StartAsync(CancellationToken.None);

        await store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, T0), CancellationToken.None);
        await store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, T0), CancellationToken.None);
        await store.SetOwnerAsync(new OwnerDesc("a", 0, "", "", OwnerState.Active, T0, T0), CancellationToken.None);
        await store.RemoveOwnerAsync("missing", CancellationToken.None);

        store.Current.PartitionsIn(PartitionState.Active).Should().Equal(0);
        store.Current.OwnersOf(0).Should().ContainSingle().Which.InstanceId.Should().Be("a");
        rings.Should().HaveCount(2);
        rings[^1].Should().BeSameAs(store.Current);

        await store.RemovePartitionAsync(0, CancellationToken.None);
        await store.RemoveOwnerAsync("a", CancellationToken.None);
        store.Current.Partitions.Should().BeEmpty();
        store.Current.Owners.Should().BeEmpty();
        rings.Should().HaveCount(4);
    }

    [Fact]
    public async Task A_throwing_subscriber_neither_fails_the_write_nor_starves_the_others()
    {
        var store = new InMemoryPartitionRingStore();
        var calls = 0;
        store.Changed += _ => throw new InvalidOperationException("boom");
        store.Changed += _ => calls++;

        await store.SetPartitionAsync(new PartitionDesc(1, PartitionState.Pending, T0), CancellationToken.None);

        calls.Should().Be(1);
        store.Current.Partitions.Keys.Should().Equal(1);
    }
}
