using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tempo.Streaming.Server.Api.Query;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// The partition ring's HTTP surface (ARCHITECTURE.md §4): dskit's ring pages, Tempo 3.x's downscale endpoints on a
/// live store, and the internal trace-by-ID route the query path fans out to. Method dispatch happens inside the
/// handlers (they are mapped for every method) so that an unsupported method is Tempo's 405, not a routing 404.
/// </summary>
public static class PartitionRingEndpoints
{
    public const string PartitionRingPath = "/partition-ring";
    public const string LiveStoreRingPath = "/live-store/ring";
    public const string PreparePartitionDownscalePath = "/live-store/prepare-partition-downscale";

    /// <summary>Tempo 2.x's name of the same endpoint (the ingester module), kept for tooling that still calls it.</summary>
    public const string IngesterPreparePartitionDownscalePath = "/ingester/prepare-partition-downscale";

    public const string PrepareDownscalePath = "/live-store/prepare-downscale";
    public const string LiveStoreTracesPath = "/live-store/api/traces/{traceId}";

    /// <summary>Registers <see cref="RingServices"/> (one per process; the pipeline fills it in as components start).</summary>
    public static IServiceCollection AddPartitionRingApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<RingServices>();
        return services;
    }

    /// <summary>
    /// Maps the ring routes on <paramref name="app"/> (the Tempo HTTP listener's group). The ring pages are served by
    /// every target (each holds a ring store); <paramref name="liveStoreRoutes"/> adds the downscale endpoints and the
    /// internal live-store trace route, which only a process running a live store can answer.
    /// </summary>
    public static IEndpointRouteBuilder MapPartitionRingApi(this IEndpointRouteBuilder app, bool liveStoreRoutes)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Map(PartitionRingPath, PartitionRingPage.HandleAsync).WithDisplayName("partition ring");
        app.Map(LiveStoreRingPath, LiveStoreRingPage.HandleAsync).WithDisplayName("live-store ring");
        if (!liveStoreRoutes)
        {
            return app;
        }

        app.Map(PreparePartitionDownscalePath, PartitionDownscaleRoute.HandleAsync).WithDisplayName("prepare partition downscale");
        app.Map(IngesterPreparePartitionDownscalePath, PartitionDownscaleRoute.HandleAsync)
            .WithDisplayName("prepare partition downscale (ingester)");
        app.Map(PrepareDownscalePath, PrepareDownscaleRoute.HandleAsync).WithDisplayName("prepare downscale");
        app.MapGet(LiveStoreTracesPath, QueryFailures.Guard(LiveStoreTraceRoute.HandleAsync)).WithDisplayName("live-store trace by ID");
        app.Map("/flush", FlushRoutes.FlushAsync).WithDisplayName("flush");
        app.Map("/shutdown", FlushRoutes.ShutdownAsync).WithDisplayName("shutdown");
        app.MapGet("/status/lineage", LineageRoute.HandleAsync).WithDisplayName("lineage audit");
        return app;
    }
}
