using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Tags;

namespace Tempo.Streaming.Query.Tests.Tags;

public sealed class TagQuerierTests
{
    private static TagNamesRequest Names(TagScopeSelection scope, int limit = 0, int maxStale = 0) =>
        new("tenant-a", scope, QueryWindow.All, limit, maxStale);

    private static TagValuesRequest Values(string tag, int limit = 0, int maxStale = 0) =>
        new("tenant-a", tag, QueryWindow.All, limit, maxStale);

    private static FakeTagSource ShopSource() => new FakeTagSource { InspectedBytesPerCall = 100 }
        .WithNames(AttributeScope.Resource, "service.name", "host.name")
        .WithNames(AttributeScope.Span, "http.method", "db.system")
        .WithNames(AttributeScope.Event, "exception.type")
        .WithNames(AttributeScope.Link, "link-type");

    [Fact]
    public async Task V1_tags_without_scope_are_every_attribute_scope_flattened_sorted_and_without_intrinsics()
    {
        var source = ShopSource();
        var querier = new TagQuerier([source]);

        var response = await querier.SearchTagsAsync(Names(TagScopeSelection.All), CancellationToken.None);

        response.TagNames.Should().Equal("db.system", "exception.type", "host.name", "http.method", "link-type", "service.name");
        response.Metrics.InspectedBytes.Should().Be(100);
        source.NameQueries.Single().Scopes.Should().Equal(AttributeScopes.WithAttributes);
        source.NameQueries.Single().Tenant.Should().Be("tenant-a");
    }

    [Fact]
    public async Task V1_tags_with_scope_intrinsic_are_the_intrinsic_names_and_ask_no_store()
    {
        var source = ShopSource();
        var response = await new TagQuerier([source]).SearchTagsAsync(Names(TagScopeSelection.Intrinsic), CancellationToken.None);

        response.TagNames.Should().Equal(IntrinsicTags.Names);
        response.TagNames.Should().Contain(["duration", "rootServiceName", "span:name", "trace:rootService", "event:name"]);
        source.NameQueries.Should().BeEmpty();
    }

    [Fact]
    public async Task V2_tags_list_each_scope_with_names_then_the_intrinsic_scope()
    {
        var response = await new TagQuerier([ShopSource()]).SearchTagsV2Async(Names(TagScopeSelection.All), CancellationToken.None);

        response.Scopes.Select(s => s.Name).Should().Equal("resource", "span", "event", "link", "intrinsic");
        response.Scopes[0].Tags.Should().Equal("host.name", "service.name");
        response.Scopes[^1].Tags.Should().Equal(IntrinsicTags.Names);
        IntrinsicTags.Names.Should().BeInAscendingOrder(StringComparer.Ordinal);
        IntrinsicTags.Names.Should().HaveCount(20);
    }

    [Fact]
    public async Task V2_tags_with_one_attribute_scope_have_no_intrinsic_entry()
    {
        var source = ShopSource();
        var response = await new TagQuerier([source]).SearchTagsV2Async(Names(TagScopeSelection.Of(AttributeScope.Span)), CancellationToken.None);

        response.Scopes.Should().ContainSingle().Which.Name.Should().Be("span");
        response.Scopes[0].Tags.Should().Equal("db.system", "http.method");
        source.NameQueries.Single().Scopes.Should().Equal(AttributeScope.Span);
    }

    [Fact]
    public async Task Names_merge_distinct_across_sources_and_sum_inspected_bytes()
    {
        var a = new FakeTagSource { InspectedBytesPerCall = 10 }.WithNames(AttributeScope.Span, "b", "a");
        var b = new FakeTagSource { InspectedBytesPerCall = 32 }.WithNames(AttributeScope.Span, "c", "a", "B");

        var response = await new TagQuerier([a, b]).SearchTagsV2Async(Names(TagScopeSelection.Of(AttributeScope.Span)), CancellationToken.None);

        response.Scopes.Single().Tags.Should().Equal("B", "a", "b", "c");
        response.Metrics.InspectedBytes.Should().Be(42);
    }

    [Fact]
    public async Task Limit_caps_each_scope_but_never_the_intrinsic_list()
    {
        var source = new FakeTagSource().WithNames(AttributeScope.Resource, "r1", "r2", "r3").WithNames(AttributeScope.Span, "s1");

        var response = await new TagQuerier([source]).SearchTagsV2Async(Names(TagScopeSelection.All, limit: 2), CancellationToken.None);

        response.Scopes.Single(s => s.Name == "resource").Tags.Should().HaveCount(2);
        response.Scopes.Single(s => s.Name == "intrinsic").Tags.Should().HaveCount(IntrinsicTags.Names.Count);
        source.NameQueries.Single().LimitPerScope.Should().Be(2, "the limit is passed down so stores can stop early");
    }

    [Fact]
    public async Task Max_stale_values_stops_after_that_many_consecutive_known_names()
    {
        var a = new FakeTagSource().WithNames(AttributeScope.Span, "a", "b");
        var b = new FakeTagSource().WithNames(AttributeScope.Span, "a", "b", "c");

        var response = await new TagQuerier([a, b]).SearchTagsAsync(Names(TagScopeSelection.Of(AttributeScope.Span), maxStale: 2),
            CancellationToken.None);

        response.TagNames.Should().Equal("a", "b");
    }

    [Fact]
    public async Task V1_values_translate_service_name_to_the_resource_scope()
    {
        var tag = TagIdentifier.Attribute(AttributeScope.Resource, "service.name");
        var source = new FakeTagSource { InspectedBytesPerCall = 7 }
            .WithValues(tag, new TypedTagValue(TagValueType.String, "frontend"), new TypedTagValue(TagValueType.String, "cart"));

        var response = await new TagQuerier([source]).SearchTagValuesAsync(Values("service.name"), CancellationToken.None);

        response.TagValues.Should().Equal("cart", "frontend");
        response.Metrics.InspectedBytes.Should().Be(7);
        source.ValueQueries.Single().Tag.Should().Be(tag);
    }

    [Fact]
    public async Task V1_values_of_other_names_are_unscoped_attributes_and_print_typed_values_as_text()
    {
        var tag = TagIdentifier.Unscoped("http.response.status_code");
        var source = new FakeTagSource().WithValues(tag, new TypedTagValue(TagValueType.Int, "500"), new TypedTagValue(TagValueType.Int, "200"));

        var response = await new TagQuerier([source]).SearchTagValuesAsync(Values("http.response.status_code"), CancellationToken.None);

        response.TagValues.Should().Equal("200", "500");
    }

    [Fact]
    public async Task V1_status_code_offers_the_virtual_values_and_error_adds_true()
    {
        var source = new FakeTagSource().WithValues(TagIdentifier.Unscoped("error"), new TypedTagValue(TagValueType.String, "timeout"));
        var querier = new TagQuerier([source]);

        (await querier.SearchTagValuesAsync(Values("status.code"), CancellationToken.None)).TagValues.Should().Equal("error", "ok", "unset");
        (await querier.SearchTagValuesAsync(Values("error"), CancellationToken.None)).TagValues.Should().Equal("timeout", "true");
        source.ValueQueries.Select(q => q.Tag).Should().Equal(TagIdentifier.Unscoped("error"));
    }

    [Fact]
    public async Task V1_root_names_are_the_indexed_intrinsics()
    {
        var source = new FakeTagSource().WithValues(TagIdentifier.Intrinsic(Intrinsics.RootServiceName), new TypedTagValue(TagValueType.String, "frontend"));

        var response = await new TagQuerier([source]).SearchTagValuesAsync(Values("root.service.name"), CancellationToken.None);

        response.TagValues.Should().Equal("frontend");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("span:status")]
    public async Task V2_status_is_keywords_in_tempo_order_without_asking_stores(string identifier)
    {
        var source = new FakeTagSource();
        var response = await new TagQuerier([source]).SearchTagValuesV2Async(Values(identifier), CancellationToken.None);

        response.TagValues.Select(v => (v.Type, v.Value)).Should().Equal(("keyword", "ok"), ("keyword", "error"), ("keyword", "unset"));
        source.ValueQueries.Should().BeEmpty();
    }

    [Fact]
    public async Task V2_kind_is_keywords_in_tempo_order()
    {
        var response = await new TagQuerier([]).SearchTagValuesV2Async(Values("span:kind"), CancellationToken.None);

        response.TagValues.Select(v => v.Value).Should().Equal("client", "server", "producer", "consumer", "internal", "unspecified");
        response.TagValues.Should().OnlyContain(v => v.Type == "keyword");
    }

    [Theory]
    [InlineData("duration")]
    [InlineData("span:duration")]
    [InlineData("traceDuration")]
    [InlineData("trace:duration")]
    [InlineData("trace:id")]
    [InlineData("span:id")]
    [InlineData("span:parentID")]
    [InlineData("event:timeSinceStart")]
    public async Task V2_durations_and_ids_are_an_empty_list(string identifier)
    {
        var source = new FakeTagSource();
        var response = await new TagQuerier([source]).SearchTagValuesV2Async(Values(identifier), CancellationToken.None);

        response.TagValues.Should().BeEmpty();
        response.Metrics.Should().NotBeNull();
        source.ValueQueries.Should().BeEmpty();
    }

    [Fact]
    public async Task V2_values_are_typed_merged_distinct_and_sorted_by_type_then_value()
    {
        var tag = TagIdentifier.Attribute(AttributeScope.Span, "http.status_code");
        var a = new FakeTagSource { InspectedBytesPerCall = 5 }.WithValues(tag, new TypedTagValue(TagValueType.Int, "500"), new TypedTagValue(TagValueType.String, "x"));
        var b = new FakeTagSource { InspectedBytesPerCall = 6 }.WithValues(tag, new TypedTagValue(TagValueType.Int, "200"), new TypedTagValue(TagValueType.Int, "500"));

        var response = await new TagQuerier([a, b]).SearchTagValuesV2Async(Values("span.http.status_code"), CancellationToken.None);

        response.TagValues.Select(v => (v.Type, v.Value)).Should().Equal(("string", "x"), ("int", "200"), ("int", "500"));
        response.Metrics.InspectedBytes.Should().Be(11);
    }

    [Fact]
    public async Task V2_indexed_intrinsics_and_unscoped_attributes_are_asked_from_the_stores()
    {
        var source = new FakeTagSource()
            .WithValues(TagIdentifier.Intrinsic(Intrinsics.RootServiceName), new TypedTagValue(TagValueType.String, "frontend"))
            .WithValues(TagIdentifier.Unscoped("service.name"), new TypedTagValue(TagValueType.String, "cart"));
        var querier = new TagQuerier([source]);

        (await querier.SearchTagValuesV2Async(Values("trace:rootService"), CancellationToken.None)).TagValues.Single().Value.Should().Be("frontend");
        (await querier.SearchTagValuesV2Async(Values(".service.name"), CancellationToken.None)).TagValues.Single().Value.Should().Be("cart");
    }

    [Fact]
    public async Task V2_limit_caps_the_values()
    {
        var tag = TagIdentifier.Unscoped("user.id");
        var source = new FakeTagSource().WithValues(tag, Enumerable.Range(0, 10).Select(i => new TypedTagValue(TagValueType.String, $"u{i}")).ToArray());

        var response = await new TagQuerier([source]).SearchTagValuesV2Async(Values(".user.id", limit: 3), CancellationToken.None);

        response.TagValues.Should().HaveCount(3);
    }

    [Fact]
    public async Task V2_values_of_an_invalid_identifier_throw_with_the_parse_error()
    {
        var act = () => new TagQuerier([]).SearchTagValuesV2Async(Values("foo"), CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<FormatException>().WithMessage("failed to parse identifier foo:*");
    }
}
