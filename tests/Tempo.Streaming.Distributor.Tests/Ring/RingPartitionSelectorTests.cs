using Microsoft.Extensions.Logging;
using Tempo.Streaming.Distributor.Tests.Support;
using Tempo.Streaming.IngestLog.Ring;
using static Tempo.Streaming.Distributor.Tests.Support.Otlp;

namespace Tempo.Streaming.Distributor.Tests.Ring;

public sealed class RingPartitionSelectorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly InMemoryPartitionRingStore _store = new();
    private readonly ListLogger _logger = new();

    private RingPartitionSelector Selector(int partitionCount = 4) => new(_store, partitionCount, "tempo-ingest", _logger);

    private Task SetAsync(int partition, PartitionState state) =>
        _store.SetPartitionAsync(new PartitionDesc(partition, state, T0), CancellationToken.None);

    private static uint[] Keys(int count)
    {
        var random = new Random(42);
        var keys = new uint[count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (uint)random.NextInt64(0, 1L << 32);
        }

        return keys;
    }

    [Fact]
    public async Task Routes_only_to_active_partitions_and_follows_ring_changes()
    {
        await SetAsync(0, PartitionState.Active);
        await SetAsync(1, PartitionState.Pending);
        await SetAsync(2, PartitionState.Inactive);
        await SetAsync(3, PartitionState.Active);
        using var selector = Selector();

        selector.ActivePartitions.Should().Equal(0, 3);
        Keys(10_000).Select(selector.PartitionFor).Distinct().Order().Should().Equal(0, 3);

        await SetAsync(1, PartitionState.Active);
        selector.ActivePartitions.Should().Equal(0, 1, 3);
        Keys(10_000).Select(selector.PartitionFor).Distinct().Order().Should().Equal(0, 1, 3);
    }

    [Fact]
    public async Task With_every_partition_active_it_routes_like_the_fixed_ring()
    {
        for (var p = 0; p < 4; p++)
        {
            await SetAsync(p, PartitionState.Active);
        }

        using var selector = Selector();
        var fixedRing = new InMemoryPartitionRing(4);
        foreach (var key in Keys(20_000))
        {
            selector.PartitionFor(key).Should().Be(fixedRing.PartitionFor(key));
        }
    }

    [Fact]
    public async Task A_partition_turning_inactive_moves_only_its_own_keys_and_back_restores_them()
    {
        for (var p = 0; p < 4; p++)
        {
            await SetAsync(p, PartitionState.Active);
        }

        using var selector = Selector();
        var keys = Keys(50_000);
        var before = keys.Select(selector.PartitionFor).ToArray();

        await SetAsync(2, PartitionState.Inactive);
        var during = keys.Select(selector.PartitionFor).ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            if (before[i] == 2)
            {
                during[i].Should().NotBe(2);
            }
            else
            {
                during[i].Should().Be(before[i], "a key the INACTIVE partition did not own stays where it was");
            }
        }

        before.Count(p => p == 2).Should().BeGreaterThan(5_000, "the test moves a real share of the keys");

        await SetAsync(2, PartitionState.Active);
        keys.Select(selector.PartitionFor).Should().Equal(before);
    }

    [Fact]
    public async Task Changes_that_keep_the_active_set_keep_the_table()
    {
        await SetAsync(0, PartitionState.Active);
        await SetAsync(1, PartitionState.Pending);
        using var selector = Selector();
        var table = selector.Table;

        await _store.SetOwnerAsync(new OwnerDesc("a", 0, "", "", OwnerState.Active, T0, T0), CancellationToken.None);
        await _store.SetOwnerAsync(new OwnerDesc("a", 0, "", "", OwnerState.Active, T0, T0.AddSeconds(5)), CancellationToken.None);
        await _store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, T0.AddMinutes(1)), CancellationToken.None);
        await SetAsync(1, PartitionState.Inactive);

        selector.Table.Should().BeSameAs(table, "a trace's partition changes only when the ACTIVE set does");
    }

    [Fact]
    public async Task No_active_partition_fails_lookups_with_the_states_in_the_message()
    {
        using var selector = Selector();
        var lookup = () => selector.PartitionFor(123);
        lookup.Should().Throw<InvalidOperationException>().WithMessage("no ACTIVE partition in the ring (the ring has no partitions)");

        await SetAsync(0, PartitionState.Pending);
        await SetAsync(1, PartitionState.Inactive);
        lookup.Should().Throw<InvalidOperationException>()
            .WithMessage("no ACTIVE partition in the ring (partitions 0: PartitionPending, 1: PartitionInactive)");
        selector.ActivePartitions.Should().BeEmpty();
    }

    [Fact]
    public async Task Partitions_the_log_does_not_have_are_ignored_with_a_warning()
    {
        await SetAsync(0, PartitionState.Active);
        await SetAsync(5, PartitionState.Active);
        using var selector = Selector(partitionCount: 2);

        selector.ActivePartitions.Should().Equal(0);
        Keys(5_000).Select(selector.PartitionFor).Distinct().Should().Equal(0);
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning)
            .Which.Message.Should().Be("The partition ring lists ACTIVE partitions [5] that ingest log 'tempo-ingest' does not have (2 partitions); no trace is routed to them");

        await _store.SetOwnerAsync(new OwnerDesc("a", 0, "", "", OwnerState.Active, T0, T0), CancellationToken.None);
        _logger.Entries.Count(e => e.Level == LogLevel.Warning).Should().Be(1, "the warning repeats only when the ignored set changes");
    }

    [Fact]
    public async Task Lookups_allocate_nothing()
    {
        for (var p = 0; p < 4; p++)
        {
            await SetAsync(p, PartitionState.Active);
        }

        using var selector = Selector();
        var keys = Keys(10_000);
        var sum = selector.PartitionFor(keys[0]);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        foreach (var key in keys)
        {
            sum += selector.PartitionFor(key);
        }

        (GC.GetAllocatedBytesForCurrentThread() - allocated).Should().Be(0);
        sum.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Dispose_stops_following_the_ring()
    {
        await SetAsync(0, PartitionState.Active);
        var selector = Selector();
        selector.Dispose();

        await SetAsync(1, PartitionState.Active);
        selector.ActivePartitions.Should().Equal(0);
    }

    [Fact]
    public async Task The_distributor_writes_nothing_to_a_partition_after_it_turned_inactive()
    {
        for (var p = 0; p < 2; p++)
        {
            await SetAsync(p, PartitionState.Active);
        }

        var log = new RecordingIngestLog(2);
        using var selector = Selector(partitionCount: 2);
        using var distributor = new TraceDistributor(log, selector, DistributorOptions.Default);
        byte[] Push(int from) => Bytes(ResourceSpans(Resource("a"), null,
            ScopeSpans(Scope("s"), null, Enumerable.Range(from, 200).Select(i => Span(i, i, "op")).ToArray())));

        await distributor.PushAsync("tenant", Push(0), CancellationToken.None);
        log.RecordsOf(0).Should().NotBeEmpty();
        log.RecordsOf(1).Should().NotBeEmpty();
        var onPartition1 = log.RecordsOf(1).Count;

        await SetAsync(1, PartitionState.Inactive);
        await distributor.PushAsync("tenant", Push(200), CancellationToken.None);
        log.RecordsOf(1).Should().HaveCount(onPartition1, "no record is written to an INACTIVE partition");
        Decode(log).Select(t => Convert.ToHexString(t.Id)).Distinct().Should().HaveCount(400, "every trace was written");

        await SetAsync(0, PartitionState.Inactive);
        var rejected = () => distributor.PushAsync("tenant", Push(400), CancellationToken.None).AsTask();
        (await rejected.Should().ThrowAsync<PushRejectedException>()).Which.Reason.Should().Be(PushRejectionReason.LogUnavailable);

        await SetAsync(1, PartitionState.Active);
        await distributor.PushAsync("tenant", Push(600), CancellationToken.None);
        log.RecordsOf(1).Count.Should().BeGreaterThan(onPartition1, "DELETE of the downscale makes the partition writable again");
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
