using System.Globalization;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Query.Tests.Search.Oracle;
using Tempo.Streaming.TraceQL;

namespace Tempo.Streaming.LiveStore.Tests.Search;

/// <summary>
/// The v2 tag APIs with <c>q</c> over a live store and blocks at once (the fixture of <see cref="SearchOracleTests"/>):
/// the names and values offered must be exactly those of the spans the oracle says match the filter, and a <c>q</c>
/// that narrows nothing must give the tag index's unfiltered answer.
/// </summary>
public sealed class FilteredTagsOracleTests(SearchOracleTests.Stores stores) : IClassFixture<SearchOracleTests.Stores>
{
    private const string Tenant = "single-tenant";

    private static readonly string[] Filters =
    [
        "{ resource.service.name = \"cart\" }",
        "{ span.http.response.status_code >= 500 }",
        "{ status = error && resource.deployment.env = \"prod\" }",
        "{ kind = server && span.http.method = }",
        "{ name =~ \"pool.*|SELECT.*\" }",
        "{ event:name = \"retry\" }",
    ];

    private static readonly string[] Tags =
    [
        "resource.service.name", "span.http.method", "span.http.response.status_code", "span.payload.size_kb", "span.cache.hit",
        ".deployment.env", "name", "rootServiceName", "event:name", "event.level", "link.link.type", "instrumentation:name",
        "instrumentation.scope.lang",
    ];

    private IReadOnlyList<OracleTrace>? _decoded;

    private IReadOnlyList<OracleTrace> Decoded => _decoded ??= OracleDecoder.Decode(stores.AllTraces);

    public static TheoryData<string, string> FilterAndTag()
    {
        var data = new TheoryData<string, string>();
        foreach (var filter in Filters)
        {
            foreach (var tag in Tags)
            {
                data.Add(filter, tag);
            }
        }
        return data;
    }

    public static TheoryData<string> FilterOnly() => [.. Filters];

    [Theory]
    [MemberData(nameof(FilterAndTag))]
    public async Task Values_are_those_of_the_matching_spans(string filter, string tag)
    {
        TraceQLIdentifier.TryParse(tag, out var identifier).Should().BeNull();
        var expected = MatchingSpans(filter).SelectMany(m => ValuesOf(m.Trace, m.Span, identifier!)).Distinct()
            .Select(v => v.Type.Name() + ":" + v.Value).Order(StringComparer.Ordinal).ToList();

        var response = await Querier().SearchTagValuesV2Async(
            new TagValuesRequest(Tenant, tag, QueryWindow.All, 0, 0, filter), CancellationToken.None);

        response.TagValues.Select(v => v.Type + ":" + v.Value).Order(StringComparer.Ordinal).Should().Equal(expected);
        response.Metrics.InspectedBytes.Should().BeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(FilterOnly))]
    public async Task Names_are_those_the_matching_spans_carry_per_scope(string filter)
    {
        var matches = MatchingSpans(filter);
        matches.Should().NotBeEmpty("every filter of this test matches something");

        var response = await Querier().SearchTagsV2Async(
            new TagNamesRequest(Tenant, TagScopeSelection.All, QueryWindow.All, 0, 0, filter), CancellationToken.None);

        var actual = response.Scopes.ToDictionary(s => s.Name, s => s.Tags.ToList());
        foreach (var scope in AttributeScopes.WithAttributes)
        {
            var expected = matches.SelectMany(m => NamesOf(m.Span, scope)).Distinct().Order(StringComparer.Ordinal).ToList();
            if (expected.Count == 0)
            {
                actual.Should().NotContainKey(scope.Name());
                continue;
            }

            actual.Should().ContainKey(scope.Name());
            actual[scope.Name()].Should().Equal(expected, $"the {scope.Name()} names of the spans matching {filter}");
        }

        actual.Should().ContainKey("intrinsic");
    }

    [Fact]
    public async Task A_filter_narrows_the_list()
    {
        var all = await Querier().SearchTagValuesV2Async(
            new TagValuesRequest(Tenant, "resource.service.name", QueryWindow.All, 0, 0, ""), CancellationToken.None);
        var cart = await Querier().SearchTagValuesV2Async(
            new TagValuesRequest(Tenant, "resource.service.name", QueryWindow.All, 0, 0, "{ resource.service.name = \"cart\" }"),
            CancellationToken.None);

        all.TagValues.Count.Should().BeGreaterThan(1);
        cart.TagValues.Select(v => v.Value).Should().Equal("cart");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{ resource.service.name = }")]
    [InlineData("{ resource.service.name = \"cart\" } | count() > 2")]
    [InlineData("{ resource.service.name = \"cart\" || kind = server }")]
    [InlineData("{ resource.service.name = \"cart\" } && { kind = server }")]
    [InlineData("{ resource.service.name = \"cart")]
    public async Task A_query_without_usable_conditions_gives_the_unfiltered_list(string query)
    {
        var unfiltered = await new TagQuerier([stores.Live!]).SearchTagValuesV2Async(
            new TagValuesRequest(Tenant, "span.http.method", QueryWindow.All, 0, 0, ""), CancellationToken.None);
        var names = await new TagQuerier([stores.Live!]).SearchTagsV2Async(
            new TagNamesRequest(Tenant, TagScopeSelection.All, QueryWindow.All, 0, 0, ""), CancellationToken.None);

        var values = await Querier().SearchTagValuesV2Async(
            new TagValuesRequest(Tenant, "span.http.method", QueryWindow.All, 0, 0, query), CancellationToken.None);
        var filteredNames = await Querier().SearchTagsV2Async(
            new TagNamesRequest(Tenant, TagScopeSelection.All, QueryWindow.All, 0, 0, query), CancellationToken.None);

        unfiltered.TagValues.Should().NotBeEmpty();
        values.TagValues.Should().Equal(unfiltered.TagValues);
        filteredNames.Scopes.Should().Equal(names.Scopes);
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_offers_nothing_but_the_intrinsics()
    {
        var values = await Querier().SearchTagValuesV2Async(
            new TagValuesRequest(Tenant, "span.http.method", QueryWindow.All, 0, 0, "{ resource.service.name = \"nope\" }"),
            CancellationToken.None);
        var names = await Querier().SearchTagsV2Async(
            new TagNamesRequest(Tenant, TagScopeSelection.All, QueryWindow.All, 0, 0, "{ resource.service.name = \"nope\" }"),
            CancellationToken.None);

        values.TagValues.Should().BeEmpty();
        names.Scopes.Select(s => s.Name).Should().Equal("intrinsic");
    }

    [Fact]
    public async Task The_limit_cuts_the_filtered_values()
    {
        const string filter = "{ kind = server }";
        TraceQLIdentifier.TryParse("name", out var identifier).Should().BeNull();
        var all = MatchingSpans(filter).SelectMany(m => ValuesOf(m.Trace, m.Span, identifier!)).Select(v => v.Value).Distinct().ToList();
        all.Count.Should().BeGreaterThan(3);

        var response = await Querier().SearchTagValuesV2Async(
            new TagValuesRequest(Tenant, "name", QueryWindow.All, 3, 0, filter), CancellationToken.None);

        response.TagValues.Should().HaveCount(3);
        response.TagValues.Select(v => v.Value).Should().BeSubsetOf(all);
    }

    private TagQuerier Querier() => new([stores.Live!], [new LiveSearchSource(stores.Live!), stores.Blocks!]);

    private List<(OracleTrace Trace, OracleSpan Span)> MatchingSpans(string filter)
    {
        var root = TagFilterQuery.Extract(filter)!;
        var matches = new List<(OracleTrace, OracleSpan)>();
        foreach (var trace in Decoded)
        {
            foreach (var spanset in TraceQLOracle.Evaluate(root, trace))
            {
                matches.AddRange(spanset.Select(span => (trace, span)));
            }
        }
        return matches;
    }

    private static IEnumerable<string> NamesOf(OracleSpan span, AttributeScope scope) => scope switch
    {
        AttributeScope.Span => span.Attributes.Keys,
        AttributeScope.Resource => span.ResourceAttributes.Keys,
        AttributeScope.Instrumentation => span.ScopeAttributes.Keys,
        AttributeScope.Event => span.Events.SelectMany(e => e.Attributes.Keys),
        AttributeScope.Link => span.Links.SelectMany(l => l.Attributes.Keys),
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    };

    private static IEnumerable<TypedTagValue> ValuesOf(OracleTrace trace, OracleSpan span, TagIdentifier tag)
    {
        IEnumerable<OracleValue> values = tag.Kind switch
        {
            TagIdentifierKind.UnscopedAttribute => Lookup(span.Attributes, tag.Name).Concat(Lookup(span.ResourceAttributes, tag.Name)),
            TagIdentifierKind.ScopedAttribute => tag.Scope switch
            {
                AttributeScope.Span => Lookup(span.Attributes, tag.Name),
                AttributeScope.Resource => Lookup(span.ResourceAttributes, tag.Name),
                AttributeScope.Instrumentation => Lookup(span.ScopeAttributes, tag.Name),
                AttributeScope.Event => span.Events.SelectMany(e => Lookup(e.Attributes, tag.Name)),
                AttributeScope.Link => span.Links.SelectMany(l => Lookup(l.Attributes, tag.Name)),
                _ => throw new ArgumentOutOfRangeException(nameof(tag)),
            },
            _ => tag.Name switch
            {
                Intrinsics.Name => [OracleValue.String(span.Name)],
                Intrinsics.RootServiceName => trace.Root is { } root ? Lookup(root.ResourceAttributes, "service.name") : [],
                Intrinsics.EventName => span.Events.Select(e => OracleValue.String(e.Name)),
                Intrinsics.InstrumentationName => [OracleValue.String(span.ScopeName)],
                _ => throw new ArgumentOutOfRangeException(nameof(tag), tag.Name, "no expectation written for this intrinsic"),
            },
        };

        foreach (var value in values)
        {
            yield return value.Type switch
            {
                OracleType.String => new TypedTagValue(TagValueType.String, value.StringValue),
                OracleType.Int => new TypedTagValue(TagValueType.Int, value.IntValue.ToString(CultureInfo.InvariantCulture)),
                OracleType.Float => new TypedTagValue(TagValueType.Float, GoFloat.FormatG(value.FloatValue)),
                OracleType.Bool => new TypedTagValue(TagValueType.Bool, value.BoolValue ? "true" : "false"),
                _ => throw new InvalidOperationException($"an attribute of type {value.Type}"),
            };
        }
    }

    private static IEnumerable<OracleValue> Lookup(IReadOnlyDictionary<string, OracleValue> attributes, string name) =>
        attributes.TryGetValue(name, out var value) ? [value] : [];
}
