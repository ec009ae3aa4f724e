using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// Tempo's query HTTP API (api_docs "Query", "Query V2", "Search", "Search tags", ...) and the querier's debugging copies under
/// <c>/querier</c> (Tempo's <c>PathPrefixQuerier</c>). GET only, as Tempo registers them. In single-binary mode the
/// frontend and the querier are the same process, so both prefixes run the same handlers.
/// </summary>
public static class TempoQueryEndpoints
{
    private static readonly string[] Prefixes = ["", "/querier"];

    /// <summary>Maps every query route on <paramref name="app"/> (call it on the Tempo HTTP listener's group).</summary>
    public static IEndpointRouteBuilder MapTempoQueryApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var prefix in Prefixes)
        {
            var who = prefix.Length == 0 ? "" : " (querier)";
            app.MapGet(prefix + "/api/traces/{traceId}", QueryFailures.Guard(TraceByIdRoutes.V1Async)).WithDisplayName("trace by ID" + who);
            app.MapGet(prefix + "/api/v2/traces/{traceId}", QueryFailures.Guard(TraceByIdRoutes.V2Async)).WithDisplayName("trace by ID v2" + who);
            app.MapGet(prefix + "/api/search", QueryFailures.Guard(SearchRoutes.SearchAsync)).WithDisplayName("search" + who);
            app.MapGet(prefix + "/api/search/tags", QueryFailures.Guard(TagRoutes.TagsAsync)).WithDisplayName("search tags" + who);
            app.MapGet(prefix + "/api/v2/search/tags", QueryFailures.Guard(TagRoutes.TagsV2Async)).WithDisplayName("search tags v2" + who);
            app.MapGet(prefix + "/api/search/tag/{tagName}/values", QueryFailures.Guard(TagRoutes.TagValuesAsync)).WithDisplayName("search tag values" + who);
            app.MapGet(prefix + "/api/v2/search/tag/{tagName}/values", QueryFailures.Guard(TagRoutes.TagValuesV2Async))
                .WithDisplayName("search tag values v2" + who);
        }

        return app;
    }

    /// <summary>Registers <see cref="QueryServices"/> (one per process; the pipeline fills it in).</summary>
    public static IServiceCollection AddTempoQueryApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<QueryServices>();
        return services;
    }
}
