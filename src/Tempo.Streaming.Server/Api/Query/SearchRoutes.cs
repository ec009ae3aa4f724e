using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// <c>GET /api/search</c> (api_docs "Search"). The tenant is checked first (401/400, as Tempo's auth middleware does), then
/// the parameters (400 with Tempo's text, <see cref="SearchRequestParser"/>), then readiness (503). Each tenant of
/// <c>X-Scope-OrgID: a|b</c> is searched on its own and the answers are combined as Tempo's frontend combines its jobs
/// (<see cref="SearchResponseCombiner"/>). JSON by default, <c>tempopb.SearchResponse</c> with <c>Accept: application/protobuf</c>.
/// </summary>
internal static class SearchRoutes
{
    public static async Task SearchAsync(HttpContext context)
    {
        var tenants = QueryTenant.Resolve(context.Request, MultitenancyEnabled(context), out var tenantStatus, out var tenantError);
        if (tenants is null)
        {
            await QueryResponses.TextAsync(context, tenantStatus, tenantError!).ConfigureAwait(false);
            return;
        }

        var error = SearchRequestParser.TryParse(QueryResponses.Parameters(context.Request), context.Request.Query.Keys,
            SearchLimits.Default, out var search);
        if (error is not null)
        {
            await QueryResponses.TextAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        // A valid query search cannot run (a metrics query, a filter over scalar pipelines) is the client's error too.
        try
        {
            TraceQL.Engine.TraceQLSearch.Compile(search!.Query);
        }
        catch (TraceQL.TraceQLException e)
        {
            await QueryResponses.TextAsync(context, StatusCodes.Status400BadRequest, "invalid TraceQL query: " + e.Message).ConfigureAwait(false);
            return;
        }

        if (context.RequestServices.GetRequiredService<QueryServices>().Search is not { } querier)
        {
            await QueryResponses.NotReadyAsync(context).ConfigureAwait(false);
            return;
        }

        var searches = new Task<SearchResponse>[tenants.Count];
        for (var i = 0; i < tenants.Count; i++)
        {
            searches[i] = querier.SearchAsync(tenants[i], search!.Query, search.Options, context.RequestAborted);
        }

        var responses = await Task.WhenAll(searches).ConfigureAwait(false);
        var combined = SearchResponseCombiner.Combine(responses, search!.Options.Limit, search.Options.MostRecent, search.IsTagSearch);
        var format = QueryResponses.Negotiate(context.Request, allowLlm: false);
        if (format == QueryResponses.Protobuf)
        {
            await QueryResponses.PayloadAsync(context, format, combined, static (output, message) => message.WriteTo(output))
                .ConfigureAwait(false);
            return;
        }

        await QueryResponses.PayloadAsync(context, format, combined, SearchResponseJson.Write).ConfigureAwait(false);
    }

    private static bool MultitenancyEnabled(HttpContext context) =>
        context.RequestServices.GetRequiredService<TempoConfig>().MultitenancyEnabled;
}

/// <summary>
/// Tempo's frontend search combiner (modules/frontend/combiner/search.go over pkg/traceql/combine.go's metadata
/// combiners), applied to the per-tenant answers: Tempo's multi-tenant middleware sends one request per tenant through the
/// same combiner that merges a single tenant's jobs, so a single tenant's answer passes through it too.
/// <list type="bullet">
/// <item>A trace ID seen again is merged into the first (<c>combineSearchResults</c>): missing root names filled in,
/// earliest start, longest duration, service stats by maximum, span sets added unless one with the same <c>by</c>
/// attributes exists (then the one with more matches wins), <c>spanSet</c> = first of <c>spanSets</c>.</item>
/// <item>First found (<c>anyCombiner</c>): new traces are taken until <c>limit</c>; the result is ordered newest start
/// first. Most recent (<c>mostRecentCombiner</c>, hint <c>most_recent=true</c>): the <c>limit</c> newest starts are
/// kept.</item>
/// <item>An empty <c>rootServiceName</c> becomes <c>&lt;root span not yet received&gt;</c> (<c>addRootSpanNotReceivedText</c>).</item>
/// <item>Metrics are summed; <c>metrics</c> is always present.</item>
/// </list>
/// For a tag search the span sets and service stats are dropped: Tempo answers those with trace-level fields only.
/// </summary>
internal static class SearchResponseCombiner
{
    /// <summary>Tempo's <c>search.RootSpanNotYetReceivedText</c>.</summary>
    public const string RootSpanNotYetReceived = "<root span not yet received>";

    public static SearchResponse Combine(IReadOnlyList<SearchResponse> responses, int limit, bool mostRecent, bool traceLevelOnly)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var byId = new Dictionary<string, TraceSearchMetadata>(StringComparer.Ordinal);
        var kept = new List<TraceSearchMetadata>();
        var metrics = new SearchMetrics();
        foreach (var response in responses)
        {
            foreach (var incoming in response.Traces)
            {
                if (byId.TryGetValue(incoming.TraceID, out var existing))
                {
                    Merge(existing, incoming);
                    continue;
                }

                var trace = incoming.Clone();
                if (mostRecent)
                {
                    if (limit > 0 && kept.Count >= limit)
                    {
                        var oldest = kept[^1];
                        if (oldest.StartTimeUnixNano > trace.StartTimeUnixNano)
                        {
                            continue;
                        }

                        kept.RemoveAt(kept.Count - 1);
                        byId.Remove(oldest.TraceID);
                    }

                    // Newest first; a trace goes before others that started at the same time, as Tempo's binary search puts it.
                    var at = kept.FindIndex(t => t.StartTimeUnixNano <= trace.StartTimeUnixNano);
                    kept.Insert(at < 0 ? kept.Count : at, trace);
                }
                else
                {
                    if (limit > 0 && kept.Count >= limit)
                    {
                        continue;
                    }

                    kept.Add(trace);
                }

                byId.Add(trace.TraceID, trace);
            }

            if (response.Metrics is { } partial)
            {
                metrics.InspectedTraces += partial.InspectedTraces;
                metrics.InspectedBytes += partial.InspectedBytes;
                metrics.TotalBlocks += partial.TotalBlocks;
                metrics.CompletedJobs += partial.CompletedJobs;
                metrics.TotalJobs += partial.TotalJobs;
                metrics.TotalBlockBytes += partial.TotalBlockBytes;
                metrics.InspectedSpans += partial.InspectedSpans;
            }
        }

        if (!mostRecent)
        {
            // anyCombiner.Metadata(): newest start first (stable here, so equal starts keep the engine's order).
            var ordered = kept.OrderByDescending(t => t.StartTimeUnixNano).ToList();
            kept = ordered;
        }

        var combined = new SearchResponse { Metrics = metrics };
        foreach (var trace in kept)
        {
            if (trace.RootServiceName.Length == 0)
            {
                trace.RootServiceName = RootSpanNotYetReceived;
            }

            if (traceLevelOnly)
            {
                trace.SpanSet = null;
                trace.SpanSets.Clear();
                trace.ServiceStats.Clear();
            }

            combined.Traces.Add(trace);
        }

        return combined;
    }

    // pkg/traceql/combine.go combineSearchResults.
    private static void Merge(TraceSearchMetadata existing, TraceSearchMetadata incoming)
    {
        if (existing.RootServiceName.Length == 0)
        {
            existing.RootServiceName = incoming.RootServiceName;
        }

        if (existing.RootTraceName.Length == 0)
        {
            existing.RootTraceName = incoming.RootTraceName;
        }

        if (existing.StartTimeUnixNano > incoming.StartTimeUnixNano || existing.StartTimeUnixNano == 0)
        {
            existing.StartTimeUnixNano = incoming.StartTimeUnixNano;
        }

        if (existing.DurationMs < incoming.DurationMs || existing.DurationMs == 0)
        {
            existing.DurationMs = incoming.DurationMs;
        }

        foreach (var (service, stats) in incoming.ServiceStats)
        {
            if (!existing.ServiceStats.TryGetValue(service, out var current))
            {
                current = new ServiceStats();
                existing.ServiceStats[service] = current;
            }

            current.SpanCount = Math.Max(current.SpanCount, stats.SpanCount);
            current.ErrorCount = Math.Max(current.ErrorCount, stats.ErrorCount);
        }

        var existingSets = new Dictionary<string, SpanSet>(StringComparer.Ordinal);
        foreach (var set in existing.SpanSets)
        {
            existingSets[SpanSetId(set)] = set;
        }

        foreach (var set in incoming.SpanSets)
        {
            if (!existingSets.TryGetValue(SpanSetId(set), out var current))
            {
                existing.SpanSets.Add(set.Clone());
                continue;
            }

            // Spansets cannot really be merged: the one with more matches is taken as the more representative.
            if (current.Matched < set.Matched)
            {
                current.Matched = set.Matched;
                current.Attributes.Clear();
                current.Attributes.Add(set.Attributes.Select(a => a.Clone()));
                current.Spans.Clear();
                current.Spans.Add(set.Spans.Select(s => s.Clone()));
            }
        }

        if (existing.SpanSets.Count > 0)
        {
            existing.SpanSet = existing.SpanSets[0];
        }
    }

    // A spanset's identity: its attributes whose key starts with "by" (the results of by()), key and value.
    private static string SpanSetId(SpanSet set)
    {
        var id = new System.Text.StringBuilder();
        foreach (var attribute in set.Attributes)
        {
            if (attribute.Key.StartsWith("by", StringComparison.Ordinal))
            {
                id.Append(attribute.Key).Append(attribute.Value?.ToString());
            }
        }

        return id.ToString();
    }
}
