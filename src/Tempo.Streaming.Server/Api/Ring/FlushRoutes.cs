using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tempo.Streaming.LiveStore;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// The live store's <c>/flush</c> and <c>/shutdown</c> (Tempo's ingester endpoints, GET or POST, 204 when done).
/// <c>/flush</c> cuts everything consumed into blocks now. Blocks hold offset ranges of a partition with every tenant's
/// spans, so <c>?tenant=</c> (validated) flushes that tenant's data by flushing the ranges it is in, which hold the other
/// tenants' records of the same offsets too. <c>/shutdown</c> flushes, leaves the partition ring, and stops the process.
/// </summary>
internal static class FlushRoutes
{
    public static Task FlushAsync(HttpContext context) => RunAsync(context, shutdown: false);

    public static Task ShutdownAsync(HttpContext context) => RunAsync(context, shutdown: true);

    private static async Task RunAsync(HttpContext context, bool shutdown)
    {
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsPost(method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (context.Request.Query.TryGetValue("tenant", out var tenants) && tenants.Count > 0
            && Core.Tenants.ValidateTenantId(tenants[0] ?? "") is { } problem)
        {
            await Text(context, StatusCodes.Status400BadRequest, $"invalid tenant: {problem}");
            return;
        }

        var ring = context.RequestServices.GetRequiredService<RingServices>();
        if (ring.LocalStore is not { } store || LiveStoreAvailability.RunningLifecycler(context) is not { } lifecycler)
        {
            await Text(context, StatusCodes.Status503ServiceUnavailable, "the live store is not running");
            return;
        }

        try
        {
            await store.FlushAsync(context.RequestAborted);
        }
        catch (InvalidOperationException e)
        {
            // live_store.flush_blocks: false — this replica never writes blocks
            await Text(context, StatusCodes.Status409Conflict, e.Message);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Text(context, StatusCodes.Status500InternalServerError, $"flush failed: {e.Message}");
            return;
        }

        if (shutdown)
        {
            // Everything consumed is in blocks: the partition may be taken over without this member.
            lifecycler.RemoveOwnerOnShutdown = true;
            context.RequestServices.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        }
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task Text(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
