using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// The four tag routes. Bad input is a 400 with Tempo's text; answers are JSON, protobuf with
/// <c>Accept: application/protobuf</c>, and for v2 tag values the LLM form with <c>Accept: application/vnd.grafana.llm</c>.
/// </summary>
internal static class TagRoutes
{
    public static Task TagsAsync(HttpContext context) => NamesAsync(context, v2: false);

    public static Task TagsV2Async(HttpContext context) => NamesAsync(context, v2: true);

    public static Task TagValuesAsync(HttpContext context) => ValuesAsync(context, v2: false);

    public static Task TagValuesV2Async(HttpContext context) => ValuesAsync(context, v2: true);

    private static async Task NamesAsync(HttpContext context, bool v2)
    {
        var tenants = QueryTenant.Resolve(context.Request, MultitenancyEnabled(context), out var tenantStatus, out var tenantError);
        if (tenants is null)
        {
            await QueryResponses.TextAsync(context, tenantStatus, tenantError!).ConfigureAwait(false);
            return;
        }

        var error = TagRequestParser.TryParseTagNames(tenants[0], QueryResponses.Parameters(context.Request),
            TagRequestParser.DefaultMaxDuration, out var request);
        if (error is not null)
        {
            await QueryResponses.TextAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (context.RequestServices.GetRequiredService<QueryServices>().Tags is not { } querier)
        {
            await QueryResponses.NotReadyAsync(context).ConfigureAwait(false);
            return;
        }

        var format = QueryResponses.Negotiate(context.Request, allowLlm: false);
        if (v2)
        {
            var response = tenants.Count == 1
                ? await querier.SearchTagsV2Async(request!, context.RequestAborted).ConfigureAwait(false)
                : await TenantTagMerge.SearchTagsV2Async(querier, tenants, request!, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, format, response, TagResponseJson.WriteSearchTagsV2).ConfigureAwait(false);
        }
        else
        {
            var response = tenants.Count == 1
                ? await querier.SearchTagsAsync(request!, context.RequestAborted).ConfigureAwait(false)
                : await TenantTagMerge.SearchTagsAsync(querier, tenants, request!, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, format, response, TagResponseJson.WriteSearchTags).ConfigureAwait(false);
        }
    }

    private static async Task ValuesAsync(HttpContext context, bool v2)
    {
        var tenants = QueryTenant.Resolve(context.Request, MultitenancyEnabled(context), out var tenantStatus, out var tenantError);
        if (tenants is null)
        {
            await QueryResponses.TextAsync(context, tenantStatus, tenantError!).ConfigureAwait(false);
            return;
        }

        var tagName = context.Request.RouteValues["tagName"] as string ?? "";
        var error = TagRequestParser.TryParseTagValues(tenants[0], tagName, v2, QueryResponses.Parameters(context.Request),
            TagRequestParser.DefaultMaxDuration, out var request);
        if (error is not null)
        {
            await QueryResponses.TextAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        if (context.RequestServices.GetRequiredService<QueryServices>().Tags is not { } querier)
        {
            await QueryResponses.NotReadyAsync(context).ConfigureAwait(false);
            return;
        }

        if (v2)
        {
            var format = QueryResponses.Negotiate(context.Request, allowLlm: true);
            var response = tenants.Count == 1
                ? await querier.SearchTagValuesV2Async(request!, context.RequestAborted).ConfigureAwait(false)
                : await TenantTagMerge.SearchTagValuesV2Async(querier, tenants, request!, context.RequestAborted).ConfigureAwait(false);
            if (format == QueryResponses.Llm)
            {
                await QueryResponses.PayloadAsync(context, format, response, TagResponseJson.WriteSearchTagValuesV2Llm).ConfigureAwait(false);
                return;
            }

            await WriteAsync(context, format, response, TagResponseJson.WriteSearchTagValuesV2).ConfigureAwait(false);
        }
        else
        {
            var format = QueryResponses.Negotiate(context.Request, allowLlm: false);
            var response = tenants.Count == 1
                ? await querier.SearchTagValuesAsync(request!, context.RequestAborted).ConfigureAwait(false)
                : await TenantTagMerge.SearchTagValuesAsync(querier, tenants, request!, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, format, response, TagResponseJson.WriteSearchTagValues).ConfigureAwait(false);
        }
    }

    private static Task WriteAsync<T>(HttpContext context, string format, T response, Action<System.Buffers.IBufferWriter<byte>, T> writeJson)
        where T : IMessage =>
        format == QueryResponses.Protobuf
            ? QueryResponses.PayloadAsync(context, format, response, static (output, message) => message.WriteTo(output))
            : QueryResponses.PayloadAsync(context, format, response, writeJson);

    private static bool MultitenancyEnabled(HttpContext context) =>
        context.RequestServices.GetRequiredService<TempoConfig>().MultitenancyEnabled;
}
