using System.Text;
using Tempo.Streaming.Query.Json;

namespace Tempo.Streaming.Query.Tests.Json;

public class GoJsonFloatTests
{
    // Expected texts are what Go's encoding/json prints for float64 (ES6 number formatting).
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(1.0, "1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(-2.5e-8, "-2.5e-8")]
    [InlineData(1.5e-10, "1.5e-10")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.2345e25, "1.2345e+25")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(3.14159, "3.14159")]
    public void Formats_like_go_encoding_json(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[GoJsonFloat.MaxLength];
        var length = GoJsonFloat.Format(value, buffer);
        Encoding.UTF8.GetString(buffer[..length]).Should().Be(expected);
    }

    [Theory]
    [InlineData(double.NaN, "\"NaN\"")]
    [InlineData(double.PositiveInfinity, "\"Infinity\"")]
    [InlineData(double.NegativeInfinity, "\"-Infinity\"")]
    [InlineData(2.5, "2.5")]
    public void Writes_non_finite_values_as_proto3_json_strings(double value, string expected)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = TempoJson.CreateWriter(output))
        {
            GoJsonFloat.WriteValue(writer, value);
        }

        Encoding.UTF8.GetString(output.WrittenSpan).Should().Be(expected);
    }
}
