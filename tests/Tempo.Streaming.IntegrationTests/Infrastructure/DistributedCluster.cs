using System.Net;
using System.Text.Json;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>
/// Tempo.Streaming in distributed mode on loopback: a <c>mock-kafka</c> broker, one <c>-target=distributor</c> process
/// and live stores (<c>-target=live-store</c>, instance <c>live-store-zone-a-N</c> owning partition N), each its own
/// process with its own data folder.
/// </summary>
public sealed class DistributedCluster : IAsyncDisposable
{
    public const string Topic = "tempo-ingest";

    private readonly TempDir _dir;
    private readonly ServerProcess?[] _liveStores;
    private readonly ServerPorts[] _liveStorePorts;
    private readonly string _extraYaml;

    private DistributedCluster(TempDir dir, MockKafkaProcess kafka, int liveStores, string extraYaml)
    {
        _dir = dir;
        _extraYaml = extraYaml;
        Kafka = kafka;
        _liveStores = new ServerProcess?[liveStores];
        _liveStorePorts = Enumerable.Range(0, liveStores).Select(_ => ServerPorts.Allocate()).ToArray();
    }

    public MockKafkaProcess Kafka { get; }

    public ServerProcess Distributor { get; private set; } = null!;

    public ServerProcess LiveStore(int ordinal) =>
        _liveStores[ordinal] ?? throw new InvalidOperationException($"live store {ordinal} is not running");

    /// <summary>
    /// Starts the broker (topic with one partition per live store), the live stores, then the distributor. Every
    /// process's config ends with <paramref name="extraYaml"/>: top-level sections the generated config lacks (e.g.
    /// <c>storage</c>).
    /// </summary>
    public static async Task<DistributedCluster> StartAsync(int liveStores = 2, string extraYaml = "")
    {
        var dir = new TempDir("tempo-it-distributed");
        var kafka = await MockKafkaProcess.StartAsync($"{Topic}:{liveStores}", $"{Topic}-ring:1");
        var cluster = new DistributedCluster(dir, kafka, liveStores, extraYaml);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, liveStores).Select(cluster.StartLiveStoreAsync));
            var distributorDir = Path.Combine(dir.Path, "distributor");
            cluster.Distributor = await ServerProcess.StartOnFreePortsAsync(distributorDir, "distributor",
                ports => cluster.ConfigYaml(ports, distributorDir, instanceId: "distributor-0"));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public string LiveStoreDataDir(int ordinal) => Path.Combine(_dir.Path, $"live-store-{ordinal}");

    /// <summary>Starts (or restarts, on the same data folder and ports) live store <paramref name="ordinal"/>.</summary>
    public async Task StartLiveStoreAsync(int ordinal)
    {
        var dataDir = LiveStoreDataDir(ordinal);
        // A restart keeps the store's ports when they are still free, and moves (the ring carries the new address) when not.
        var store = await ServerProcess.StartOnFreePortsAsync(dataDir, "live-store",
            ports => ConfigYaml(ports, dataDir, $"live-store-zone-a-{ordinal}"), preferred: _liveStorePorts[ordinal]);
        _liveStorePorts[ordinal] = store.Ports;
        _liveStores[ordinal] = store;
    }

    /// <summary>SIGKILL of live store <paramref name="ordinal"/>.</summary>
    public async Task KillLiveStoreAsync(int ordinal)
    {
        var process = LiveStore(ordinal);
        await process.KillAsync();
        await process.DisposeAsync();
        _liveStores[ordinal] = null;
    }

    private string ConfigYaml(ServerPorts ports, string dataDir, string instanceId) => ServerProcess.ListenersYaml(ports) + $"""
        ingest:
          kafka:
            address: {Kafka.BootstrapServers}
            topic: {Topic}
        live_store:
          path: {Path.Combine(dataDir, "live-store")}
          shutdown_marker_dir: {Path.Combine(dataDir, "shutdown-marker")}
          ring:
            instance_id: {instanceId}
            instance_availability_zone: zone-a
            instance_addr: 127.0.0.1
          partition_ring:
            min_partition_owners_duration: 1s

        """ + _extraYaml;

    /// <summary>The partition states the distributor's <c>/partition-ring</c> JSON reports, by partition ID.</summary>
    public async Task<Dictionary<int, string>> PartitionStatesSeenByDistributorAsync()
    {
        using var client = new TempoQueryClient(Distributor.HttpBase);
        var response = await client.GetAsync("/partition-ring", accept: "application/json");
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        var states = new Dictionary<int, string>();
        using var json = JsonDocument.Parse(response.Body);
        Collect(json.RootElement, states);
        return states;
    }

    // dskit's page lists partitions as objects with an "id" and a "state"; walk the document for them.
    private static void Collect(JsonElement element, Dictionary<int, string> states)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number &&
                element.TryGetProperty("state", out var state))
            {
                // dskit writes the state as its enum number (PartitionActive = 2); accept its name too.
                states[id.GetInt32()] = state.ValueKind == JsonValueKind.Number ? StateName(state.GetInt32()) : state.GetString()!;
            }

            foreach (var property in element.EnumerateObject()) Collect(property.Value, states);
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Collect(item, states);
        }
    }

    private static string StateName(int state) => state switch
    {
        1 => "PartitionPending",
        2 => "PartitionActive",
        3 => "PartitionInactive",
        4 => "PartitionDeleted",
        _ => "PartitionUnknown",
    };

    /// <summary>Waits until the distributor sees every partition in <paramref name="expected"/>'s state.</summary>
    public async Task WaitForDistributorToSeeAsync(IReadOnlyDictionary<int, string> expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Dictionary<int, string> seen = [];
        while (DateTime.UtcNow < deadline)
        {
            seen = await PartitionStatesSeenByDistributorAsync();
            if (expected.All(e => seen.TryGetValue(e.Key, out var s) && s == e.Value)) return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"the distributor's ring shows {string.Join(", ", seen.Select(s => $"{s.Key}={s.Value}"))}, " +
                                   $"expected {string.Join(", ", expected.Select(s => $"{s.Key}={s.Value}"))} within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Distributor is not null) await Distributor.DisposeAsync();
        foreach (var liveStore in _liveStores)
        {
            if (liveStore is not null) await liveStore.DisposeAsync();
        }

        await Kafka.DisposeAsync();
        _dir.Dispose();
    }
}
