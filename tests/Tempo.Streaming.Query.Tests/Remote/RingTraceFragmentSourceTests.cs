using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.Query.Remote;

namespace Tempo.Streaming.Query.Tests.Remote;

/// <summary>
/// The trace-by-ID fan-out over the partition ring: local partitions in-process, the others from their owners over real
/// loopback HTTP, PENDING partitions skipped, failover between owners (same zone first), and a 503-worthy exception when a
/// partition has no owner that answers.
/// </summary>
public sealed class RingTraceFragmentSourceTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private static readonly byte[] TraceId = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10");

    private readonly InMemoryPartitionRingStore _ring = new();
    private readonly HttpClient _http = new();
    private readonly FakeLocalSource _local = new();
    private FakeLiveStoreServer _storeA = null!;
    private FakeLiveStoreServer _storeB = null!;

    public async Task InitializeAsync()
    {
        _storeA = await FakeLiveStoreServer.StartAsync();
        _storeB = await FakeLiveStoreServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _storeA.DisposeAsync();
        await _storeB.DisposeAsync();
    }

    [Fact]
    public async Task Reads_local_partitions_in_process_and_the_others_from_their_owners_including_inactive_ones()
    {
        _local.Fragment = Bytes("local");
        _storeA.Holds(Tenant, TraceId, Bytes("remote-1"));
        _storeB.Holds(Tenant, TraceId, Bytes("remote-2"));
        await PartitionAsync(0, PartitionState.Active);
        await PartitionAsync(1, PartitionState.Active);
        await PartitionAsync(2, PartitionState.Inactive);
        await OwnerAsync("live-store-zone-a-0", 0, "zone-a", "127.0.0.1:1");
        await OwnerAsync("live-store-zone-a-1", 1, "zone-a", _storeA.Address);
        await OwnerAsync("live-store-zone-a-2", 2, "zone-a", _storeB.Address);

        var found = await Source(localPartitions: [0], instanceId: "live-store-zone-a-0")
            .FindTraceAsync(Tenant, TraceId, new QueryWindow(1_700_000_000, 1_700_000_600), CancellationToken.None);

        found.Fragments.Select(Text).Should().BeEquivalentTo("local", "remote-1", "remote-2");
        found.InspectedBytes.Should().Be(5 + 80 + 80, "the local store's bytes plus each live store's X-Tempo-Inspected-Bytes");
        _local.Lookups.Should().Equal((Tenant, new QueryWindow(1_700_000_000, 1_700_000_600)));
        _storeA.Requests.Should().ContainSingle().Which.Should().Be(
            (Tenant, "/live-store/api/traces/0102030405060708090a0b0c0d0e0f10", "?start=1700000000&end=1700000600"));
        _storeB.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Pending_partitions_are_not_queried_and_an_open_window_sends_no_bounds()
    {
        _storeA.Holds(Tenant, TraceId, Bytes("active"));
        await PartitionAsync(1, PartitionState.Active);
        await PartitionAsync(2, PartitionState.Pending);
        await OwnerAsync("live-store-zone-a-1", 1, "zone-a", _storeA.Address);
        await OwnerAsync("live-store-zone-a-2", 2, "zone-a", _storeB.Address);

        var found = await Source().FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None);

        found.Fragments.Select(Text).Should().Equal("active");
        _storeA.Requests.Single().Query.Should().BeEmpty();
        _storeB.Requests.Should().BeEmpty("Tempo does not query PENDING partitions: nothing was written to them");
        _local.Lookups.Should().BeEmpty("this process serves no partition");
    }

    [Fact]
    public async Task A_404_is_an_answer_not_a_failure()
    {
        await PartitionAsync(1, PartitionState.Active);
        await OwnerAsync("live-store-zone-a-1", 1, "zone-a", _storeA.Address);
        await OwnerAsync("live-store-zone-b-1", 1, "zone-b", _storeB.Address);

        var found = await Source(zone: "zone-a").FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None);

        found.Fragments.Should().BeEmpty();
        found.InspectedBytes.Should().Be(7);
        _storeB.Requests.Should().BeEmpty("the first owner's 404 settles the partition");
    }

    [Fact]
    public async Task An_unreachable_owner_is_skipped_for_the_next_one_and_the_same_zone_is_tried_first()
    {
        _storeA.Holds(Tenant, TraceId, Bytes("zone-b copy"));
        _storeB.Holds(Tenant, TraceId, Bytes("zone-c copy"));
        await PartitionAsync(1, PartitionState.Active);
        // Instance-ID order would try zone-a first; zone-c is the caller's zone and goes first, then the others.
        await OwnerAsync("live-store-zone-a-1", 1, "zone-a", FakeLiveStoreServer.UnreachableAddress());
        await OwnerAsync("live-store-zone-b-1", 1, "zone-b", _storeA.Address);
        await OwnerAsync("live-store-zone-c-1", 1, "zone-c", _storeB.Address);

        var sameZone = await Source(zone: "zone-c").FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None);
        sameZone.Fragments.Select(Text).Should().Equal("zone-c copy");
        _storeA.Requests.Should().BeEmpty();

        var failover = await Source(zone: "zone-a").FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None);
        failover.Fragments.Select(Text).Should().ContainSingle()
            .Which.Should().Be("zone-b copy", "zone-a's owner refuses connections, so the next owner answers");
    }

    [Fact]
    public async Task A_partition_without_an_answering_owner_fails_the_lookup_naming_the_partition_and_each_cause()
    {
        _storeA.FailWith = 500;
        await PartitionAsync(1, PartitionState.Active);
        await PartitionAsync(2, PartitionState.Inactive);
        await PartitionAsync(3, PartitionState.Active);
        var unreachable = FakeLiveStoreServer.UnreachableAddress();
        await OwnerAsync("live-store-zone-a-1", 1, "zone-a", _storeA.Address);
        await OwnerAsync("live-store-zone-b-1", 1, "zone-b", unreachable);
        await OwnerAsync("live-store-zone-a-3", 3, "zone-a", _storeB.Address);

        var lookup = () => Source(zone: "zone-a").FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None).AsTask();

        var error = (await lookup.Should().ThrowAsync<PartitionUnavailableException>()).Which;
        error.Partitions.Should().Equal(1, 2);
        error.Message.Should().Contain("partition 1").And.Contain($"live-store-zone-a-1 at {_storeA.Address}: HTTP 500: store is broken")
            .And.Contain($"live-store-zone-b-1 at {unreachable}").And.Contain("partition 2 (no owner is OwnerActive");
        _storeB.Requests.Should().ContainSingle("partition 3 was still asked, concurrently");
    }

    [Fact]
    public async Task Stale_deleted_and_own_owner_entries_are_not_called()
    {
        var now = DateTimeOffset.UtcNow;
        await PartitionAsync(1, PartitionState.Active);
        await _ring.SetOwnerAsync(new OwnerDesc("stale", 1, "zone-a", _storeA.Address, OwnerState.Active, now, now.AddMinutes(-2)), default);
        await _ring.SetOwnerAsync(new OwnerDesc("deleted", 1, "zone-a", _storeA.Address, OwnerState.Deleted, now, now), default);
        await _ring.SetOwnerAsync(new OwnerDesc("querier-0/1", 1, "zone-a", _storeA.Address, OwnerState.Active, now, now), default);
        await _ring.SetOwnerAsync(new OwnerDesc("no-address", 1, "zone-a", "", OwnerState.Active, now, now), default);

        var lookup = () => Source(instanceId: "querier-0").FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None).AsTask();

        (await lookup.Should().ThrowAsync<PartitionUnavailableException>()).Which.Partitions.Should().Equal(1);
        _storeA.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task An_owner_slower_than_the_request_timeout_is_given_up_for_the_next()
    {
        _storeA.Delay = TimeSpan.FromSeconds(30);
        _storeA.Holds(Tenant, TraceId, Bytes("slow"));
        _storeB.Holds(Tenant, TraceId, Bytes("fast"));
        await PartitionAsync(1, PartitionState.Active);
        await OwnerAsync("live-store-zone-a-1", 1, "zone-a", _storeA.Address);
        await OwnerAsync("live-store-zone-b-1", 1, "zone-b", _storeB.Address);
        var started = DateTimeOffset.UtcNow;

        var found = await Source(zone: "zone-a", requestTimeout: TimeSpan.FromMilliseconds(300))
            .FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None);

        found.Fragments.Select(Text).Should().Equal("fast");
        (DateTimeOffset.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(10));

        _storeB.FailWith = 503;
        var lookup = () => Source(zone: "zone-a", requestTimeout: TimeSpan.FromMilliseconds(300))
            .FindTraceAsync(Tenant, TraceId, QueryWindow.All, CancellationToken.None).AsTask();
        (await lookup.Should().ThrowAsync<PartitionUnavailableException>()).Which.Message.Should().Contain("no answer within 0.3 s")
            .And.Contain("HTTP 503");
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_turned_into_an_unavailable_partition()
    {
        _storeA.Delay = TimeSpan.FromSeconds(30);
        await PartitionAsync(1, PartitionState.Active);
        await OwnerAsync("live-store-zone-a-1", 1, "zone-a", _storeA.Address);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var lookup = () => Source().FindTraceAsync(Tenant, TraceId, QueryWindow.All, cancel.Token).AsTask();

        await lookup.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Partitions_said_to_be_local_need_a_local_source()
    {
        var create = () => new RingTraceFragmentSource(_ring, null, [0], _http, new RingTraceFragmentSourceOptions { InstanceId = "x" },
            NullLogger.Instance);
        create.Should().Throw<ArgumentException>().WithMessage("*partitions 0 are said to be served in-process*");

        var noId = () => new RingTraceFragmentSourceOptions { InstanceId = "" }.Validate();
        noId.Should().Throw<ArgumentException>().WithMessage("*instance ID*");
    }

    private RingTraceFragmentSource Source(IReadOnlyCollection<int>? localPartitions = null, string instanceId = "querier-0",
        string zone = "", TimeSpan? requestTimeout = null) =>
        new(_ring, _local, localPartitions ?? [], _http, new RingTraceFragmentSourceOptions
        {
            InstanceId = instanceId,
            Zone = zone,
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5),
        }, NullLogger.Instance);

    private Task PartitionAsync(int id, PartitionState state) =>
        _ring.SetPartitionAsync(new PartitionDesc(id, state, DateTimeOffset.UtcNow), CancellationToken.None);

    private Task OwnerAsync(string instanceId, int partition, string zone, string address)
    {
        var now = DateTimeOffset.UtcNow;
        return _ring.SetOwnerAsync(new OwnerDesc(instanceId, partition, zone, address, OwnerState.Active, now, now), CancellationToken.None);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> fragment) => Encoding.UTF8.GetString(fragment.Span);

    private sealed class FakeLocalSource : ITraceFragmentSource
    {
        public byte[]? Fragment { get; set; }

        public List<(string Tenant, QueryWindow Window)> Lookups { get; } = [];

        public ValueTask<TraceFragments> FindTraceAsync(string tenant, ReadOnlyMemory<byte> traceId, QueryWindow window,
            CancellationToken cancellationToken)
        {
            lock (Lookups)
            {
                Lookups.Add((tenant, window));
            }

            return ValueTask.FromResult(Fragment is null ? TraceFragments.None : new TraceFragments([Fragment], Fragment.Length));
        }
    }
}
