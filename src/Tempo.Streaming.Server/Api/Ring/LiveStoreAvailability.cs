using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.Server.Lifecycle;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// Whether the downscale endpoints may act. Tempo answers 503 unless the live-store module is Running ("don't allow
/// callers to change the shutdown configuration while we're in the middle of starting or shutting down"); here that is
/// the registry's live-store service in state Running and a lifecycler present.
/// </summary>
internal static class LiveStoreAvailability
{
    /// <returns>The lifecycler when the live store runs, else null (the caller answers 503).</returns>
    public static PartitionLifecycler? RunningLifecycler(HttpContext context)
    {
        var lifecycler = context.RequestServices.GetRequiredService<RingServices>().Lifecycler;
        if (lifecycler is null)
        {
            return null;
        }

        // A target without a live store never registers the service: the endpoints are then as unavailable as during startup.
        var registry = context.RequestServices.GetService<ServiceRegistry>();
        var liveStore = registry?.Services.FirstOrDefault(s => s.Name == ServiceRegistry.LiveStore);
        return liveStore?.State == ServiceState.Running ? lifecycler : null;
    }

    /// <summary>The partition the endpoints report on: the first one the lifecycler owns (one per live store in Tempo).</summary>
    public static int Partition(PartitionLifecycler lifecycler) => lifecycler.Options.Partitions.Count > 0 ? lifecycler.Options.Partitions[0] : -1;
}
