using Tempo.Streaming.Query.Search;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.Query.Tests.Search;

/// <summary>
/// The tag search written as TraceQL, key by key as vParquet4's block search matches it
/// (tempodb/encoding/vparquet4/block_search.go <c>makePipelineWithRowGroups</c>, schema.go <c>labelMappings</c>).
/// </summary>
public sealed class TagSearchQueryTests
{
    private static string Text(params (string Key, string Value)[] tags) => Text(0, 0, tags);

    private static string Text(uint minMs, uint maxMs, params (string Key, string Value)[] tags) =>
        TagSearchQuery.ToTraceQL(tags.Select(t => KeyValuePair.Create(t.Key, t.Value)), minMs, maxMs);

    /// <summary>Syntax trees are records holding lists, so they are compared member by member.</summary>
    internal static void SameTree(RootExpression actual, RootExpression expected) =>
        actual.Should().BeEquivalentTo(expected, o => o.ComparingRecordsByMembers().RespectingRuntimeTypes());

    [Fact]
    public void Tree_comparison_sees_differences()
    {
        FluentActions.Invoking(() => SameTree(TraceQLParser.ParseValid("{ .a = 1 }"), TraceQLParser.ParseValid("{ .a = 2 }")))
            .Should().Throw<Exception>();
        FluentActions.Invoking(() => SameTree(TraceQLParser.ParseValid("{ .a = 1 }"), TraceQLParser.ParseValid("{ span.a = 1 }")))
            .Should().Throw<Exception>();
    }

    [Fact]
    public void No_condition_is_every_trace()
    {
        Text().Should().Be("{}");
        SameTree(TagSearchQuery.Build([], 0, 0), TraceQLParser.ParseValid("{}"));
    }

    [Theory]
    [InlineData("root.name", "{ trace:rootName =~ \"(?s).*GET.*\" }")]
    [InlineData("root.service.name", "{ trace:rootService =~ \"(?s).*GET.*\" }")]
    [InlineData("name", "{ name =~ \"(?s).*GET.*\" }")]
    [InlineData("service.name", "{ resource.\"service.name\" =~ \"(?s).*GET.*\" }")]
    [InlineData("cluster", "{ resource.\"cluster\" =~ \"(?s).*GET.*\" }")]
    [InlineData("namespace", "{ resource.\"namespace\" =~ \"(?s).*GET.*\" }")]
    [InlineData("pod", "{ resource.\"pod\" =~ \"(?s).*GET.*\" }")]
    [InlineData("container", "{ resource.\"container\" =~ \"(?s).*GET.*\" }")]
    [InlineData("k8s.cluster.name", "{ resource.\"k8s.cluster.name\" =~ \"(?s).*GET.*\" }")]
    [InlineData("k8s.namespace.name", "{ resource.\"k8s.namespace.name\" =~ \"(?s).*GET.*\" }")]
    [InlineData("k8s.pod.name", "{ resource.\"k8s.pod.name\" =~ \"(?s).*GET.*\" }")]
    [InlineData("k8s.container.name", "{ resource.\"k8s.container.name\" =~ \"(?s).*GET.*\" }")]
    [InlineData("http.method", "{ span.\"http.method\" =~ \"(?s).*GET.*\" }")]
    [InlineData("http.url", "{ span.\"http.url\" =~ \"(?s).*GET.*\" }")]
    [InlineData("http.status_code", "{ span.\"http.status_code\" = \"GET\" || resource.\"http.status_code\" = \"GET\" }")]
    [InlineData("status.code", "{ status = unset }")]
    [InlineData("user.id", "{ span.\"user.id\" = \"GET\" || resource.\"user.id\" = \"GET\" }")]
    [InlineData("error", "{ span.\"error\" = \"GET\" || resource.\"error\" = \"GET\" }")]
    public void Each_key_is_matched_as_vparquet4_matches_it(string key, string expected)
    {
        Text((key, "GET")).Should().Be(expected);
        SameTree(TagSearchQuery.Build([KeyValuePair.Create(key, "GET")], 0, 0), TraceQLParser.ParseValid(expected));
    }

    [Theory]
    [InlineData("500", "{ span.\"http.status_code\" = 500 }")]
    [InlineData("+500", "{ span.\"http.status_code\" = 500 }")]
    [InlineData("007", "{ span.\"http.status_code\" = 7 }")]
    [InlineData("-1", "{ span.\"http.status_code\" = -1 }")]
    [InlineData("5xx", "{ span.\"http.status_code\" = \"5xx\" || resource.\"http.status_code\" = \"5xx\" }")]
    [InlineData(" 500", "{ span.\"http.status_code\" = \" 500\" || resource.\"http.status_code\" = \" 500\" }")]
    [InlineData("99999999999999999999", "{ span.\"http.status_code\" = \"99999999999999999999\" || resource.\"http.status_code\" = \"99999999999999999999\" }")]
    public void Http_status_code_is_an_integer_when_go_atoi_reads_one(string value, string expected)
    {
        Text(("http.status_code", value)).Should().Be(expected);
        TraceQLParser.ParseValid(expected);
    }

    [Theory]
    [InlineData("error", "{ status = error }")]
    [InlineData("ok", "{ status = ok }")]
    [InlineData("unset", "{ status = unset }")]
    [InlineData("Error", "{ status = unset }")]
    [InlineData("", "{ status = unset }")]
    public void Status_code_maps_to_the_status_and_anything_unknown_to_unset(string value, string expected)
    {
        Text(("status.code", value)).Should().Be(expected);
    }

    [Fact]
    public void Several_tags_must_all_hold_and_are_written_in_key_order()
    {
        Text(("service.name", "cart"), ("http.status_code", "500"), ("name", "checkout")).Should().Be(
            "{ span.\"http.status_code\" = 500 } && { name =~ \"(?s).*checkout.*\" } && { resource.\"service.name\" =~ \"(?s).*cart.*\" }");
    }

    [Fact]
    public void Durations_bound_the_trace_duration_inclusively()
    {
        Text(600, 0).Should().Be("{ trace:duration >= 600ms }");
        Text(0, 1000).Should().Be("{ trace:duration <= 1000ms }");
        Text(600, 1000, ("service.name", "cart")).Should().Be(
            "{ resource.\"service.name\" =~ \"(?s).*cart.*\" } && { trace:duration >= 600ms && trace:duration <= 1000ms }");
    }

    [Fact]
    public void The_duration_filter_compares_trace_duration_in_nanoseconds()
    {
        var root = TagSearchQuery.Build([], 600, 4294967295);

        var filter = root.Pipeline!.Elements.Single().Should().BeOfType<SpansetFilter>().Subject;
        var and = filter.Expression.Should().BeOfType<BinaryOperation>().Subject;
        and.Op.Should().Be(Operator.And);
        and.Left.Should().Be(new BinaryOperation(Operator.GreaterEqual, new IntrinsicField(Intrinsic.TraceDuration),
            Static.OfDuration(600_000_000)));
        and.Right.Should().Be(new BinaryOperation(Operator.LessEqual, new IntrinsicField(Intrinsic.TraceDuration),
            Static.OfDuration(4_294_967_295_000_000)));
    }

    [Theory]
    [InlineData("a.b", "xa.by", true)]
    [InlineData("a.b", "aXb", false)]
    [InlineData("cart", "shop-cart-svc", true)]
    [InlineData("cart", "Cart", false)]
    [InlineData("cart", "ca\nrt", false)]
    [InlineData("rt", "ca\nrt", true)]
    [InlineData("(x)", "a(x)b", true)]
    [InlineData("(x)", "x", false)]
    [InlineData("[a-z]+$^|?*{2}\\", "-[a-z]+$^|?*{2}\\-", true)]
    [InlineData("[a-z]+$^|?*{2}\\", "abc", false)]
    [InlineData("say \"hi\"", "they say \"hi\" there", true)]
    [InlineData("é 😀", "café 😀!", true)]
    [InlineData("", "", true)]
    [InlineData("", "anything", true)]
    public void Substring_matches_are_case_sensitive_contains(string value, string candidate, bool matches)
    {
        var root = TagSearchQuery.Build([KeyValuePair.Create("service.name", value)], 0, 0);

        var filter = root.Pipeline!.Elements.Single().Should().BeOfType<SpansetFilter>().Subject;
        var regex = filter.Expression.Should().BeOfType<BinaryOperation>().Subject;
        regex.Op.Should().Be(Operator.Regex);
        regex.Left.Should().Be(new AttributeField(AttributeScope.Resource, false, "service.name"));
        var pattern = regex.Right.Should().BeOfType<Static>().Subject.String;

        TraceQLRegex.Compile(pattern).IsMatch(candidate).Should().Be(matches);
    }

    [Theory]
    [InlineData("say \"hi\"")]
    [InlineData("back\\slash")]
    [InlineData("line\nbreak\ttab\u0001")]
    [InlineData("ü 😀")]
    public void Exact_values_survive_quoting(string value)
    {
        var root = TagSearchQuery.Build([KeyValuePair.Create("custom", value)], 0, 0);

        var filter = root.Pipeline!.Elements.Single().Should().BeOfType<SpansetFilter>().Subject;
        filter.Expression.Should().Be(new BinaryOperation(Operator.Or,
            new BinaryOperation(Operator.Equal, new AttributeField(AttributeScope.Span, false, "custom"), Static.OfString(value)),
            new BinaryOperation(Operator.Equal, new AttributeField(AttributeScope.Resource, false, "custom"), Static.OfString(value))));
    }

    [Theory]
    [InlineData("my key")]
    [InlineData("quote\"d")]
    [InlineData("back\\slash")]
    [InlineData("a{b}(c)=d|e&f,g!h~i<j>")]
    [InlineData("span:duration")]
    [InlineData("ключ")]
    public void Any_key_becomes_the_attribute_of_that_exact_name(string key)
    {
        var root = TagSearchQuery.Build([KeyValuePair.Create(key, "v")], 0, 0);

        var filter = root.Pipeline!.Elements.Single().Should().BeOfType<SpansetFilter>().Subject;
        var or = filter.Expression.Should().BeOfType<BinaryOperation>().Subject;
        ((BinaryOperation)or.Left).Left.Should().Be(new AttributeField(AttributeScope.Span, false, key));
        ((BinaryOperation)or.Right).Left.Should().Be(new AttributeField(AttributeScope.Resource, false, key));
    }
}
