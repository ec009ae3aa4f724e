using Tempo.Streaming.Server.Configuration;

namespace Tempo.Streaming.Server.Tests.Configuration;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("15m", 15 * 60_000)]
    [InlineData("1h30m", 90 * 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5h", 90 * 60_000)]
    [InlineData("2h45m30.5s", (2 * 3600 + 45 * 60 + 30.5) * 1000)]
    [InlineData("1000us", 1)]
    [InlineData("1000µs", 1)]
    [InlineData("1000000ns", 1)]
    [InlineData("-1m", -60_000)]
    public void Parses_go_syntax(string text, double milliseconds)
    {
        GoDuration.TryParse(text, out var value, out var error).Should().BeTrue(error);
        value.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("5")]
    [InlineData("1d")]
    [InlineData("h")]
    [InlineData("1h 30m")]
    [InlineData(".s")]
    public void Rejects_what_go_rejects(string text) => GoDuration.TryParse(text, out _, out var error).Should().BeFalse(error);

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(24 * 3600 * 1000.0, "24h0m0s")]
    [InlineData(90 * 1000.0, "1m30s")]
    [InlineData(500, "500ms")]
    [InlineData(1500, "1.5s")]
    [InlineData(3600 * 1000 + 500, "1h0m0.5s")]
    public void Formats_like_go(double milliseconds, string expected) =>
        GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);
}
