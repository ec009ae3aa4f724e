using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.Query.Remote;
using Tempo.Streaming.Server.Api.Query;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// <c>GET /live-store/api/traces/{traceId}?start=&amp;end=</c>: the internal route the query path's fan-out
/// (<see cref="RingTraceFragmentSource"/>) calls on each partition's live store. It answers from this process's live
/// store only — the partitions it consumes — with the raw stored fragments, leaving combining and span dedup to the
/// caller, so that remote and local fragments combine the same way. The body is the fragments concatenated: each is a
/// marshalled <c>tempopb.Trace</c>, whose only field is repeated, so the concatenation parses as one trace. The bytes
/// the store read are in <c>X-Tempo-Inspected-Bytes</c>; an unknown trace is a 404 with an empty body.
/// </summary>
internal static class LiveStoreTraceRoute
{
    public static async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var config = context.RequestServices.GetRequiredService<TempoConfig>();
        var tenants = QueryTenant.Resolve(request, config.MultitenancyEnabled, out var tenantStatus, out var tenantError);
        if (tenants is null)
        {
            await QueryResponses.TextAsync(context, tenantStatus, tenantError!).ConfigureAwait(false);
            return;
        }

        if (tenants.Count != 1)
        {
            // The fan-out asks once per tenant; combining tenants is the public route's job.
            await QueryResponses.TextAsync(context, StatusCodes.Status400BadRequest,
                $"the live-store trace route reads one tenant per request, received {tenants.Count}: {string.Join('|', tenants)}")
                .ConfigureAwait(false);
            return;
        }

        var traceId = request.RouteValues["traceId"] as string ?? "";
        var error = TraceByIdRequestParser.TryParse(tenants[0], traceId, QueryResponses.Parameters(request), out var lookup);
        if (error is not null)
        {
            await QueryResponses.TextAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (context.RequestServices.GetRequiredService<RingServices>().LocalStore is not { } store)
        {
            await QueryResponses.TextAsync(context, StatusCodes.Status503ServiceUnavailable,
                "this process has no live store running: it is still starting or its target does not consume partitions").ConfigureAwait(false);
            return;
        }

        var found = await store.FindTraceAsync(lookup!.Tenant, lookup.TraceId, lookup.Window, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers[LiveStoreTraceProtocol.InspectedBytesHeader] = found.InspectedBytes.ToString(CultureInfo.InvariantCulture);
        if (found.Fragments.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        long length = 0;
        foreach (var fragment in found.Fragments)
        {
            length += fragment.Length;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = QueryResponses.Protobuf;
        context.Response.ContentLength = length;
        foreach (var fragment in found.Fragments)
        {
            await context.Response.Body.WriteAsync(fragment, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
