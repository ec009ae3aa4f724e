using Tempo.Streaming.TraceQL;

namespace Tempo.Streaming.TraceQL.Tests;

/// <summary>TraceQL's <c>=~</c> as RE2 runs it in Tempo: the whole value must match, in linear time.</summary>
public sealed class TraceQLRegexTests
{
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "xabc", false)]
    [InlineData("abc", "abcx", false)]
    [InlineData("abc", "abc\n", false)]
    [InlineData("abc|x", "x", true)]
    [InlineData("(?s).*b.*", "a\nb\nc", true)]
    [InlineData(".*b.*", "a\nb", false)]
    [InlineData("(?i)ABC", "abc", true)]
    [InlineData("(?P<name>a+)b", "aab", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    public void The_whole_value_must_match(string pattern, string value, bool matches) =>
        TraceQLRegex.Compile(pattern).IsMatch(value).Should().Be(matches);

    [Theory]
    [InlineData("(")]
    [InlineData("a)")]
    [InlineData("(a)\\1")]
    [InlineData("(?=a)")]
    public void Invalid_or_backtracking_patterns_are_validation_errors(string pattern) =>
        FluentActions.Invoking(() => TraceQLRegex.Compile(pattern)).Should().Throw<TraceQLValidationException>()
            .WithMessage($"invalid regular expression \"{pattern}\": *");

    [Fact]
    public void A_hostile_pattern_runs_in_linear_time()
    {
        // (a+)+$ takes exponential time in a backtracking engine on "aaaa…b".
        TraceQLRegex.Compile("(a+)+").IsMatch(new string('a', 50_000) + "b").Should().BeFalse();
    }
}
