using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.IngestLog.Kafka;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.MockKafka;

namespace Tempo.Streaming.IngestLog.Tests.Ring;

/// <summary>The ring store on the Kafka adapter (librdkafka's mock cluster), as distributed mode runs it: one log per member.</summary>
public sealed class KafkaRingStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);
    private readonly List<IAsyncDisposable> _disposables = [];
    private MockKafkaCluster _cluster = null!;
    private string _topic = "";

    public Task InitializeAsync()
    {
        KafkaNative.EnsureInitialized();
        _cluster = new MockKafkaCluster(brokers: 1);
        _topic = "tempo-ingest-ring";
        _cluster.CreateTopic(_topic, 1);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        _cluster.Dispose();
    }

    private async Task<LogPartitionRingStore> StartMemberAsync()
    {
        var log = await KafkaIngestLog.OpenAsync(new KafkaLogOptions
        {
            Address = _cluster.BootstrapServers,
            Topic = _topic,
            AutoCreateTopicEnabled = false,
            ProducerLinger = TimeSpan.FromMilliseconds(5),
        }, NullLogger.Instance, null, CancellationToken.None);
        var store = new LogPartitionRingStore(log, NullLogger.Instance, TimeSpan.FromMilliseconds(50), disposeLog: true);
        _disposables.Add(store);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await store.StartAsync(timeout.Token);
        return store;
    }

    [Fact]
    public async Task Members_see_each_others_writes_and_deletions_and_a_new_member_loads_the_last_state()
    {
        var writer = await StartMemberAsync();
        var reader = await StartMemberAsync();
        var owner = new OwnerDesc("live-store-zone-a-0", 0, "zone-a", "10.0.0.1:3200", OwnerState.Active, T0, T0);

        await writer.SetPartitionAsync(new PartitionDesc(0, PartitionState.Pending, T0), CancellationToken.None);
        await writer.SetOwnerAsync(owner, CancellationToken.None);
        await writer.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, T0.AddSeconds(10)), CancellationToken.None);
        await writer.SetPartitionAsync(new PartitionDesc(1, PartitionState.Inactive, T0), CancellationToken.None);
        await writer.RemovePartitionAsync(1, CancellationToken.None);

        await Poll.UntilAsync(() => reader.Current.Partitions.TryGetValue(0, out var p) && p.State == PartitionState.Active && !reader.Current.Partitions.ContainsKey(1),
            "the other member tailed every write", TimeSpan.FromSeconds(30));
        reader.Current.Owners.Values.Should().Equal(owner);

        await writer.RemoveOwnerAsync(owner.InstanceId, CancellationToken.None);
        await Poll.UntilAsync(() => reader.Current.Owners.Count == 0, "the tombstone reached the other member", TimeSpan.FromSeconds(30));

        var late = await StartMemberAsync();
        late.Current.Partitions.Values.Should().Equal(new PartitionDesc(0, PartitionState.Active, T0.AddSeconds(10)));
        late.Current.Owners.Should().BeEmpty();
    }
}
