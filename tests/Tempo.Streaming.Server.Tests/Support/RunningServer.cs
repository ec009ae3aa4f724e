using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;

namespace Tempo.Streaming.Server.Tests.Support;

/// <summary>
/// The real server (same composition as the binary) on real Kestrel listeners bound to 127.0.0.1 port 0, with its
/// data folders in a fresh temp directory.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private RunningServer(WebApplication app, TempoConfig config, string dataRoot)
    {
        App = app;
        Config = config;
        DataRoot = dataRoot;
        var bindings = app.Services.GetRequiredService<ListenerBindings>();
        HttpPort = bindings.BoundEndPoint(ListenerRole.TempoHttp).Port;
        if (bindings.IsEnabled(ListenerRole.OtlpGrpc))
        {
            OtlpGrpcPort = bindings.BoundEndPoint(ListenerRole.OtlpGrpc).Port;
        }

        if (bindings.IsEnabled(ListenerRole.OtlpHttp))
        {
            OtlpHttpPort = bindings.BoundEndPoint(ListenerRole.OtlpHttp).Port;
        }

        Client = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public TempoConfig Config { get; }

    public string DataRoot { get; }

    public string IngestPath => Path.Combine(DataRoot, "ingest");

    public int HttpPort { get; }

    public int OtlpGrpcPort { get; }

    public int OtlpHttpPort { get; }

    public HttpClient Client { get; }

    public Uri HttpUri(string path) => new($"http://127.0.0.1:{HttpPort}{path}");

    public Uri OtlpHttpUri(string path) => new($"http://127.0.0.1:{OtlpHttpPort}{path}");

    public Uri OtlpGrpcUri(string path) => new($"http://127.0.0.1:{OtlpGrpcPort}{path}");

    public static TempoConfig TestConfig(string dataRoot) => TempoConfig.Default with
    {
        Server = new ServerConfig { HttpListenAddress = "127.0.0.1", HttpListenPort = 0, LogLevel = LogLevelSetting.Warn },
        Distributor = TempoConfig.Default.Distributor with
        {
            Receivers = new ReceiversConfig
            {
                Otlp = new OtlpReceiverConfig
                {
                    Grpc = new OtlpGrpcProtocolConfig { Endpoint = "127.0.0.1:0" },
                    Http = new OtlpHttpProtocolConfig { Endpoint = "127.0.0.1:0" },
                },
            },
        },
        Ingest = new IngestConfig { Embedded = new EmbeddedIngestConfig { Path = Path.Combine(dataRoot, "ingest"), Partitions = 2 } },
        Storage = new StorageConfig { Trace = new TraceStorageConfig { Local = new LocalStorageConfig { Path = Path.Combine(dataRoot, "blocks") } } },
        LiveStore = new LiveStoreConfig { Path = Path.Combine(dataRoot, "live-store") },
    };

    /// <summary>Starts a server; <paramref name="adjust"/> edits the test config, <paramref name="services"/> swaps services.</summary>
    public static async Task<RunningServer> StartAsync(
        Func<TempoConfig, TempoConfig>? adjust = null, Action<IServiceCollection>? services = null, string? dataRoot = null)
    {
        dataRoot ??= Directory.CreateTempSubdirectory("tempo-server-test-").FullName;
        var config = TestConfig(dataRoot);
        config = adjust?.Invoke(config) ?? config;
        var app = TempoServer.Build(config, services);
        await app.StartAsync();
        return new RunningServer(app, config, dataRoot);
    }

    /// <summary>Polls <c>/ready</c> until it answers 200 (no sleeps with fixed durations: a deadline).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Client.GetAsync(HttpUri("/ready"));
            last = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"server not ready in time; last /ready answer: {last}");
    }

    /// <summary>Stops the server the way SIGTERM does (drain, close the log) and keeps the data folder.</summary>
    public async Task StopAsync()
    {
        await App.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
