using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.Query.Traces;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// <c>GET /api/traces/{traceId}</c> and <c>GET /api/v2/traces/{traceId}</c> (and their <c>/querier</c> copies). Validation
/// runs in Tempo's order (tenant, trace ID, mode and block bounds, start/end, v2 <c>q</c>) before any store is touched.
/// </summary>
internal static class TraceByIdRoutes
{
    public static Task V1Async(HttpContext context) => HandleAsync(context, v2: false);

    public static Task V2Async(HttpContext context) => HandleAsync(context, v2: true);

    private static async Task HandleAsync(HttpContext context, bool v2)
    {
        var request = context.Request;
        var config = context.RequestServices.GetRequiredService<TempoConfig>();
        var tenants = QueryTenant.Resolve(request, config.MultitenancyEnabled, out var tenantStatus, out var tenantError);
        if (tenants is null)
        {
            await QueryResponses.TextAsync(context, tenantStatus, tenantError!).ConfigureAwait(false);
            return;
        }

        var query = QueryResponses.Parameters(request);
        var traceId = request.RouteValues["traceId"] as string ?? "";
        var error = TraceByIdRequestParser.TryParse(tenants[0], traceId, query, out var lookup);
        if (error is null && v2)
        {
            error = TraceByIdRequestParser.CheckV2Filter(query);
        }

        if (error is not null)
        {
            await QueryResponses.TextAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        var querier = context.RequestServices.GetRequiredService<QueryServices>().Traces;
        if (querier is null)
        {
            await QueryResponses.NotReadyAsync(context).ConfigureAwait(false);
            return;
        }

        var format = QueryResponses.Negotiate(request, allowLlm: v2);
        var result = tenants.Count == 1
            ? await querier.FindAsync(lookup!, context.RequestAborted).ConfigureAwait(false)
            : await querier.FindAsync(tenants, lookup!, context.RequestAborted).ConfigureAwait(false);
        if (!result.Found)
        {
            // Tempo: an unknown trace is a 404 with an empty body (the combiner's "no trace" answer).
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!v2 && result.Partial)
        {
            // v1 answers the whole trace or nothing; v2 returns what fits with status PARTIAL.
            await QueryResponses.TextAsync(context, StatusCodes.Status422UnprocessableEntity, TraceByIdQuerier.TooLargeMessage(querier.MaxTraceBytes))
                .ConfigureAwait(false);
            return;
        }

        if (!v2)
        {
            await (format == QueryResponses.Protobuf
                ? QueryResponses.PayloadAsync(context, format, result.Trace!, TraceResponseWriter.WriteV1Protobuf)
                : QueryResponses.PayloadAsync(context, format, result.Trace!, TraceResponseWriter.WriteV1Json)).ConfigureAwait(false);
            return;
        }

        await (format switch
        {
            QueryResponses.Protobuf => QueryResponses.PayloadAsync(context, format, result, TraceResponseWriter.WriteV2Protobuf),
            QueryResponses.Llm => QueryResponses.PayloadAsync(context, format, result, TraceResponseWriter.WriteLlmJson),
            _ => QueryResponses.PayloadAsync(context, format, result, TraceResponseWriter.WriteV2Json),
        }).ConfigureAwait(false);
    }
}
