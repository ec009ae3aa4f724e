using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.Query.Tags;

namespace Tempo.Streaming.Query.Tests.Tags;

public sealed class TagRequestParserTests
{
    private static QueryParameters Query(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value ?? "";

    private static string? Names(out TagNamesRequest? request, params (string, string)[] values) =>
        TagRequestParser.TryParseTagNames("t", Query(values), TagRequestParser.DefaultMaxDuration, out request);

    [Theory]
    [InlineData("", TagScopeKind.All)]
    [InlineData("none", TagScopeKind.All)]
    [InlineData("intrinsic", TagScopeKind.Intrinsic)]
    [InlineData("span", TagScopeKind.Attribute)]
    [InlineData("resource", TagScopeKind.Attribute)]
    [InlineData("event", TagScopeKind.Attribute)]
    [InlineData("link", TagScopeKind.Attribute)]
    [InlineData("instrumentation", TagScopeKind.Attribute)]
    public void Accepts_tempo_scopes(string scope, TagScopeKind kind)
    {
        Names(out var request, ("scope", scope)).Should().BeNull();
        request!.Scope.Kind.Should().Be(kind);
    }

    [Theory]
    [InlineData("Span")]
    [InlineData("trace")]
    [InlineData("foo")]
    public void Rejects_other_scopes_with_tempo_wording(string scope) =>
        Names(out _, ("scope", scope)).Should().Be($"invalid scope: {scope}");

    [Fact]
    public void Scope_is_checked_before_start()
    {
        Names(out _, ("scope", "x"), ("start", "y")).Should().Be("invalid scope: x");
    }

    [Theory]
    [InlineData("x", "invalid start: strconv.ParseInt: parsing \"x\": invalid syntax")]
    [InlineData("1.5", "invalid start: strconv.ParseInt: parsing \"1.5\": invalid syntax")]
    [InlineData("4294967296", "invalid start: strconv.ParseInt: parsing \"4294967296\": value out of range")]
    public void Start_errors_use_go_strconv_wording(string start, string message) =>
        Names(out _, ("start", start), ("end", "1700000000")).Should().Be(message);

    [Fact]
    public void End_errors_use_go_strconv_wording() =>
        Names(out _, ("start", "1700000000"), ("end", "tomorrow")).Should()
            .Be("invalid end: strconv.ParseInt: parsing \"tomorrow\": invalid syntax");

    [Theory]
    [InlineData("9", "3", "range specified by start and end exceeds 168h0m0s. received start=9 end=3")]
    [InlineData("1700000000", "1700700000", "range specified by start and end exceeds 168h0m0s. received start=1700000000 end=1700700000")]
    [InlineData("", "1700000000", "range specified by start and end exceeds 168h0m0s. received start=0 end=1700000000")]
    public void A_reversed_or_too_long_range_is_refused_like_tempos_tag_sharder(string start, string end, string message) =>
        Names(out _, ("start", start), ("end", end)).Should().Be(message);

    [Fact]
    public void Both_bounds_make_a_window_and_neither_means_everything()
    {
        Names(out var bounded, ("start", "1700000000"), ("end", "1700003600")).Should().BeNull();
        bounded!.Window.Should().Be(new QueryWindow(1700000000, 1700003600));

        Names(out var open).Should().BeNull();
        open!.Window.Should().Be(QueryWindow.All);
    }

    [Theory]
    [InlineData("10", 10)]
    [InlineData("0", 0)]
    [InlineData("-1", 0)]
    [InlineData("ten", 0)]
    [InlineData("99999999999", 0)]
    public void Limits_are_read_leniently_like_tempos_frontend(string value, int expected)
    {
        Names(out var request, ("limit", value), ("maxStaleValues", value)).Should().BeNull();
        request!.Limit.Should().Be(expected);
        request.MaxStaleValues.Should().Be(expected);
    }

    [Fact]
    public void Tag_values_unescape_the_name_once_more_and_report_bad_escapes()
    {
        TagRequestParser.TryParseTagValues("t", "a%2Fb+c", false, Query(), TagRequestParser.DefaultMaxDuration, out var request)
            .Should().BeNull();
        request!.TagName.Should().Be("a/b c");

        TagRequestParser.TryParseTagValues("t", "a%zz", false, Query(), TagRequestParser.DefaultMaxDuration, out _)
            .Should().Be("error in unescaping tagName");
    }

    [Fact]
    public void V2_tag_values_need_a_traceql_identifier()
    {
        TagRequestParser.TryParseTagValues("t", "foo", true, Query(), TagRequestParser.DefaultMaxDuration, out _)
            .Should().Be("please provide a valid tagName: failed to parse identifier foo: parse error at line 1, col 2: syntax error: unexpected IDENTIFIER");
        TagRequestParser.TryParseTagValues("t", "foo", false, Query(), TagRequestParser.DefaultMaxDuration, out _)
            .Should().BeNull("v1 takes any tag name");
    }

    [Fact]
    public void Go_quote_escapes_like_strconv_quote()
    {
        GoStrconv.Quote("a\"b\\c\n\u0001é").Should().Be("\"a\\\"b\\\\c\\n\\x01é\"");
    }

    [Theory]
    [InlineData("9223372036854775807", 64, null)]
    [InlineData("-9223372036854775808", 64, null)]
    [InlineData("9223372036854775808", 64, "strconv.ParseInt: parsing \"9223372036854775808\": value out of range")]
    [InlineData("+12", 32, null)]
    [InlineData("-", 32, "strconv.ParseInt: parsing \"-\": invalid syntax")]
    [InlineData("2147483648", 32, "strconv.ParseInt: parsing \"2147483648\": value out of range")]
    [InlineData("-2147483648", 32, null)]
    public void Go_parse_int_ranges(string text, int bits, string? error) =>
        GoStrconv.ParseInt(text, bits, out _).Should().Be(error);

    [Theory]
    [InlineData("12345678-0000-0000-1235-000001240000", null)]
    [InlineData("{12345678-0000-0000-1235-000001240000}", null)]
    [InlineData("urn:uuid:12345678-0000-0000-1235-000001240000", null)]
    [InlineData("12345678000000001235000001240000", null)]
    [InlineData("abc", "invalid UUID length: 3")]
    [InlineData("1234567800000000123500000124000g", "invalid UUID format")]
    [InlineData("12345678x0000-0000-1235-000001240000", "invalid UUID format")]
    [InlineData("urn:uuix:12345678-0000-0000-1235-000001240000", "invalid urn prefix: \"urn:uuix:\"")]
    public void Go_uuid_forms_and_errors(string text, string? error)
    {
        GoUuid.Parse(text, out var guid).Should().Be(error);
        if (error is null)
        {
            guid.Should().Be(Guid.Parse("12345678-0000-0000-1235-000001240000"));
        }
    }
}
