using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Query.Tests.Search;
using Tempo.Streaming.TraceQL;

namespace Tempo.Streaming.Query.Tests.Tags;

/// <summary>
/// What <c>q</c> of the v2 tag APIs narrows by: the complete conditions of one spanset filter, however unfinished the
/// rest of the text is; nothing at all (the unfiltered list) for anything else.
/// </summary>
public sealed class TagFilterQueryTests
{
    [Theory]
    [InlineData("{ resource.cluster = \"eu\" }", "{ resource.cluster = \"eu\" }")]
    [InlineData("{ resource.cluster = \"eu\" && span.http.method = \"GET\" }", "{ resource.cluster = \"eu\" && span.http.method = \"GET\" }")]
    [InlineData("{ .a = 1 && (kind = server || kind = client) = true }", null)]
    [InlineData("{ !(.a = 1) && duration > 10ms }", "{ !(.a = 1) && duration > 10ms }")]
    [InlineData("  {name=\"x\"}  ", "{ name = \"x\" }")]
    [InlineData("{ .a = 1 } with(most_recent=true)", "{ .a = 1 }")]
    public void A_complete_filter_without_or_is_used_as_it_is(string query, string? expected) =>
        Same(query, expected);

    [Theory]
    [InlineData("{ resource.cluster = }")]
    [InlineData("{ resource.cluster = \"eu")]
    [InlineData("{ resource.cluster")]
    [InlineData("{")]
    [InlineData("{ && && }")]
    public void A_filter_without_one_complete_condition_narrows_nothing(string query) =>
        TagFilterQuery.Extract(query).Should().BeNull();

    [Theory]
    [InlineData("{ resource.cluster = \"eu\" && span.http.method = }", "{ resource.cluster = \"eu\" }")]
    [InlineData("{ span.http.method = && resource.cluster = \"eu\" }", "{ resource.cluster = \"eu\" }")]
    [InlineData("{ .a = 1 && .b = \"x && y\" && .c = }", "{ .a = 1 && .b = \"x && y\" }")]
    [InlineData("{ .a =~ \"x|y\" && .b != }", "{ .a =~ \"x|y\" }")]
    [InlineData("{ .a = \"{\" && .b > }", "{ .a = \"{\" }")]
    [InlineData("{ .a = `raw \" && |` && .b = }", "{ .a = `raw \" && |` }")]
    [InlineData("{ .a = \"say \\\"hi\\\" && bye\" && .b = }", "{ .a = \"say \\\"hi\\\" && bye\" }")]
    [InlineData("{ .a = 1 && kind = server", "{ .a = 1 && kind = server }")]
    [InlineData(".a = 1 && .b", "{ .a = 1 }")]
    [InlineData("{ .a = 1 && .b = \"unterminated", "{ .a = 1 }")]
    [InlineData("{ status = error && span.\"quoted name\" = 2 && }", "{ status = error && span.\"quoted name\" = 2 }")]
    public void An_unfinished_filter_keeps_its_complete_conditions(string query, string expected) =>
        Same(query, expected);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("{ }")]
    [InlineData("{ true }")]
    [InlineData("{ .a = 1 || .b = 2 }")]
    [InlineData("{ .a = 1 || .b = }")]
    [InlineData("{ .a = 1 } && { .b = 2 }")]
    [InlineData("{ .a = 1 } >> { .b = }")]
    [InlineData("{ .a = 1 } | count() > 2")]
    [InlineData("{ .a = 1 && .b = } | by(.c)")]
    [InlineData("{ .a = 1 } | rate()")]
    [InlineData("not a query")]
    public void Anything_else_is_the_unfiltered_list(string? query) =>
        TagFilterQuery.Extract(query).Should().BeNull();

    private static void Same(string query, string? expected)
    {
        var actual = TagFilterQuery.Extract(query);
        if (expected is null)
        {
            actual.Should().BeNull();
            return;
        }

        actual.Should().NotBeNull();
        TagSearchQueryTests.SameTree(actual!, TraceQLParser.ParseValid(expected));
    }
}
