using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Http;
using Tempo.Streaming.TraceQL;

namespace Tempo.Streaming.Query.Tests.Search;

/// <summary>
/// <c>/api/search</c> parameters against Tempo's own expectations: pkg/api/http_test.go (<c>TestQuerierParseSearchRequest</c>,
/// <c>...Tags</c>, <c>...TagsError</c>), modules/frontend/search_sharder_test.go (<c>TestSearchSharderRoundTripBadRequest</c>,
/// <c>TestAdjustLimit</c>) and the frontend config defaults.
/// </summary>
public sealed class SearchRequestParserTests
{
    private static string? Parse(out TraceSearch? search, params (string Name, string Value)[] parameters) =>
        Parse(SearchLimits.Default, out search, parameters);

    private static string? Parse(SearchLimits limits, out TraceSearch? search, params (string Name, string Value)[] parameters)
    {
        QueryParameters query = name => parameters.FirstOrDefault(p => p.Name == name).Value ?? "";
        return SearchRequestParser.TryParse(query, parameters.Select(p => p.Name).Distinct().ToList(), limits, out search);
    }

    private static TraceSearch Valid(params (string Name, string Value)[] parameters)
    {
        Parse(out var search, parameters).Should().BeNull();
        return search!;
    }

    private static string Error(params (string Name, string Value)[] parameters)
    {
        var error = Parse(out var search, parameters);
        search.Should().BeNull();
        return error!;
    }

    // --- defaults ---

    [Fact]
    public void An_empty_request_is_a_tag_search_for_every_trace_with_tempos_defaults()
    {
        var search = Valid();

        search.IsTagSearch.Should().BeTrue();
        search.QueryText.Should().Be("{}");
        search.Options.Window.Should().Be(QueryWindow.All);
        search.Options.Limit.Should().Be(20);
        search.Options.SpansPerSpanSet.Should().Be(3);
        search.Options.MostRecent.Should().BeFalse();
    }

    [Fact]
    public void Default_limits_are_tempos_frontend_defaults()
    {
        SearchLimits.Default.Should().Be(new SearchLimits(20, 262144, TimeSpan.FromHours(168), 3, 100, 131072));
    }

    [Fact]
    public void Zero_start_and_end_mean_no_window()
    {
        Valid(("start", "0"), ("end", "0")).Options.Window.Should().Be(QueryWindow.All);
    }

    [Fact]
    public void A_traceql_query_is_run_as_given()
    {
        var search = Valid(("q", "{ .foo=\"bar\" }"));

        search.IsTagSearch.Should().BeFalse();
        search.QueryText.Should().Be("{ .foo=\"bar\" }");
        TagSearchQueryTests.SameTree(search.Query, TraceQLParser.ParseValid("{ .foo=\"bar\" }"));
        search.Options.Limit.Should().Be(20);
        search.Options.SpansPerSpanSet.Should().Be(3);
    }

    [Fact]
    public void Limit_spss_and_window_are_passed_on()
    {
        var search = Valid(("q", "{}"), ("limit", "10"), ("spss", "7"), ("start", "1700000000"), ("end", "1700003600"));

        search.Options.Should().Be(new Tempo.Streaming.Query.Search.SearchOptions(
            new QueryWindow(1700000000, 1700003600), 10, 7, MostRecent: false));
    }

    [Fact]
    public void Limits_follow_the_configured_defaults()
    {
        var limits = SearchLimits.Default with { DefaultLimit = 50, DefaultSpansPerSpanSet = 9 };

        Parse(limits, out var search).Should().BeNull();

        search!.Options.Limit.Should().Be(50);
        search.Options.SpansPerSpanSet.Should().Be(9);
    }

    // --- most recent ---

    [Theory]
    [InlineData("{} with(most_recent=true)", true)]
    [InlineData("{ status = error } with(most_recent=true)", true)]
    [InlineData("{} with(most_recent=false)", false)]
    [InlineData("{} with(most_recent=true) with(most_recent=false)", false)]
    [InlineData("{} with(most_recent=1)", false)]
    [InlineData("{} with(sample=true)", false)]
    [InlineData("{}", false)]
    public void Most_recent_comes_from_the_query_hint(string q, bool mostRecent)
    {
        Valid(("q", q)).Options.MostRecent.Should().Be(mostRecent);
    }

    [Fact]
    public void There_is_no_most_recent_url_parameter_it_is_a_legacy_tag()
    {
        var search = Valid(("most_recent", "true"));

        search.Options.MostRecent.Should().BeFalse();
        search.IsTagSearch.Should().BeTrue();
        search.QueryText.Should().Be("{ span.\"most_recent\" =~ \"(?si).*true.*\" || resource.\"most_recent\" =~ \"(?si).*true.*\" || span.\"most_recent\" = true || resource.\"most_recent\" = true }");
    }

    // --- start / end ---

    [Theory]
    [InlineData("start", "abc", "invalid start: strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [InlineData("start", "1.5", "invalid start: strconv.ParseInt: parsing \"1.5\": invalid syntax")]
    [InlineData("start", "99999999999", "invalid start: strconv.ParseInt: parsing \"99999999999\": value out of range")]
    [InlineData("end", "abc", "invalid end: strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [InlineData("end", "2147483648", "invalid end: strconv.ParseInt: parsing \"2147483648\": value out of range")]
    public void Start_and_end_must_be_32_bit_integers(string name, string value, string expected)
    {
        Error((name, value)).Should().Be(expected);
    }

    [Theory]
    [InlineData("20", "10", "http parameter start must be before end. received start=20 end=10")]
    [InlineData("7", "7", "http parameter start must be before end. received start=7 end=7")]
    [InlineData("5", "", "http parameter start must be before end. received start=5 end=0")]
    [InlineData("-5", "10", "http parameter start must be before end. received start=4294967291 end=10")]
    public void End_must_follow_start_unless_both_are_zero(string start, string end, string expected)
    {
        Error(("start", start), ("end", end)).Should().Be(expected);
    }

    [Fact]
    public void Only_an_end_is_a_window_from_the_epoch_and_so_usually_too_long()
    {
        Valid(("end", "100")).Options.Window.Should().Be(new QueryWindow(0, 100));
        Error(("end", "1700000000")).Should().Be("range specified by start and end exceeds 168h0m0s. received start=0 end=1700000000");
    }

    [Fact]
    public void The_window_may_span_168_hours_but_no_more()
    {
        Valid(("start", "1000"), ("end", (1000 + 604800).ToString())).Options.Window.Should().Be(new QueryWindow(1000, 605800));
        Error(("start", "1000"), ("end", (1000 + 604801).ToString()))
            .Should().Be("range specified by start and end exceeds 168h0m0s. received start=1000 end=605801");
    }

    [Fact]
    public void The_maximum_range_follows_the_limits_and_zero_disables_it()
    {
        Parse(SearchLimits.Default with { MaxDuration = TimeSpan.FromMinutes(5) }, out _, ("start", "1000"), ("end", "1500"))
            .Should().Be("range specified by start and end exceeds 5m0s. received start=1000 end=1500");
        Parse(SearchLimits.Default with { MaxDuration = TimeSpan.Zero }, out var search, ("end", "1700000000")).Should().BeNull();
        search!.Options.Window.Should().Be(new QueryWindow(0, 1700000000));
    }

    // --- limit / spss ---

    [Theory]
    [InlineData("0", "invalid limit: must be a positive number")]
    [InlineData("-5", "invalid limit: must be a positive number")]
    [InlineData("five", "invalid limit: strconv.Atoi: parsing \"five\": invalid syntax")]
    [InlineData("1e3", "invalid limit: strconv.Atoi: parsing \"1e3\": invalid syntax")]
    [InlineData("99999999999999999999", "invalid limit: strconv.Atoi: parsing \"99999999999999999999\": value out of range")]
    [InlineData("262145", "limit 262145 exceeds max limit 262144")]
    public void Limit_errors(string limit, string expected)
    {
        Error(("limit", limit)).Should().Be(expected);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("+7", 7)]
    [InlineData("262144", 262144)]
    [InlineData("4294967296", 20)] // Go's uint32(...) wraps it to 0, which means "the default"
    [InlineData("4294967301", 5)]
    public void Limit_values(string limit, int expected)
    {
        Valid(("limit", limit)).Options.Limit.Should().Be(expected);
    }

    [Fact]
    public void Max_limit_follows_the_limits_and_zero_disables_it()
    {
        Parse(SearchLimits.Default with { MaxLimit = 20 }, out _, ("limit", "25")).Should().Be("limit 25 exceeds max limit 20");
        Parse(SearchLimits.Default with { MaxLimit = 0 }, out var search, ("limit", "4000000000")).Should().BeNull();
        search!.Options.Limit.Should().Be(int.MaxValue);
    }

    [Theory]
    [InlineData("0", "invalid spss: must be a positive number")]
    [InlineData("-2", "invalid spss: must be a positive number")]
    [InlineData("four", "invalid spss: strconv.Atoi: parsing \"four\": invalid syntax")]
    [InlineData("101", "spans per span set exceeds 100. received 101")]
    [InlineData("200", "spans per span set exceeds 100. received 200")]
    public void Spss_errors(string spss, string expected)
    {
        Error(("spss", spss)).Should().Be(expected);
    }

    [Fact]
    public void Spss_up_to_the_maximum_is_accepted_and_the_maximum_is_configurable()
    {
        Valid(("spss", "100")).Options.SpansPerSpanSet.Should().Be(100);
        Parse(SearchLimits.Default with { MaxSpansPerSpanSet = 0 }, out var search, ("spss", "5000")).Should().BeNull();
        search!.Options.SpansPerSpanSet.Should().Be(5000);
    }

    // --- durations ---

    [Theory]
    [InlineData("minDuration", "10seconds", "invalid minDuration: time: unknown unit \"seconds\" in duration \"10seconds\"")]
    [InlineData("maxDuration", "1msec", "invalid maxDuration: time: unknown unit \"msec\" in duration \"1msec\"")]
    [InlineData("minDuration", "10", "invalid minDuration: time: missing unit in duration \"10\"")]
    [InlineData("minDuration", "abc", "invalid minDuration: time: invalid duration \"abc\"")]
    [InlineData("maxDuration", "-", "invalid maxDuration: time: invalid duration \"-\"")]
    [InlineData("maxDuration", "1.5.5s", "invalid maxDuration: time: missing unit in duration \"1.5.5s\"")]
    [InlineData("maxDuration", "9223372036854775808ns", "invalid maxDuration: time: invalid duration \"9223372036854775808ns\"")]
    [InlineData("minDuration", "1d", "invalid minDuration: time: unknown unit \"d\" in duration \"1d\"")]
    public void Duration_errors_are_gos(string name, string value, string expected)
    {
        Error((name, value)).Should().Be(expected);
    }

    [Fact]
    public void Max_duration_below_min_duration_is_refused()
    {
        Error(("minDuration", "20s"), ("maxDuration", "5s")).Should().Be("invalid maxDuration: must be greater than minDuration");
        Error(("minDuration", "20s"), ("maxDuration", "0")).Should().Be("invalid maxDuration: must be greater than minDuration");
        Valid(("minDuration", "5s"), ("maxDuration", "5s")).QueryText.Should().Be("{ trace:duration >= 5000ms && trace:duration <= 5000ms }");
    }

    [Fact]
    public void Durations_become_a_trace_duration_filter_in_whole_milliseconds()
    {
        Valid(("minDuration", "10s"), ("maxDuration", "20s")).QueryText
            .Should().Be("{ trace:duration >= 10000ms && trace:duration <= 20000ms }");
        Valid(("minDuration", "1500us")).QueryText.Should().Be("{ trace:duration >= 1ms }");
        Valid(("minDuration", "999us")).QueryText.Should().Be("{}");
        Valid(("maxDuration", "1.5h")).QueryText.Should().Be("{ trace:duration <= 5400000ms }");
    }

    [Fact]
    public void Durations_next_to_q_are_checked_but_not_applied()
    {
        Valid(("q", "{ status = error }"), ("minDuration", "10s")).QueryText.Should().Be("{ status = error }");
        Error(("q", "{ status = error }"), ("minDuration", "10x")).Should().StartWith("invalid minDuration: ");
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData("-2m3.4s", -123_400_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.s", 1_000_000_000L)]
    [InlineData("1h2m3s4ms5us6ns", 3_723_004_005_006L)]
    [InlineData("1\u00B5s", 1_000L)]
    [InlineData("1\u03BCs", 1_000L)]
    [InlineData("9223372036854775807ns", long.MaxValue)]
    [InlineData("-9223372036854775808ns", long.MinValue)]
    [InlineData("0.000000000000000000001s", 0L)]
    public void Go_durations_parse(string text, long nanoseconds)
    {
        SearchRequestParser.ParseGoDuration(text, out var value).Should().BeNull();
        value.Should().Be(nanoseconds);
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData(".", "time: invalid duration \".\"")]
    [InlineData("s", "time: invalid duration \"s\"")]
    [InlineData("1e3s", "time: unknown unit \"e\" in duration \"1e3s\"")]
    [InlineData("3 s", "time: unknown unit \" s\" in duration \"3 s\"")]
    [InlineData("1\u00FC", "time: unknown unit \"\\xc3\\xbc\" in duration \"1\\xc3\\xbc\"")]
    [InlineData("1\"", "time: unknown unit \"\\\"\" in duration \"1\\\"\"")]
    [InlineData("99999999999999999999s", "time: invalid duration \"99999999999999999999s\"")]
    [InlineData("2562048h", "time: invalid duration \"2562048h\"")]
    public void Go_duration_errors(string text, string expected)
    {
        SearchRequestParser.ParseGoDuration(text, out _).Should().Be(expected);
    }

    // --- q ---

    [Fact]
    public void A_q_that_does_not_parse_is_refused_with_the_parser_message()
    {
        Error(("q", "{ .foo=\"bar\" ")).Should().Be("invalid TraceQL query: parse error at line 1, col 14: syntax error: unexpected $end");
        Error(("q", "{ . hi}")).Should().Be(
            "invalid TraceQL query: parse error at line 1, col 4: syntax error: unexpected END_ATTRIBUTE, expecting IDENTIFIER after \".\"");
    }

    [Fact]
    public void A_q_that_parses_but_means_nothing_is_refused_with_the_validator_message()
    {
        var expected = Message(() => TraceQLParser.ParseValid("{ .a =~ \"[\" }"));

        Error(("q", "{ .a =~ \"[\" }")).Should().Be("invalid TraceQL query: " + expected);
        expected.Should().StartWith("invalid regular expression \"[\"");
    }

    [Fact]
    public void The_query_alias_is_validated_too_and_wins_over_q()
    {
        Error(("query", "{ .a =~ \"[\" }")).Should().StartWith("invalid TraceQL query: invalid regular expression");
        Error(("q", "{}"), ("query", "{ .a =~ \"[\" }")).Should().StartWith("invalid TraceQL query: invalid regular expression");

        // A q that parses is checked for meaning after the alias passed.
        Error(("q", "{ .a =~ \"[\" }"), ("query", "{}")).Should().StartWith("invalid TraceQL query: invalid regular expression");
    }

    [Fact]
    public void A_syntax_error_in_q_comes_before_the_tags_conflict()
    {
        Error(("q", "{ .foo=\"bar\" "), ("tags", "service.name=foo"))
            .Should().Be("invalid TraceQL query: parse error at line 1, col 14: syntax error: unexpected $end");
    }

    [Fact]
    public void Q_and_tags_are_mutually_exclusive()
    {
        Error(("q", "{ .foo=\"bar\" }"), ("tags", "service.name=foo"))
            .Should().Be("invalid request: can't specify tags and q in the same query");
    }

    [Fact]
    public void TraceQL_larger_than_128_KiB_is_refused_before_anything_else()
    {
        const string Expected = "TraceQL expression exceeds the configured maximum size of 131072 bytes, " +
            "reduce the query expression size or contact your system administrator";
        var atLimit = "{}" + new string(' ', 131072 - 2);

        Valid(("q", atLimit)).QueryText.Should().Be(atLimit);
        Error(("q", atLimit + " "), ("start", "abc")).Should().Be(Expected);
        Error(("query", atLimit + " ")).Should().Be(Expected);

        // The limit counts UTF-8 bytes: 65536 two-byte characters are 131072 bytes (at the limit, so parsed), one more byte is too many.
        Error(("q", new string('é', 65536))).Should().StartWith("invalid TraceQL query: parse error");
        Error(("q", new string('é', 65536) + "x")).Should().Be(Expected);
    }

    // --- tags ---

    [Fact]
    public void Tags_are_logfmt()
    {
        var search = Valid(("tags", "service.name=foo http.url=api/search"));

        search.IsTagSearch.Should().BeTrue();
        search.QueryText.Should().Be(
            "{ span.\"http.url\" =~ \"(?si).*api/search.*\" || resource.\"http.url\" =~ \"(?si).*api/search.*\" } && { span.\"service.name\" =~ \"(?si).*foo.*\" || resource.\"service.name\" =~ \"(?si).*foo.*\" }");
    }

    [Theory]
    [InlineData("service.name=foo http.url=api/search", "service.name", "foo", "http.url", "api/search")]
    [InlineData("service%n@me=foo", "service%n@me", "foo", null, null)]
    [InlineData("service.name=foo error", "service.name", "foo", "error", "")]
    [InlineData("service.name=\"foo bar\"", "service.name", "foo bar", null, null)]
    [InlineData("service.name=\"foo=bar\"", "service.name", "foo=bar", null, null)]
    [InlineData("service.name=\"foo\\bar\"", "service.name", "foo\bar", null, null)]
    [InlineData("service.name=\"foo \\\"bar\\\"\"", "service.name", "foo \"bar\"", null, null)]
    [InlineData("a=\"\"", "a", "", null, null)]
    [InlineData("a= b=2", "a", "", "b", "2")]
    [InlineData("a=", "a", "", null, null)]
    [InlineData("  a=1\tb=2  ", "a", "1", "b", "2")]
    [InlineData("a=1\nb=2", "a", "1", "b", "2")]
    [InlineData("a=1\r\nb=2\r\n", "a", "1", "b", "2")]
    [InlineData("a=\"x\\u00e9\\/\\n\"", "a", "xé/\n", null, null)]
    [InlineData("a=\"\\ud83d\\ude00\"", "a", "\U0001F600", null, null)]
    [InlineData("a=\"\\ud83d!\"", "a", "\uFFFD!", null, null)]
    [InlineData("a=\"tab\there\"", "a", "tab\there", null, null)]
    [InlineData("ключ=значение", "ключ", "значение", null, null)]
    public void Logfmt_tags_decode_as_go_logfmt_does(string tags, string key1, string value1, string? key2, string? value2)
    {
        var decoded = new Dictionary<string, string>();

        SearchRequestParser.DecodeLogfmtTags(tags, decoded).Should().BeNull();

        var expected = new Dictionary<string, string> { [key1] = value1 };
        if (key2 is not null)
        {
            expected[key2] = value2!;
        }

        decoded.Should().Equal(expected);
    }

    [Theory]
    [InlineData("service.name=foo =error", "invalid tags: unexpected '=' at pos 18")]
    [InlineData("service.name=foo=bar", "invalid tags: unexpected '=' at pos 17")]
    [InlineData("service.name=\"foo bar", "invalid tags: unterminated quoted value at pos 22")]
    [InlineData("\"service name\"=foo", "invalid tags: unexpected '\"' at pos 1")]
    [InlineData("a=b\"c", "invalid tags: unexpected '\"' at pos 4")]
    [InlineData("a\"b=c", "invalid tags: unexpected '\"' at pos 2")]
    [InlineData("a=\"\\q\"", "invalid tags: invalid quoted value at pos 7")]
    [InlineData("a=\"\\u12\"", "invalid tags: invalid quoted value at pos 9")]
    [InlineData("a=1\nb=\"x", "invalid tags: unterminated quoted value at pos 5")]
    [InlineData("é=1 =2", "invalid tags: unexpected '=' at pos 6")]
    [InlineData("k\uFFFD=1", "invalid tags: invalid key at pos 5")]
    [InlineData("service.name=foo service.name=bar", "invalid tags: tag service.name has been set twice")]
    [InlineData("a=1\na=2", "invalid tags: tag a has been set twice")]
    [InlineData("a=1 a=2 b=\"", "invalid tags: tag a has been set twice")]
    public void Logfmt_errors_are_tempos(string tags, string expected)
    {
        Error(("tags", tags)).Should().Be(expected);
    }

    [Fact]
    public void A_tags_line_of_64_KiB_is_too_long_for_gos_scanner()
    {
        Valid(("tags", new string('k', 65533) + "=x")).QueryText.Should().Contain("\"kkk");
        Error(("tags", new string('k', 65534) + "=x")).Should().Be("invalid tags: bufio.Scanner: token too long");
    }

    [Fact]
    public void A_tag_value_longer_than_1024_characters_is_refused()
    {
        Valid(("tags", "a=" + new string('x', 1024))).QueryText.Should().Contain(new string('x', 1024));
        Error(("tags", "a=" + new string('x', 1025))).Should().Be("invalid tags: value of tag \"a\" is longer than 1024 characters");
        Error(("a", new string('x', 1025))).Should().Be("invalid tags: value of tag \"a\" is longer than 1024 characters");
    }

    [Fact]
    public void Without_q_tags_start_and_end_every_other_parameter_is_a_tag()
    {
        var search = Valid(("service.name", "bar"), ("limit", "5"), ("spss", "2"), ("minDuration", "1s"), ("empty", ""));

        search.QueryText.Should().Be("{ span.\"service.name\" =~ \"(?si).*bar.*\" || resource.\"service.name\" =~ \"(?si).*bar.*\" } && { trace:duration >= 1000ms }");
        search.Options.Limit.Should().Be(5);
    }

    [Fact]
    public void Legacy_top_level_tags_are_ignored_with_a_window_or_a_tags_parameter()
    {
        Valid(("service.name", "bar"), ("start", "10"), ("end", "20")).QueryText.Should().Be("{}");
        Valid(("service.name", "bar"), ("tags", "service.name=foo")).QueryText
            .Should().Be("{ span.\"service.name\" =~ \"(?si).*foo.*\" || resource.\"service.name\" =~ \"(?si).*foo.*\" }");
        Valid(("tags", "limit=five"), ("limit", "5")).QueryText
            .Should().Be("{ span.\"limit\" =~ \"(?si).*five.*\" || resource.\"limit\" =~ \"(?si).*five.*\" }");
    }

    [Fact]
    public void A_tag_search_is_never_most_recent_and_keeps_the_window()
    {
        var search = Valid(("tags", "service.name=foo"), ("start", "10"), ("end", "20"));

        search.Options.MostRecent.Should().BeFalse();
        search.Options.Window.Should().Be(new QueryWindow(10, 20));
    }

    private static string Message(Action action)
    {
        try
        {
            action();
        }
        catch (TraceQLException exception)
        {
            return exception.Message;
        }

        throw new InvalidOperationException("expected a TraceQL error");
    }
}
