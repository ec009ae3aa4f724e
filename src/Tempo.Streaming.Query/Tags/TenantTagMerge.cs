using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// Tempo's multi-tenant tag queries (<c>X-Scope-OrgID: a|b</c>): each tenant is asked on its own and the answers are
/// merged — distinct names and values in the order first seen (each tenant's answer is already sorted), the request's
/// limit applied to the merged lists, <c>inspectedBytes</c> summed.
/// </summary>
public static class TenantTagMerge
{
    public static async Task<SearchTagsResponse> SearchTagsAsync(TagQuerier querier, IReadOnlyList<string> tenants,
        TagNamesRequest request, CancellationToken cancellationToken)
    {
        var merged = new SearchTagsResponse { Metrics = new MetadataMetrics() };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            var response = await querier.SearchTagsAsync(request with { Tenant = tenant }, cancellationToken).ConfigureAwait(false);
            AddDistinct(merged.TagNames, seen, response.TagNames, request.Limit);
            merged.Metrics.InspectedBytes += response.Metrics?.InspectedBytes ?? 0;
        }

        SortOrdinal(merged.TagNames);
        return merged;
    }

    public static async Task<SearchTagsV2Response> SearchTagsV2Async(TagQuerier querier, IReadOnlyList<string> tenants,
        TagNamesRequest request, CancellationToken cancellationToken)
    {
        var merged = new SearchTagsV2Response { Metrics = new MetadataMetrics() };
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            var response = await querier.SearchTagsV2Async(request with { Tenant = tenant }, cancellationToken).ConfigureAwait(false);
            foreach (var scope in response.Scopes)
            {
                if (!seen.TryGetValue(scope.Name, out var names))
                {
                    names = new HashSet<string>(StringComparer.Ordinal);
                    seen[scope.Name] = names;
                    merged.Scopes.Add(new SearchTagsV2Scope { Name = scope.Name });
                }

                var target = merged.Scopes.First(s => s.Name == scope.Name);
                AddDistinct(target.Tags, names, scope.Tags, scope.Name == "intrinsic" ? 0 : request.Limit);
            }

            merged.Metrics.InspectedBytes += response.Metrics?.InspectedBytes ?? 0;
        }

        foreach (var scope in merged.Scopes)
        {
            SortOrdinal(scope.Tags);
        }

        return merged;
    }

    public static async Task<SearchTagValuesResponse> SearchTagValuesAsync(TagQuerier querier, IReadOnlyList<string> tenants,
        TagValuesRequest request, CancellationToken cancellationToken)
    {
        var merged = new SearchTagValuesResponse { Metrics = new MetadataMetrics() };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            var response = await querier.SearchTagValuesAsync(request with { Tenant = tenant }, cancellationToken).ConfigureAwait(false);
            AddDistinct(merged.TagValues, seen, response.TagValues, request.Limit);
            merged.Metrics.InspectedBytes += response.Metrics?.InspectedBytes ?? 0;
        }

        return merged;
    }

    public static async Task<SearchTagValuesV2Response> SearchTagValuesV2Async(TagQuerier querier, IReadOnlyList<string> tenants,
        TagValuesRequest request, CancellationToken cancellationToken)
    {
        var merged = new SearchTagValuesV2Response { Metrics = new MetadataMetrics() };
        var seen = new HashSet<(string Type, string Value)>();
        foreach (var tenant in tenants)
        {
            var response = await querier.SearchTagValuesV2Async(request with { Tenant = tenant }, cancellationToken).ConfigureAwait(false);
            foreach (var value in response.TagValues)
            {
                if ((request.Limit <= 0 || merged.TagValues.Count < request.Limit) && seen.Add((value.Type, value.Value)))
                {
                    merged.TagValues.Add(value);
                }
            }

            merged.Metrics.InspectedBytes += response.Metrics?.InspectedBytes ?? 0;
        }

        return merged;
    }

    // Go's sort.Strings order, as each tenant's own answer.
    private static void SortOrdinal(Google.Protobuf.Collections.RepeatedField<string> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        values.Clear();
        values.AddRange(sorted);
    }

    private static void AddDistinct(Google.Protobuf.Collections.RepeatedField<string> target, HashSet<string> seen,
        IEnumerable<string> values, int limit)
    {
        foreach (var value in values)
        {
            if (limit > 0 && target.Count >= limit)
            {
                return;
            }

            if (seen.Add(value))
            {
                target.Add(value);
            }
        }
    }
}
