using System.Text;
using OpenTelemetry.Proto.Collector.Trace.V1;
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

        var span = Transcode(json).ResourceSpans[0].ScopeSpans[0].Spans[0];

        span.TraceId.ToByteArray().Should().Equal(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10"));
        span.Name.Should().Be("café \"q\" ünï");
        span.Attributes[0].Value.BytesValue.ToByteArray().Should().Equal(1, 2, 3);
        span.Attributes[1].Key.Should().Be("traceId", "an attribute key is a value, not an ID field");
        span.Attributes[1].Value.StringValue.Should().Be("not-an-id");
    }

    [Fact]
    public void Empty_object_is_an_empty_request()
    {
        using var payload = OtlpJsonTranscoder.Transcode("{}"u8);

        payload.Length.Should().Be(0);
    }

    [Fact]
    public void Base64_bytes_may_be_url_safe_and_unpadded()
    {
        var value = Transcode("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"bytesValue":"-_8"}}]}]}]}]}""")
            .ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes[0].Value;

        value.BytesValue.ToByteArray().Should().Equal(0xFB, 0xFF);
    }

    [Theory]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{},{"spans":[{},{},{},{"name":5}]}]}]}""",
        "resourceSpans[0].scopeSpans[1].spans[3].name: expected a string, got a number")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{},{"links":[{},{"traceId":"0g"}]}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[1].links[1].traceId \"0g\" is not a hex-encoded ID")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"spanId":"abc"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].spanId \"abc\" is not a hex-encoded ID")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"parent_span_id":"zz"}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].parent_span_id \"zz\" is not a hex-encoded ID")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":1}]}]}]}""",
        "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a hex string, got a number")]
    [InlineData("""{"resourceSpans":{"a":1}}""", "resourceSpans: expected an array, got an object")]
    [InlineData("""{"resourceSpans":[5]}""", "resourceSpans[0]: expected an object, got a number")]
    [InlineData("""{"resourceSpans":[null]}""", "resourceSpans[0]: array elements cannot be null")]
    [InlineData("""[]""", "the document: expected an object (ExportTraceServiceRequest), got an array")]
    [InlineData("""{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"stringValue":"s","intValue":1}}]}}]}""",
        "resourceSpans[0].resource.attributes[0].value.intValue: AnyValue holds one value, but \"intValue\" is its second")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SERVER"}]}]}]}""",
        "spans[0].kind: \"SERVER\" is not a value of opentelemetry.proto.trace.v1.Span.SpanKind")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":2147483648}]}]}]}""",
        "spans[0].kind: 2147483648 is not an enum integer (32-bit)")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"status":{"code":true}}]}]}]}""",
        "spans[0].status.code: expected a number or a numeric string, got a boolean")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"droppedAttributesCount":-1}]}]}]}""",
        "spans[0].droppedAttributesCount: -1 is not an unsigned 32-bit integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"flags":4294967296}]}]}]}""",
        "spans[0].flags: 4294967296 is not an unsigned 32-bit integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"12abc"}]}]}]}""",
        "spans[0].startTimeUnixNano: \"12abc\" is not an unsigned 64-bit integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"1.5"}]}]}]}""",
        "spans[0].startTimeUnixNano: \"1.5\" is not an unsigned 64-bit integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"endTimeUnixNano":"01"}]}]}]}""",
        "spans[0].endTimeUnixNano: \"01\" is not an unsigned 64-bit integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"intValue":"9223372036854775808"}}]}]}]}]}""",
        "attributes[0].value.intValue: \"9223372036854775808\" is not a 64-bit integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"doubleValue":"nan"}}]}]}]}]}""",
        "attributes[0].value.doubleValue: \"nan\" is not a double")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"doubleValue":1e400}}]}]}]}]}""",
        "attributes[0].value.doubleValue: 1e400 is not a double")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"boolValue":"true"}}]}]}]}]}""",
        "attributes[0].value.boolValue: expected true or false, got a string")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"bytesValue":"not base64!"}}]}]}]}]}""",
        "attributes[0].value.bytesValue: \"not base64!\" is not base64")]
    [InlineData("""{"resourceSpans":[{"resource":{"entityRefs":[{"idKeys":["a",7]}]}}]}""",
        "resourceSpans[0].resource.entityRefs[0].idKeys[1]: expected a string, got a number")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\ud800"}]}]}]}""",
        "spans[0].name: the string is not valid Unicode")]
    public void Values_that_are_not_otlp_name_their_json_path(string json, string expected)
    {
        var act = () => OtlpJsonTranscoder.Transcode(Encoding.UTF8.GetBytes(json));

        act.Should().Throw<OtlpJsonException>().Which.Message.Should().StartWith("invalid OTLP/JSON request: ").And.Contain(expected);
    }

    [Theory]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[""", "invalid JSON at resourceSpans[0].scopeSpans")]
    [InlineData("""not json""", "invalid JSON at the document")]
    [InlineData("", "invalid JSON at the document")]
    [InlineData("""{"resourceSpans":[]} {}""", "invalid JSON at the document")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[],}]}""", "invalid JSON at resourceSpans[0]")]
    [InlineData("{\"resourceSpans\":[{\n\"scopeSpans\":[{\"spans\":[{\"name\":'single'}]}]}]}",
        "invalid JSON at resourceSpans[0].scopeSpans[0].spans[0].name")]
    public void Malformed_json_names_where_it_breaks(string json, string expected)
    {
        var act = () => OtlpJsonTranscoder.Transcode(Encoding.UTF8.GetBytes(json));

        act.Should().Throw<OtlpJsonException>().Which.Message.Should().StartWith("invalid OTLP/JSON request: " + expected);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_refused()
    {
        byte[] json = [.. "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\""u8, 0xC3, 0x28, .. "\"}]}]}]}"u8];

        var act = () => OtlpJsonTranscoder.Transcode(json);

        act.Should().Throw<OtlpJsonException>().WithMessage("*spans[0].name: the string is not valid UTF-8*");
    }

    [Fact]
    public void Nesting_beyond_the_depth_limit_is_refused()
    {
        var json = new StringBuilder("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":""");
        for (var i = 0; i < 100; i++)
        {
            json.Append("""{"arrayValue":{"values":[""");
        }

        var act = () => OtlpJsonTranscoder.Transcode(Encoding.UTF8.GetBytes(json.ToString()));

        act.Should().Throw<OtlpJsonException>().WithMessage("invalid OTLP/JSON request: invalid JSON at *depth*");
    }

    [Fact]
    public void A_failed_transcode_leaves_the_next_one_unaffected()
    {
        var bad = () => OtlpJsonTranscoder.Transcode("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","kind":"NOPE"}]}]}]}"""u8);
        bad.Should().Throw<OtlpJsonException>();

        Transcode("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"ok"}]}]}]}""").ResourceSpans[0].ScopeSpans[0].Spans[0].Name
            .Should().Be("ok");
    }

    private static ExportTraceServiceRequest Transcode(string json)
    {
        using var payload = OtlpJsonTranscoder.Transcode(Encoding.UTF8.GetBytes(json));
        return ExportTraceServiceRequest.Parser.ParseFrom(payload.Span);
    }
}
