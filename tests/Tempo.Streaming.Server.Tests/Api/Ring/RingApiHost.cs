using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.Server.Api.Ring;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;
using Tempo.Streaming.Server.Lifecycle;

namespace Tempo.Streaming.Server.Tests.RingApi;

/// <summary>
/// The ring routes as the host maps them (Tempo HTTP listener group, listener routing policy), with a real in-memory
/// ring store and a real <see cref="PartitionLifecycler"/> owning partition 0 as <c>live-store-zone-a-0</c>. The test
/// decides when the live-store service counts as Running, as the pipeline would.
/// </summary>
internal sealed class RingApiHost : IAsyncDisposable
{
    public const string InstanceId = "live-store-zone-a-0";

    private readonly WebApplication _app;
    private readonly string _root;

    private RingApiHost(WebApplication app, string root, bool kestrel)
    {
        _app = app;
        _root = root;
        Client = kestrel
            ? new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) }
            : app.GetTestClient();
        Ring = app.Services.GetRequiredService<RingServices>();
        LiveStoreService = app.Services.GetRequiredService<ServiceRegistry>().Register(ServiceRegistry.LiveStore);
        Ring.ShutdownMarkerPath = ShutdownMarker.GetPath(Path.Combine(root, "marker-dir", "nested"));
    }

    public HttpClient Client { get; }

    public RingServices Ring { get; }

    public ServiceStatus LiveStoreService { get; }

    public InMemoryPartitionRingStore Store { get; } = new();

    public PartitionLifecycler? Lifecycler { get; private set; }

    public string Root => _root;

    /// <param name="liveStoreRoutes">As the host maps them: false on the distributor target.</param>
    /// <param name="kestrel">Listen on a real loopback port (needed when another process-local client calls it over HTTP).</param>
    public static async Task<RingApiHost> StartAsync(bool liveStoreRoutes = true, bool multitenancy = false, bool kestrel = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TempoConfig.Default with { MultitenancyEnabled = multitenancy });
        builder.Services.AddSingleton<ServiceRegistry>();
        builder.Services.AddPartitionRingApi();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());
        var app = builder.Build();
        app.MapGroup("").WithMetadata(new ListenerRoleMetadata(ListenerRole.TempoHttp)).MapPartitionRingApi(liveStoreRoutes);
        await app.StartAsync();
        var root = Directory.CreateTempSubdirectory("tempo-ring-api-").FullName;
        return new RingApiHost(app, root, kestrel);
    }

    /// <summary>
    /// Starts the ring membership as the pipeline does: store set, lifecycler started and set, live store Running.
    /// <paramref name="initial"/> is the state the lifecycler creates partition 0 in; a PENDING partition stays PENDING
    /// (the minimum owner duration is an hour).
    /// </summary>
    public async Task<PartitionLifecycler> StartLiveStoreAsync(PartitionState initial = PartitionState.Active)
    {
        Ring.Store = Store;
        var lifecycler = new PartitionLifecycler(Store, new PartitionLifecyclerOptions
        {
            InstanceId = InstanceId,
            Partitions = [0],
            Zone = "zone-a",
            HttpAddress = "127.0.0.1:3200",
            InitialState = initial,
            MinOwnersDuration = TimeSpan.FromHours(1),
        }, NullLogger.Instance);
        await lifecycler.StartAsync(CancellationToken.None);
        Lifecycler = lifecycler;
        Ring.Lifecycler = lifecycler;
        LiveStoreService.Set(ServiceState.Running);
        return lifecycler;
    }

    public PartitionDesc Partition(int id) => Store.Current.Partitions[id];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Lifecycler is not null)
        {
            await Lifecycler.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
