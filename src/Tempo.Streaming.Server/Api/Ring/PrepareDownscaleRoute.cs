using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// <c>/live-store/prepare-downscale</c>, Tempo 3.x's <c>PrepareDownscaleHandler</c>: the second step of a downscale,
/// after the partition went INACTIVE. GET answers <c>set</c>/<c>unset</c> (does the shutdown marker exist); POST writes
/// the marker and, when the partition is INACTIVE, makes this live store leave the ring on shutdown without recreating
/// its partition next start (204), else 409; DELETE removes the marker and undoes both settings (204).
/// <para>
/// One deliberate difference: Tempo writes the marker before it checks the state, so a refused POST (409) leaves the
/// marker behind, and the next start of that live store — whose partition is still ACTIVE — would neither recreate its
/// partition nor keep its owner entry on shutdown. Here the state is checked first: a refused request changes nothing.
/// </para>
/// </summary>
internal static class PrepareDownscaleRoute
{
    public static async Task HandleAsync(HttpContext context)
    {
        var lifecycler = LiveStoreAvailability.RunningLifecycler(context);
        if (lifecycler is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(RingLog.Category);
        var path = context.RequestServices.GetRequiredService<RingServices>().ShutdownMarkerPath;
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsPost(method) && !HttpMethods.IsDelete(method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (path.Length == 0)
        {
            RingLog.MarkerPathMissing(logger);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        if (HttpMethods.IsGet(method))
        {
            // Tempo's util.WriteTextResponse: text/plain, the word and a newline.
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(ShutdownMarker.Exists(path) ? "set\n" : "unset\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var partition = LiveStoreAvailability.Partition(lifecycler);
        if (HttpMethods.IsPost(method))
        {
            var (state, _) = lifecycler.GetPartitionState();
            if (state != PartitionState.Inactive)
            {
                RingLog.PrepareDownscaleRefused(logger, partition, state.Name(), path);
                context.Response.StatusCode = StatusCodes.Status409Conflict;
                return;
            }

            if (!TryMarker(() => ShutdownMarker.Create(path, DateTimeOffset.UtcNow), path, "created", logger, context))
            {
                return;
            }

            lifecycler.RemoveOwnerOnShutdown = true;
            lifecycler.CreatePartitionOnStartup = false;
            RingLog.PreparedForShutdown(logger, partition, path);
        }
        else
        {
            if (!TryMarker(() => ShutdownMarker.Remove(path), path, "removed", logger, context))
            {
                return;
            }

            lifecycler.RemoveOwnerOnShutdown = false;
            lifecycler.CreatePartitionOnStartup = true;
            RingLog.ShutdownPreparationCancelled(logger, path);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static bool TryMarker(Action change, string path, string action, ILogger logger, HttpContext context)
    {
        try
        {
            change();
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            RingLog.MarkerFailed(logger, exception, path, action);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return false;
        }
    }
}
