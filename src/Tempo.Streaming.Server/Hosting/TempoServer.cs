using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Grpc;
using Tempo.Streaming.Receivers.Otlp;
using Tempo.Streaming.Server.Api;
using Tempo.Streaming.Server.Api.Query;
using Tempo.Streaming.Server.Api.Ring;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Lifecycle;
using Tempo.Streaming.Server.Metrics;

namespace Tempo.Streaming.Server.Hosting;

/// <summary>
/// Composes the process of the configured target: services, Kestrel listeners and the endpoints of each listener. Program.cs
/// and the tests build the server through this, so tests run exactly what the binary runs. Everything reads
/// <see cref="TempoConfig"/> from the service container, so a WebApplicationFactory may replace it.
/// </summary>
public static class TempoServer
{
    /// <summary>Builds the application; <paramref name="configureServices"/> runs last (tests swap services there).</summary>
    public static WebApplication Build(TempoConfig config, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // The configuration is -config.file, read once. Reloading appsettings.json on change would watch the whole
            // content root recursively, and a data folder under it (RocksDB, log segments, blocks) kept a file-watch
            // thread busy with events (1% of the CPU at 150k spans/s).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        ConfigureLogging(builder.Logging, config.Server.LogLevel);
        AddServices(builder.Services, config);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    /// <summary>Registers everything the server needs (also usable from a WebApplicationFactory).</summary>
    public static void AddServices(IServiceCollection services, TempoConfig config)
    {
        services.AddSingleton(config);
        services.AddMetrics();
        services.AddSingleton<ServiceRegistry>();
        services.AddSingleton<ListenerBindings>();
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<IngestGate>();
        services.AddSingleton<Blocks.Compaction.CompactionGate>();
        services.AddSingleton<ITracePusher>(provider => provider.GetRequiredService<IngestGate>());
        services.TryAddSingleton<IIngestLogOpener, EmbeddedIngestLogOpener>();
        services.TryAddSingleton<IKafkaLogOpener, KafkaIngestLogOpener>();
        services.TryAddSingleton(KafkaStartupRetry.Default);
        services.TryAddSingleton<RingServices>();
        if (ServerTargets.RunsIngestPath(config.Target))
        {
            services.AddHostedService<IngestPipelineService>();
        }

        if (ServerTargets.RunsCompactor(config.Target))
        {
            services.AddHostedService<CompactorService>();
        }
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, TempoKestrelSetup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());
        services.AddTempoApi();
        services.AddTempoQueryApi();
        services.AddPartitionRingApi();
        // Kestrel waits this long for requests in flight on SIGTERM before the pipeline closes the log.
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
    }

    /// <summary>Maps each listener's endpoints; the group metadata binds them to that listener.</summary>
    public static void MapEndpoints(WebApplication app)
    {
        var config = app.Services.GetRequiredService<TempoConfig>();
        // Created now so that it sees measurements from the first request on, not from the first scrape.
        app.Services.GetRequiredService<PrometheusExporter>();
        var receiverOptions = config.ToOtlpReceiverOptions();

        var tempo = app.MapGroup("").WithMetadata(new ListenerRoleMetadata(ListenerRole.TempoHttp));
        tempo.MapTempoApi();
        // Tempo's distributor serves no query API (its routes are 404); the live stores answer trace by ID for now.
        if (ServerTargets.RunsLiveStore(config.Target))
        {
            tempo.MapTempoQueryApi();
        }

        tempo.MapPartitionRingApi(liveStoreRoutes: ServerTargets.RunsLiveStore(config.Target));
        // gRPC on the HTTP port (Grafana's streaming querier, a later issue): unknown methods answer UNIMPLEMENTED.
        tempo.MapGrpcUnimplementedFallback().WithMetadata(new GrpcOnlyMetadata());

        var otlp = config.OtlpReceivers();
        if (otlp?.Grpc is not null)
        {
            var grpc = app.MapGroup("").WithMetadata(new ListenerRoleMetadata(ListenerRole.OtlpGrpc));
            grpc.MapOtlpGrpc(receiverOptions);
            grpc.MapGrpcUnimplementedFallback().WithMetadata(new GrpcOnlyMetadata());
        }

        if (otlp?.Http is not null)
        {
            var http = app.MapGroup("").WithMetadata(new ListenerRoleMetadata(ListenerRole.OtlpHttp));
            http.MapOtlpHttp(receiverOptions);
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevelSetting level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        H2cLogNoiseFilter.Install(logging);
        var minimum = level switch
        {
            LogLevelSetting.Debug => LogLevel.Debug,
            LogLevelSetting.Info => LogLevel.Information,
            LogLevelSetting.Warn => LogLevel.Warning,
            _ => LogLevel.Error,
        };
        logging.SetMinimumLevel(minimum);
        // ASP.NET Core logs every request at Information; keep that for debug level only.
        logging.AddFilter("Microsoft.AspNetCore", minimum == LogLevel.Debug ? LogLevel.Debug : LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    }
}
