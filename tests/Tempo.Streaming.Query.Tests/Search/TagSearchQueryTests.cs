using Tempo.Streaming.Query.Search;
using Tempo.Streaming.TraceQL;
using Tempo.Streaming.TraceQL.Ast;

namespace Tempo.Streaming.Query.Tests.Search;

/// <summary>
/// The tag search written as TraceQL: values matched as case-insensitive substrings, as Tempo's search API documents.
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

    private static string AnyAttribute(string key, string pattern) =>
        $"span.\"{key}\" =~ \"{pattern}\" || resource.\"{key}\" =~ \"{pattern}\"";

    [Theory]
    [InlineData("root.name", "{ trace:rootName =~ \"(?si).*GET.*\" }")]
    [InlineData("root.service.name", "{ trace:rootService =~ \"(?si).*GET.*\" }")]
    [InlineData("name", "{ name =~ \"(?si).*GET.*\" }")]
    [InlineData("status.code", "{ status = unset }")]
    public void Trace_and_span_intrinsics_have_their_own_condition(string key, string expected)
    {
        Text((key, "GET")).Should().Be(expected);
        SameTree(TagSearchQuery.Build([KeyValuePair.Create(key, "GET")], 0, 0), TraceQLParser.ParseValid(expected));
    }

    [Theory]
    [InlineData("service.name")]
    [InlineData("k8s.cluster.name")]
    [InlineData("http.method")]
    [InlineData("http.status_code")]
    [InlineData("user.id")]
    [InlineData("error")]
    public void Any_other_key_is_a_span_or_resource_attribute_containing_the_value(string key)
    {
        var expected = "{ " + AnyAttribute(key, "(?si).*GET.*") + " }";
        Text((key, "GET")).Should().Be(expected);
        SameTree(TagSearchQuery.Build([KeyValuePair.Create(key, "GET")], 0, 0), TraceQLParser.ParseValid(expected));
    }

    [Theory]
    [InlineData("500", "500")]
    [InlineData("+500", "500")]
    [InlineData("007", "7")]
    [InlineData("-1", "-1")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    public void Integer_and_boolean_values_also_match_typed_attributes(string value, string literal)
    {
        var text = Text(("http.status_code", value));
        text.Should().Be("{ " + AnyAttribute("http.status_code", "(?si).*" + value.Replace("+", "\\\\+", StringComparison.Ordinal) + ".*")
            + $" || span.\"http.status_code\" = {literal} || resource.\"http.status_code\" = {literal} }}");
        TraceQLParser.ParseValid(text);
    }

    [Theory]
    [InlineData("5xx")]
    [InlineData(" 500")]
    [InlineData("99999999999999999999")]
    [InlineData("True")]
    [InlineData("1.5")]
    public void Other_values_are_only_substrings(string value)
    {
        Text(("http.status_code", value)).Should().NotContain(" = ");
    }

    [Theory]
    [InlineData("error", "{ status = error }")]
    [InlineData("Error", "{ status = error }")]
    [InlineData("ok", "{ status = ok }")]
    [InlineData("OK", "{ status = ok }")]
    [InlineData("unset", "{ status = unset }")]
    [InlineData("failed", "{ status = unset }")]
    [InlineData("", "{ status = unset }")]
    public void Status_code_maps_to_the_status_and_anything_unknown_to_unset(string value, string expected)
    {
        Text(("status.code", value)).Should().Be(expected);
    }

    [Fact]
    public void Several_tags_must_all_hold_and_are_written_in_key_order()
    {
        Text(("service.name", "cart"), ("http.status_code", "500"), ("name", "checkout")).Should().Be(
            "{ " + AnyAttribute("http.status_code", "(?si).*500.*") + " || span.\"http.status_code\" = 500 || resource.\"http.status_code\" = 500 }"
            + " && { name =~ \"(?si).*checkout.*\" } && { " + AnyAttribute("service.name", "(?si).*cart.*") + " }");
    }

    [Fact]
    public void Durations_bound_the_trace_duration_inclusively()
    {
        Text(600, 0).Should().Be("{ trace:duration >= 600ms }");
        Text(0, 1000).Should().Be("{ trace:duration <= 1000ms }");
        Text(600, 1000, ("name", "cart")).Should().Be(
            "{ name =~ \"(?si).*cart.*\" } && { trace:duration >= 600ms && trace:duration <= 1000ms }");
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
    [InlineData("cart", "Cart", true)]
    [InlineData("CART", "shop-cart", true)]
    [InlineData("ÉTÉ", "l'été", true)]
    [InlineData("cart", "crat", false)]
    [InlineData("cart", "ca\nrt", false)]
    [InlineData("rt", "ca\nrt", true)]
    [InlineData("(x)", "a(x)b", true)]
    [InlineData("(x)", "x", false)]
    [InlineData("[a-z]+$^|?*{2}\\", "-[a-z]+$^|?*{2}\\-", true)]
    [InlineData("[a-z]+$^|?*{2}\\", "abc", false)]
    [InlineData("say \"hi\"", "they say \"hi\" there", true)]
    [InlineData("back\\slash", "a back\\slash", true)]
    [InlineData("line\nbreak\ttab\u0001", "-line\nbreak\ttab\u0001-", true)]
    [InlineData("é 😀", "café 😀!", true)]
    [InlineData("", "", true)]
    [InlineData("", "anything", true)]
    public void Substring_matches_are_case_insensitive_contains(string value, string candidate, bool matches)
    {
        var root = TagSearchQuery.Build([KeyValuePair.Create("name", value)], 0, 0);

        var filter = root.Pipeline!.Elements.Single().Should().BeOfType<SpansetFilter>().Subject;
        var regex = filter.Expression.Should().BeOfType<BinaryOperation>().Subject;
        regex.Op.Should().Be(Operator.Regex);
        regex.Left.Should().Be(new IntrinsicField(Intrinsic.Name));
        var pattern = regex.Right.Should().BeOfType<Static>().Subject.String;

        TraceQLRegex.Compile(pattern).IsMatch(candidate).Should().Be(matches);
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
