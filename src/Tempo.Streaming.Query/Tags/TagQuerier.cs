using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.Tempopb;
using Tempo.Streaming.TraceQL.Ast;
using AttributeScope = Tempo.Streaming.Core.Querying.AttributeScope;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// Answers Tempo's four tag APIs over a set of <see cref="ITagSource"/>s (the live stores' tag indexes), combining
/// them the way Tempo's querier and frontend combiners do: distinct values merged across sources under one
/// <c>limit</c>/<c>maxStaleValues</c>, the fixed intrinsic names and keyword values added by the query layer, lists sorted
/// ordinally, <c>metrics.inspectedBytes</c> summed.
/// </summary>
/// <remarks>
/// The v2 APIs take <c>q</c>, the query being typed: when <see cref="TagFilterQuery"/> finds conditions in it, the names
/// and values come from the spans that match them, searched over <c>filterSources</c> (the live store and the blocks)
/// instead of from the tag indexes, which do not know which span carried what.
/// </remarks>
public sealed class TagQuerier
{
    private readonly IReadOnlyList<ITagSource> _sources;
    private readonly IReadOnlyList<ISearchSource> _filterSources;

    /// <param name="sources">The tag indexes answering unfiltered requests.</param>
    /// <param name="filterSources">What a filtered request searches; none: <c>q</c> is ignored.</param>
    public TagQuerier(IReadOnlyList<ITagSource> sources, IReadOnlyList<ISearchSource>? filterSources = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources;
        _filterSources = filterSources ?? [];
    }

    /// <summary>
    /// <c>/api/search/tags</c>: one flat list. Without a scope it holds every attribute scope's names but no intrinsics;
    /// Tempo's v1 lookup returns the intrinsic names only for an explicit <c>scope=intrinsic</c>.
    /// </summary>
    public async ValueTask<SearchTagsResponse> SearchTagsAsync(TagNamesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var names = new DistinctCollector<string>(request.Limit, request.MaxStaleValues, StringComparer.Ordinal);
        long inspectedBytes = 0;
        if (request.Scope.Kind == TagScopeKind.Intrinsic)
        {
            foreach (var name in IntrinsicTags.Names)
            {
                names.Collect(name);
            }
        }
        else
        {
            inspectedBytes = await CollectNamesAsync(request, (_, name) => names.Collect(name), cancellationToken).ConfigureAwait(false);
        }

        var response = new SearchTagsResponse { Metrics = Metrics(inspectedBytes) };
        response.TagNames.AddRange(SortedOrdinal(names.Values));
        return response;
    }

    /// <summary>
    /// <c>/api/v2/search/tags</c>: one entry per scope that has names, and the intrinsic list whenever the scope is
    /// unset, <c>none</c> or <c>intrinsic</c> (Tempo adds it first so size limits never drop it, and never limits it).
    /// </summary>
    public async ValueTask<SearchTagsV2Response> SearchTagsV2Async(TagNamesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var perScope = new Dictionary<AttributeScope, DistinctCollector<string>>();
        long inspectedBytes = 0;
        if (request.Scope.Kind != TagScopeKind.Intrinsic)
        {
            // Tempo stops the whole query once any scope reaches its limit ("The query stops once this limit is
            // reached for any scope").
            bool Collect(AttributeScope scope, string name)
            {
                if (!perScope.TryGetValue(scope, out var collector))
                {
                    collector = new DistinctCollector<string>(request.Limit, request.MaxStaleValues, StringComparer.Ordinal);
                    perScope.Add(scope, collector);
                }

                return collector.Collect(name);
            }

            inspectedBytes = Filter(request.Query) is { } filter
                ? await CollectMatchingNamesAsync(request, filter, Collect, cancellationToken).ConfigureAwait(false)
                : await CollectNamesAsync(request, Collect, cancellationToken).ConfigureAwait(false);
        }

        var response = new SearchTagsV2Response { Metrics = Metrics(inspectedBytes) };
        foreach (var scope in AttributeScopes.WithAttributes)
        {
            if (perScope.TryGetValue(scope, out var collector) && collector.Values.Count > 0)
            {
                var entry = new SearchTagsV2Scope { Name = scope.Name() };
                entry.Tags.AddRange(SortedOrdinal(collector.Values));
                response.Scopes.Add(entry);
            }
        }

        if (request.Scope.Kind != TagScopeKind.Attribute)
        {
            var intrinsic = new SearchTagsV2Scope { Name = AttributeScope.Intrinsic.Name() };
            intrinsic.Tags.AddRange(IntrinsicTags.Names);
            response.Scopes.Add(intrinsic);
        }

        return response;
    }

    /// <summary>
    /// <c>/api/search/tag/&lt;tag&gt;/values</c>: the v1 virtual values first (<c>status.code</c>, <c>error</c>), then every
    /// source's values of the translated tag as text, distinct and sorted.
    /// </summary>
    public async ValueTask<SearchTagValuesResponse> SearchTagValuesAsync(TagValuesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = new DistinctCollector<string>(request.Limit, request.MaxStaleValues, StringComparer.Ordinal);
        foreach (var virtualValue in IntrinsicTags.V1VirtualValues(request.TagName))
        {
            values.Collect(virtualValue);
        }

        var tag = V1TagNames.Translate(request.TagName);
        long inspectedBytes = 0;
        if (tag.Kind != TagIdentifierKind.Intrinsic || IntrinsicTags.IsIndexed(tag.Name))
        {
            inspectedBytes = await CollectValuesAsync(request, tag, value => values.Collect(value.Value), cancellationToken)
                .ConfigureAwait(false);
        }

        var response = new SearchTagValuesResponse { Metrics = Metrics(inspectedBytes) };
        response.TagValues.AddRange(SortedOrdinal(values.Values));
        return response;
    }

    /// <summary>
    /// <c>/api/v2/search/tag/&lt;identifier&gt;/values</c>: typed values. <c>status</c> and <c>kind</c> answer with their keywords
    /// and durations and IDs with an empty list without asking any store (Tempo returns early there too).
    /// </summary>
    /// <exception cref="FormatException"><see cref="TagValuesRequest.TagName"/> is not a TraceQL identifier.</exception>
    public async ValueTask<SearchTagValuesV2Response> SearchTagValuesV2Async(TagValuesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TraceQLIdentifier.TryParse(request.TagName, out var tag) is { } error)
        {
            throw new FormatException(error);
        }

        var response = new SearchTagValuesV2Response();
        if (tag!.Kind == TagIdentifierKind.Intrinsic && IntrinsicTags.FixedValues(tag.Name) is { } fixedValues)
        {
            response.Metrics = Metrics(0);
            foreach (var value in fixedValues)
            {
                response.TagValues.Add(ToProto(value));
            }

            return response;
        }

        var values = new DistinctCollector<TypedTagValue>(request.Limit, request.MaxStaleValues);
        var inspectedBytes = Filter(request.Query) is { } filter
            ? await MatchingSpanTags.CollectAsync(_filterSources, request.Tenant, filter, request.Window,
                span => MatchingSpanTags.ValuesOf(span, tag).Any(values.Collect), cancellationToken).ConfigureAwait(false)
            : await CollectValuesAsync(request, tag, values.Collect, cancellationToken).ConfigureAwait(false);
        var collected = values.Values;
        collected.Sort(static (a, b) =>
        {
            var byType = a.Type.CompareTo(b.Type);
            return byType != 0 ? byType : string.CompareOrdinal(a.Value, b.Value);
        });
        foreach (var value in collected)
        {
            response.TagValues.Add(ToProto(value));
        }

        response.Metrics = Metrics(inspectedBytes);
        return response;
    }

    /// <summary>The conditions of <c>q</c> to narrow by; null: answer from the tag indexes.</summary>
    private RootExpression? Filter(string query) => _filterSources.Count == 0 ? null : TagFilterQuery.Extract(query);

    private Task<long> CollectMatchingNamesAsync(TagNamesRequest request, RootExpression filter, Func<AttributeScope, string, bool> collect,
        CancellationToken cancellationToken)
    {
        var scopes = request.Scope.AttributeScopesToQuery();
        return MatchingSpanTags.CollectAsync(_filterSources, request.Tenant, filter, request.Window,
            span => scopes.Any(scope => MatchingSpanTags.NamesOf(span, scope).Any(name => collect(scope, name))), cancellationToken);
    }

    private async ValueTask<long> CollectNamesAsync(TagNamesRequest request, Func<AttributeScope, string, bool> collect,
        CancellationToken cancellationToken)
    {
        var scopes = request.Scope.AttributeScopesToQuery();
        var query = new TagNamesQuery(request.Tenant, scopes, request.Window, request.Limit, request.MaxStaleValues);
        long inspectedBytes = 0;
        foreach (var source in _sources)
        {
            var result = await source.GetTagNamesAsync(query, cancellationToken).ConfigureAwait(false);
            inspectedBytes += result.InspectedBytes;
            foreach (var scope in scopes)
            {
                if (!result.Scopes.TryGetValue(scope, out var names))
                {
                    continue;
                }

                foreach (var name in names)
                {
                    if (collect(scope, name))
                    {
                        return inspectedBytes;
                    }
                }
            }
        }

        return inspectedBytes;
    }

    private async ValueTask<long> CollectValuesAsync(TagValuesRequest request, TagIdentifier tag, Func<TypedTagValue, bool> collect,
        CancellationToken cancellationToken)
    {
        var query = new TagValuesQuery(request.Tenant, tag, request.Window, request.Limit, request.MaxStaleValues);
        long inspectedBytes = 0;
        foreach (var source in _sources)
        {
            var result = await source.GetTagValuesAsync(query, cancellationToken).ConfigureAwait(false);
            inspectedBytes += result.InspectedBytes;
            foreach (var value in result.Values)
            {
                if (collect(value))
                {
                    return inspectedBytes;
                }
            }
        }

        return inspectedBytes;
    }

    private static MetadataMetrics Metrics(long inspectedBytes) => new() { InspectedBytes = (ulong)Math.Max(0, inspectedBytes) };

    private static TagValue ToProto(TypedTagValue value) => new() { Type = value.Type.Name(), Value = value.Value };

    private static List<string> SortedOrdinal(List<string> values)
    {
        values.Sort(StringComparer.Ordinal);
        return values;
    }
}
