using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;
using Tempo.Streaming.Server.Lifecycle;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

/// <summary>
/// <c>-target=live-store</c> and <c>-target=distributor</c> in-process against librdkafka's mock cluster (real Kafka
/// protocol on loopback): what each target runs and listens on, a push through the distributor read back by ID from the
/// live store, startup while Kafka is unreachable, and the startup errors a live store reports.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class DistributedTargetTests : IDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly Tempo.Streaming.MockKafka.MockKafkaCluster _kafka = new();
    private readonly string _topic = "tempo-ingest-" + Guid.NewGuid().ToString("N")[..8];

    public DistributedTargetTests()
    {
        // The mock has no CreateTopics handler: topics are made up front, as an operator (or compose's init job) would.
        _kafka.CreateTopic(_topic, 2);
        _kafka.CreateTopic(_topic + "-ring", 1);
    }

    public void Dispose() => _kafka.Dispose();

    [Fact]
    public async Task A_live_store_consumes_its_ordinals_partition_joins_the_ring_and_listens_only_on_http()
    {
        await using var liveStore = await StartAsync(ServerTargets.LiveStore, "live-store-zone-a-1");
        await liveStore.WaitUntilReadyAsync(StartupTimeout);

        var bindings = liveStore.App.Services.GetRequiredService<ListenerBindings>();
        bindings.IsEnabled(ListenerRole.OtlpGrpc).Should().BeFalse("a live store takes no pushes, even with receivers in its config");
        bindings.IsEnabled(ListenerRole.OtlpHttp).Should().BeFalse();
        liveStore.App.Services.GetRequiredService<ServiceRegistry>().Services.Select(s => s.Name)
            .Should().Equal("server", "ingest-log", "partition-ring", "live-store");

        var ring = liveStore.App.Services.GetRequiredService<Api.Ring.RingServices>();
        ring.LocalStore!.Partitions.Should().Equal(1);
        ring.Lifecycler!.Options.Partitions.Should().Equal(1);
        ring.Store!.Current.Owners.Should().ContainKey("live-store-zone-a-1");
        ring.Store.Current.Owners["live-store-zone-a-1"].HttpAddress.Should().Be($"127.0.0.1:{liveStore.HttpPort}",
            "the ring publishes the bound HTTP port when server.http_listen_port is 0");
        ring.Store.Current.Owners["live-store-zone-a-1"].Zone.Should().Be("zone-a");
        ring.ShutdownMarkerPath.Should().Be(Path.Combine(liveStore.DataRoot, "marker", "shutdown-requested.txt"));

        using var config = await liveStore.Client.GetAsync(liveStore.HttpUri("/status/config"));
        (await config.Content.ReadAsStringAsync()).Should().Contain($"address: {_kafka.BootstrapServers}").And.Contain("target: live-store");
    }

    [Fact]
    public async Task A_push_to_the_distributor_is_found_by_id_on_the_live_store_and_the_distributor_serves_no_queries()
    {
        await using var liveStore = await StartAsync(ServerTargets.LiveStore, "live-store-zone-a-0");
        await using var distributor = await StartAsync(ServerTargets.Distributor, "distributor-0");
        await liveStore.WaitUntilReadyAsync(StartupTimeout);
        await distributor.WaitUntilReadyAsync(StartupTimeout);

        distributor.App.Services.GetRequiredService<ServiceRegistry>().Services.Select(s => s.Name)
            .Should().Equal("server", "ingest-log", "partition-ring", "distributor", "receivers");

        var request = Spans.Request(traces: 1, spansPerTrace: 3, seed: 42);
        var traceId = Convert.ToHexStringLower(request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span);

        // Partition 0 turns ACTIVE once its owner has been registered for min_partition_owners_duration; until then the
        // distributor has no writable partition and answers 503 (clients retry), never 200 without a durable write.
        await PollAsync(async () =>
        {
            using var content = new ByteArrayContent(request.ToByteArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } };
            using var push = await distributor.Client.PostAsync(distributor.OtlpHttpUri("/v1/traces"), content);
            push.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable);
            return push.StatusCode == HttpStatusCode.OK;
        }, "the distributor accepts the push once partition 0 is ACTIVE");

        await PollAsync(async () =>
        {
            using var found = await liveStore.Client.GetAsync(liveStore.HttpUri($"/api/traces/{traceId}"));
            return found.StatusCode == HttpStatusCode.OK && (await found.Content.ReadAsStringAsync()).Contains("\"batches\"", StringComparison.Ordinal);
        }, "the live store consumed the record and answers trace by ID");

        using var onDistributor = await distributor.Client.GetAsync(distributor.HttpUri($"/api/traces/{traceId}"));
        onDistributor.StatusCode.Should().Be(HttpStatusCode.NotFound, "Tempo's distributor target serves no query API");
        using var ringPage = await distributor.Client.GetAsync(distributor.HttpUri("/partition-ring"));
        ringPage.StatusCode.Should().Be(HttpStatusCode.OK, "every target shows the partition ring");
    }

    [Fact]
    public async Task While_kafka_is_unreachable_ready_names_the_ingest_log_as_starting_then_the_target_starts()
    {
        _kafka.SetAllBrokersDown();
        var retry = new KafkaStartupRetry(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), MaxRetries: 1000);
        await using var liveStore = await StartAsync(ServerTargets.LiveStore, "live-store-zone-a-0", s => s.AddSingleton(retry));

        await PollAsync(async () =>
        {
            using var ready = await liveStore.Client.GetAsync(liveStore.HttpUri("/ready"));
            var body = await ready.Content.ReadAsStringAsync();
            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            return body.Contains("Starting: 1 (ingest-log)", StringComparison.Ordinal);
        }, "/ready says the ingest log is starting");
        liveStore.App.Lifetime.ApplicationStopping.IsCancellationRequested.Should().BeFalse("an unreachable broker is retried, not fatal at once");

        _kafka.SetAllBrokersUp();
        await liveStore.WaitUntilReadyAsync(StartupTimeout);
    }

    [Fact]
    public async Task Kafka_still_unreachable_after_the_retries_fails_the_ingest_log_and_stops_the_process()
    {
        _kafka.SetAllBrokersDown();
        var retry = new KafkaStartupRetry(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), MaxRetries: 1);
        await using var distributor = await StartAsync(ServerTargets.Distributor, "distributor-0", s => s.AddSingleton(retry));

        await PollAsync(() => Task.FromResult(distributor.App.Lifetime.ApplicationStopping.IsCancellationRequested),
            "a target that cannot reach Kafka stops, as Tempo's module fails after its retries");
        var ingestLog = distributor.App.Services.GetRequiredService<ServiceRegistry>().Get(ServiceRegistry.IngestLog);
        ingestLog.State.Should().Be(ServiceState.Failed);
        ingestLog.FailureCase.Should().StartWith($"kafka broker not ready after 1 retries: cannot open topic {_topic} at {_kafka.BootstrapServers}: ");
    }

    [Fact]
    public async Task A_live_store_whose_ordinal_is_past_the_topics_partitions_fails_saying_so()
    {
        await using var liveStore = await StartAsync(ServerTargets.LiveStore, "live-store-zone-a-5");

        await PollAsync(() => Task.FromResult(liveStore.App.Lifetime.ApplicationStopping.IsCancellationRequested), "the live store fails");
        liveStore.App.Services.GetRequiredService<ServiceRegistry>().Get(ServiceRegistry.LiveStore).FailureCase.Should().Be(
            $"live store live-store-zone-a-5 owns partition 5 (its instance ordinal), but topic {_topic} has only 2 partitions (0..1); " +
            "add partitions to the topic or run fewer live stores");
    }

    [Fact]
    public async Task A_shutdown_marker_present_at_startup_makes_the_live_store_leave_the_ring_on_shutdown()
    {
        var dataRoot = Directory.CreateTempSubdirectory("tempo-server-test-").FullName;
        Directory.CreateDirectory(Path.Combine(dataRoot, "marker"));
        await File.WriteAllTextAsync(Path.Combine(dataRoot, "marker", "shutdown-requested.txt"), DateTimeOffset.UtcNow.ToString("O"));

        // The partition exists (created by an earlier member), so a start that may not create it still joins as owner.
        await using (var first = await StartAsync(ServerTargets.LiveStore, "live-store-zone-a-1"))
        {
            await first.WaitUntilReadyAsync(StartupTimeout);
        }

        await using var liveStore = await StartAsync(ServerTargets.LiveStore, "live-store-zone-a-1", dataRoot: dataRoot);
        await liveStore.WaitUntilReadyAsync(StartupTimeout);
        var lifecycler = liveStore.App.Services.GetRequiredService<Api.Ring.RingServices>().Lifecycler!;
        lifecycler.CreatePartitionOnStartup.Should().BeFalse();
        lifecycler.RemoveOwnerOnShutdown.Should().BeTrue();

        await using var observer = await StartAsync(ServerTargets.Distributor, "distributor-0");
        await observer.WaitUntilReadyAsync(StartupTimeout);
        var ring = observer.App.Services.GetRequiredService<Api.Ring.RingServices>().Store!;
        await PollAsync(() => Task.FromResult(ring.Current.Owners.ContainsKey("live-store-zone-a-1")), "the distributor sees the owner");

        await liveStore.StopAsync();
        await PollAsync(() => Task.FromResult(!ring.Current.Owners.ContainsKey("live-store-zone-a-1")),
            "the prepared live store removed its owner entry on shutdown");
    }

    private Task<RunningServer> StartAsync(string target, string instanceId, Action<IServiceCollection>? services = null, string? dataRoot = null) =>
        RunningServer.StartAsync(config =>
        {
            var root = Path.GetDirectoryName(config.LiveStore.Path)!;
            return config with
            {
                Target = target,
                Ingest = config.Ingest with
                {
                    Kafka = new KafkaIngestConfig { Address = _kafka.BootstrapServers, Topic = _topic, AutoCreateTopicEnabled = false },
                },
                LiveStore = config.LiveStore with
                {
                    ShutdownMarkerDir = Path.Combine(root, "marker"),
                    Ring = new LiveStoreRingConfig { InstanceId = instanceId, InstanceAvailabilityZone = "zone-a", InstanceAddr = "127.0.0.1" },
                    PartitionRing = new PartitionRingConfig { MinPartitionOwnersDuration = TimeSpan.Zero },
                },
            };
        }, services, dataRoot);

    private static async Task PollAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, because);
            await Task.Delay(50);
        }
    }
}
