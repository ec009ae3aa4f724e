using Tempo.Streaming.Core;

namespace Tempo.Streaming.Core.Tests;

/// <summary>Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) prints.</summary>
public sealed class GoFloatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.5, "1.5")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(100.0, "100")]
    [InlineData(123456.0, "123456")]
    [InlineData(999999.0, "999999")]
    [InlineData(1e6, "1e+06")]
    [InlineData(1234567.5, "1.2345675e+06")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00012345, "0.00012345")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(3.14159, "3.14159")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Formats_like_go_strconv_g_shortest(double value, string expected) =>
        GoFloat.FormatG(value).Should().Be(expected);
}
