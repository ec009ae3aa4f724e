using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Blocks.Lineage;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// <c>GET /status/lineage?tenant=&amp;partition=</c>: the lineage audit (<see cref="LineageAudit"/>) of the blocks in
/// <c>storage.trace</c> against this live store's partitions — log start, high watermark, committed and flushed offsets,
/// and the flushed ranges that held no span. JSON (<see cref="LineageReportJson"/>); <c>healthy</c> is false when an
/// offset below the flushed offset is in no block or in two blocks of one tenant.
/// </summary>
internal static class LineageRoute
{
    public static async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        string? tenant = null;
        if (query.TryGetValue("tenant", out var tenants) && !string.IsNullOrEmpty(tenants[0]))
        {
            tenant = tenants[0]!;
            if (Core.Tenants.ValidateTenantId(tenant) is { } problem)
            {
                await Text(context, StatusCodes.Status400BadRequest, $"invalid tenant: {problem}");
                return;
            }
        }

        int? partition = null;
        if (query.TryGetValue("partition", out var partitions) && !string.IsNullOrEmpty(partitions[0]))
        {
            if (!int.TryParse(partitions[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                await Text(context, StatusCodes.Status400BadRequest, $"invalid partition \"{partitions[0]}\": expected a non-negative integer");
                return;
            }
            partition = number;
        }

        var ring = context.RequestServices.GetRequiredService<RingServices>();
        if (ring.LocalStore is not { } store || ring.BlockStore is not { } blocks)
        {
            await Text(context, StatusCodes.Status503ServiceUnavailable, "the live store is not running");
            return;
        }

        var offsets = await store.LineageOffsetsAsync(context.RequestAborted);
        var inventory = await LineageCatalog.LoadAsync(blocks, context.RequestAborted);
        var report = LineageAudit.Run(inventory, offsets, tenant, partition);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(LineageReportJson.Serialize(report), context.RequestAborted);
    }

    private static async Task Text(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }
}
