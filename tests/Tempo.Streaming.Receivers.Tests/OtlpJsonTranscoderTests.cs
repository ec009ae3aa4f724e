using System.Text;
using Tempo.Streaming.Receivers.Otlp;

namespace Tempo.Streaming.Receivers.Tests;

public sealed class OtlpJsonTranscoderTests
{
    [Fact]
    public void Keeps_escaped_strings_and_unicode_and_base64_bytes_values()
    {
        const string json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"trace_id":"0102030405060708090a0b0c0d0e0f10","name":"caf\u00e9 \"q\" ünï",
              "attributes":[{"key":"raw","value":{"bytesValue":"AQID"}},{"key":"traceId","value":{"stringValue":"not-an-id"}}]}]}]}]}
            """;

        var request = OtlpJsonTranscoder.Parse(Encoding.UTF8.GetBytes(json));

        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.TraceId.ToByteArray().Should().Equal(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10"));
        span.Name.Should().Be("café \"q\" ünï");
        span.Attributes[0].Value.BytesValue.ToByteArray().Should().Equal(1, 2, 3);
        span.Attributes[1].Key.Should().Be("traceId", "an attribute key is a value, not an ID field");
        span.Attributes[1].Value.StringValue.Should().Be("not-an-id");
    }

    [Fact]
    public void Empty_object_is_an_empty_request() =>
        OtlpJsonTranscoder.Parse("{}"u8).ResourceSpans.Should().BeEmpty();

    [Fact]
    public void Wrong_value_type_names_the_problem()
    {
        var act = () => OtlpJsonTranscoder.Parse("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":42}]}]}]}"""u8);

        act.Should().Throw<OtlpJsonException>().WithMessage("invalid OTLP/JSON request: *");
    }
}
