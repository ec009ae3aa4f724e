namespace Tempo.Streaming.Core.Tests;

/// <summary>
/// Cases from Go's <c>time.ParseDuration</c> behaviour (the grammar Tempo's flags and YAML use) and from the CLI and
/// server configuration, which both parse with <see cref="GoDuration"/>.
/// </summary>
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("5s", 5_000_000_000L)]
    [InlineData("30s", 30_000_000_000L)]
    [InlineData("1478s", 1_478_000_000_000L)]
    [InlineData("-5s", -5_000_000_000L)]
    [InlineData("+5s", 5_000_000_000L)]
    [InlineData("-0s", 0L)]
    [InlineData("5.0s", 5_000_000_000L)]
    [InlineData("5.6s", 5_600_000_000L)]
    [InlineData("5.s", 5_000_000_000L)]
    [InlineData(".5s", 500_000_000L)]
    [InlineData("1.004s", 1_004_000_000L)]
    [InlineData("100.00100s", 100_001_000_000L)]
    [InlineData("10ns", 10L)]
    [InlineData("11us", 11_000L)]
    [InlineData("12µs", 12_000L)] // U+00B5
    [InlineData("12μs", 12_000L)] // U+03BC
    [InlineData("13ms", 13_000_000L)]
    [InlineData("15m", 900_000_000_000L)]
    [InlineData("16h", 57_600_000_000_000L)]
    [InlineData("1h30m", 5_400_000_000_000L)]
    [InlineData("1.5h", 5_400_000_000_000L)]
    [InlineData("2m30s", 150_000_000_000L)]
    [InlineData("2m0.5s", 120_500_000_000L)]
    [InlineData("250ms", 250_000_000L)]
    [InlineData("2h45m30.5s", 9_930_500_000_000L)]
    [InlineData("10.5s4m", 250_500_000_000L)]
    [InlineData("-2m3.4s", -123_400_000_000L)]
    [InlineData("1h2m3s4ms5us6ns", 3_723_004_005_006L)]
    [InlineData("39h9m14.425s", 140_954_425_000_000L)]
    [InlineData("52763797000ns", 52_763_797_000L)]
    [InlineData("0.3333333333333333333h", 1_200_000_000_000L)]
    [InlineData("9007199254740993ns", 9_007_199_254_740_993L)]
    [InlineData("9223372036854775807ns", long.MaxValue)]
    [InlineData("9223372036854775.807us", long.MaxValue)]
    [InlineData("-9223372036854775808ns", long.MinValue)]
    [InlineData("0.100000000000000000000h", 360_000_000_000L)]
    [InlineData("0.830103483285477580700h", 2_988_372_539_827L)]
    public void Parses_what_go_parses(string text, long nanoseconds)
    {
        GoDuration.TryParse(text, out var value, out var error).Should().BeTrue(error);
        error.Should().BeNull();
        // TimeSpan counts 100 ns ticks: Go's nanoseconds, truncated toward zero.
        value.Ticks.Should().Be(nanoseconds / TimeSpan.NanosecondsPerTick);
        GoDuration.TryParse(text, out var value2).Should().BeTrue();
        value2.Should().Be(value);
    }

    [Theory]
    [InlineData("", "empty duration")]
    [InlineData(null, "empty duration")]
    [InlineData("3", "invalid duration \"3\" (missing unit: ns, us, ms, s, m or h)")]
    [InlineData("30", "invalid duration \"30\" (missing unit: ns, us, ms, s, m or h)")]
    [InlineData("-", "invalid duration \"-\"")]
    [InlineData("s", "invalid duration \"s\" (expected a number followed by a unit: ns, us, ms, s, m, h)")]
    [InlineData(".", "invalid duration \".\" (expected a number followed by a unit: ns, us, ms, s, m, h)")]
    [InlineData("-.", "invalid duration \"-.\" (expected a number followed by a unit: ns, us, ms, s, m, h)")]
    [InlineData(".s", "invalid duration \".s\" (expected a number followed by a unit: ns, us, ms, s, m, h)")]
    [InlineData("+.s", "invalid duration \"+.s\" (expected a number followed by a unit: ns, us, ms, s, m, h)")]
    [InlineData("h", "invalid duration \"h\" (expected a number followed by a unit: ns, us, ms, s, m, h)")]
    [InlineData("1..2s", "invalid duration \"1..2s\" (missing unit: ns, us, ms, s, m or h)")]
    [InlineData("5x", "invalid duration \"5x\" (unknown unit \"x\"; use ns, us, ms, s, m or h)")]
    [InlineData("1d", "invalid duration \"1d\" (unknown unit \"d\"; use ns, us, ms, s, m or h)")]
    [InlineData("1h 30m", "invalid duration \"1h 30m\" (unknown unit \"h \"; use ns, us, ms, s, m or h)")]
    [InlineData(" 30s", "invalid duration \" 30s\" (expected a number followed by a unit: ns, us, ms, s, m, h)")]
    [InlineData("1S", "invalid duration \"1S\" (unknown unit \"S\"; use ns, us, ms, s, m or h)")]
    [InlineData("9223372036854775808ns", "invalid duration \"9223372036854775808ns\" (overflows)")]
    [InlineData("9223372036854775810ns", "invalid duration \"9223372036854775810ns\" (overflows)")]
    [InlineData("-9223372036854775809ns", "invalid duration \"-9223372036854775809ns\" (overflows)")]
    [InlineData("9223372036854775.808us", "invalid duration \"9223372036854775.808us\" (overflows)")]
    [InlineData("3000000h", "invalid duration \"3000000h\" (overflows)")]
    [InlineData("99999999999999999999s", "invalid duration \"99999999999999999999s\" (overflows)")]
    public void Rejects_what_go_rejects_and_says_why(string? text, string expected)
    {
        GoDuration.TryParse(text, out var value, out var error).Should().BeFalse();
        error.Should().Be(expected);
        value.Should().Be(TimeSpan.Zero);
        GoDuration.TryParse(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(100L, "100ns")]
    [InlineData(1_100L, "1.1µs")]
    [InlineData(2_200_000L, "2.2ms")]
    [InlineData(500_000_000L, "500ms")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(3_300_000_000L, "3.3s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(60_000_000_000L, "1m0s")]
    [InlineData(4_920_000_000_000L, "1h22m0s")]
    [InlineData(3_600_500_000_000L, "1h0m0.5s")]
    [InlineData(86_400_000_000_000L, "24h0m0s")]
    [InlineData(9_930_500_000_000L, "2h45m30.5s")]
    [InlineData(-90_000_000_000L, "-1m30s")]
    [InlineData(-100L, "-100ns")]
    [InlineData(9_223_372_036_854_775_800L, "2562047h47m16.8547758s")]
    public void Formats_like_go(long nanoseconds, string expected) =>
        GoDuration.Format(TimeSpan.FromTicks(nanoseconds / TimeSpan.NanosecondsPerTick)).Should().Be(expected);

    [Theory]
    [InlineData("1h30m0s")]
    [InlineData("2h45m30.5s")]
    [InlineData("-1m30s")]
    [InlineData("250ms")]
    [InlineData("1.1µs")]
    public void Format_round_trips_through_TryParse(string text)
    {
        GoDuration.TryParse(text, out var value).Should().BeTrue();
        GoDuration.Format(value).Should().Be(text);
    }

    [Fact]
    public void Format_handles_the_extremes_of_TimeSpan()
    {
        GoDuration.Format(TimeSpan.MinValue).Should().StartWith("-").And.EndWith("s");
        GoDuration.Format(TimeSpan.MaxValue).Should().EndWith("s");
    }
}
