using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.IngestLog.Tests.Embedded;

namespace Tempo.Streaming.IngestLog.Tests.Ring;

/// <summary><see cref="LogPartitionRingStore"/> over the embedded log: several stores share one log as members share the ring topic.</summary>
public sealed class LogPartitionRingStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_123);
    private readonly TestLogFolder _folder = new();
    private readonly List<IAsyncDisposable> _disposables = [];
    private EmbeddedIngestLog _log = null!;

    public Task InitializeAsync()
    {
        _log = Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        _folder.Dispose();
    }

    private EmbeddedIngestLog Open()
    {
        var log = EmbeddedIngestLog.Open(_folder.Options(partitions: 1) with { Topic = "tempo-ingest-ring" });
        _disposables.Add(log);
        return log;
    }

    private async Task<LogPartitionRingStore> StartStoreAsync(IIngestLog log, TimeSpan? pollInterval = null, CapturingLogger? logger = null)
    {
        var store = new LogPartitionRingStore(log, (Microsoft.Extensions.Logging.ILogger?)logger ?? NullLogger.Instance, pollInterval ?? TimeSpan.FromMilliseconds(20));
        _disposables.Add(store);
        await store.StartAsync(CancellationToken.None);
        return store;
    }

    private static OwnerDesc Owner(string id, int partition, DateTimeOffset heartbeat) =>
        new(id, partition, "zone-a", "10.0.0.7:3200", OwnerState.Active, T0, heartbeat);

    [Fact]
    public async Task A_write_is_visible_at_once_to_its_writer_and_after_tailing_to_another_member()
    {
        var writer = await StartStoreAsync(_log);
        var reader = await StartStoreAsync(_log);
        var seen = new List<PartitionRingDesc>();
        reader.Changed += ring =>
        {
            lock (seen)
            {
                seen.Add(ring);
            }
        };

        await writer.SetPartitionAsync(new PartitionDesc(3, PartitionState.Pending, T0), CancellationToken.None);
        await writer.SetOwnerAsync(Owner("live-store-zone-a-3", 3, T0), CancellationToken.None);
        writer.Current.Partitions[3].Should().Be(new PartitionDesc(3, PartitionState.Pending, T0));

        await Poll.UntilAsync(() => reader.Current.Owners.ContainsKey("live-store-zone-a-3"), "the reader tailed both writes");
        reader.Current.Partitions[3].Should().Be(new PartitionDesc(3, PartitionState.Pending, T0));
        reader.Current.Owners["live-store-zone-a-3"].Should().Be(Owner("live-store-zone-a-3", 3, T0));
        lock (seen)
        {
            seen.Should().NotBeEmpty();
            seen[^1].Should().BeSameAs(reader.Current);
        }
    }

    [Fact]
    public async Task A_store_started_on_an_existing_log_sees_the_last_state_of_every_key_before_start_returns()
    {
        var writer = await StartStoreAsync(_log);
        await writer.SetPartitionAsync(new PartitionDesc(0, PartitionState.Pending, T0), CancellationToken.None);
        await writer.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, T0.AddSeconds(10)), CancellationToken.None);
        await writer.SetPartitionAsync(new PartitionDesc(1, PartitionState.Active, T0), CancellationToken.None);
        await writer.SetPartitionAsync(new PartitionDesc(1, PartitionState.Inactive, T0.AddMinutes(5)), CancellationToken.None);
        await writer.SetOwnerAsync(Owner("a", 0, T0), CancellationToken.None);
        await writer.SetOwnerAsync(Owner("a", 0, T0.AddSeconds(5)), CancellationToken.None);
        await writer.SetOwnerAsync(Owner("b", 1, T0), CancellationToken.None);
        await writer.RemoveOwnerAsync("b", CancellationToken.None);
        await writer.SetPartitionAsync(new PartitionDesc(2, PartitionState.Inactive, T0), CancellationToken.None);
        await writer.RemovePartitionAsync(2, CancellationToken.None);
        var expected = writer.Current;

        await writer.DisposeAsync();
        await _log.DisposeAsync();
        var reopened = Open();
        var store = await StartStoreAsync(reopened, TimeSpan.FromHours(1));

        store.Current.Partitions.Values.Should().Equal(
            new PartitionDesc(0, PartitionState.Active, T0.AddSeconds(10)),
            new PartitionDesc(1, PartitionState.Inactive, T0.AddMinutes(5)));
        store.Current.Owners.Values.Should().Equal(Owner("a", 0, T0.AddSeconds(5)));
        store.Current.Partitions.Should().Equal(expected.Partitions);
        store.Current.Owners.Should().Equal(expected.Owners);
    }

    [Fact]
    public async Task Deletions_are_empty_values_and_reach_other_members()
    {
        var writer = await StartStoreAsync(_log);
        var reader = await StartStoreAsync(_log);
        await writer.SetPartitionAsync(new PartitionDesc(4, PartitionState.Inactive, T0), CancellationToken.None);
        await writer.SetOwnerAsync(Owner("x", 4, T0), CancellationToken.None);
        await Poll.UntilAsync(() => reader.Current.Owners.ContainsKey("x"), "the reader saw the owner");

        await writer.RemoveOwnerAsync("x", CancellationToken.None);
        await writer.RemovePartitionAsync(4, CancellationToken.None);
        writer.Current.Partitions.Should().BeEmpty();
        writer.Current.Owners.Should().BeEmpty();
        await Poll.UntilAsync(() => reader.Current.Partitions.Count == 0 && reader.Current.Owners.Count == 0, "the reader applied both deletions");

        var records = await _log.ReadAsync(0, 2, 10, 1 << 20, CancellationToken.None);
        records.Select(r => Encoding.UTF8.GetString(r.Key.Span)).Should().Equal("owner/x", "partition/4");
        records.Should().OnlyContain(r => r.Value.IsEmpty);
    }

    [Fact]
    public async Task The_tail_never_rolls_a_key_back_to_an_older_record()
    {
        // The tail sleeps for an hour after its first (empty) read, so this test decides when records are read.
        var store = await StartStoreAsync(_log, TimeSpan.FromHours(1));

        // An older record of partition 0 lands in the log without passing through this store (another member's
        // earlier write), then this store writes a newer one and applies it locally before its tail got to either.
        await _log.AppendAsync(0, [new IngestRecord(Encoding.UTF8.GetBytes("partition/0"),
            RingRecordCodec.Encode(new PartitionDesc(0, PartitionState.Pending, T0)), T0)], CancellationToken.None);
        await store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Inactive, T0.AddMinutes(1)), CancellationToken.None);

        while (await store.ReadOnceAsync(CancellationToken.None))
        {
        }

        store.Current.Partitions[0].Should().Be(new PartitionDesc(0, PartitionState.Inactive, T0.AddMinutes(1)));
    }

    [Fact]
    public async Task Undecodable_records_are_logged_and_skipped_and_the_tail_keeps_going()
    {
        var logger = new CapturingLogger();
        var reader = await StartStoreAsync(_log, logger: logger);
        IngestRecord Raw(string key, byte[] value) => new(Encoding.UTF8.GetBytes(key), value, T0);
        await _log.AppendAsync(0, [
            Raw("something/else", [1, 2, 3]),
            Raw("partition/abc", RingRecordCodec.Encode(new PartitionDesc(1, PartitionState.Active, T0))),
            Raw("partition/1", [0xFF, 0xFF, 0xFF]),
            Raw("partition/1", RingRecordCodec.Encode(new PartitionDesc(2, PartitionState.Active, T0))),
            Raw("owner/a", RingRecordCodec.Encode(Owner("b", 0, T0))),
            Raw("partition/1", RingRecordCodec.Encode(new PartitionDesc(1, PartitionState.Active, T0))),
        ], CancellationToken.None);

        await Poll.UntilAsync(() => reader.Current.Partitions.ContainsKey(1), "the valid record after the bad ones was applied");
        reader.Current.Partitions.Keys.Should().Equal(1);
        reader.Current.Owners.Should().BeEmpty();
        var skipped = logger.Entries.Where(e => e.Event.Id == 1521).Select(e => e.Message).ToArray();
        skipped.Should().HaveCount(5);
        skipped[0].Should().Contain("offset 0").And.Contain("unknown key");
        skipped[1].Should().Contain("not a non-negative integer");
        skipped[2].Should().Contain("not a RingPartition message");
        skipped[3].Should().Contain("describes partition 2");
        skipped[4].Should().Contain("describes owner 'b'");
    }

    [Fact]
    public async Task Timestamps_travel_as_unix_milliseconds_and_the_writer_sees_what_readers_decode()
    {
        var store = await StartStoreAsync(_log);
        var precise = T0.AddTicks(1234); // below a millisecond
        await store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, precise), CancellationToken.None);

        store.Current.Partitions[0].StateTimestamp.Should().Be(T0);
    }
}
