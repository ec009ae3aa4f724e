using Tempo.Streaming.Core.Wire;
using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Workload;
using Tempo.Streaming.Receivers.Tests.Support;
using ReceiverTranscoder = Tempo.Streaming.Receivers.Otlp.OtlpJsonTranscoder;

namespace Tempo.Streaming.Receivers.Tests;

/// <summary>
/// The transcoder's bytes must equal what Google.Protobuf writes for the same message (<c>ToByteArray()</c>): the
/// distributor scans and stores them as they are.
/// </summary>
public sealed class OtlpJsonConformanceTests
{
    [Theory]
    [InlineData(42, 1)]
    [InlineData(42, 1000)]
    [InlineData(7, 50)]
    [InlineData(1234, 5000)]
    public void Shop_workload_batches_from_the_load_generator_transcode_to_googles_bytes(long seed, int batchSpans)
    {
        var workload = new ShopWorkload(seed, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var encoder = workload.CreateEncoder();
        var protobuf = new ProtoBufferWriter(1 << 20);
        var toJson = new OtlpJsonEncoder();
        long trace = 0;
        for (var batch = 0; batch < 5; batch++)
        {
            var traces = workload.TracesForBatch(trace, batchSpans, long.MaxValue, out _);
            encoder.Encode(trace, traces, protobuf);
            trace += traces;
            var json = toJson.Transcode(protobuf.WrittenSpan);

            using var payload = ReceiverTranscoder.Transcode(json.Span);

            var expected = ExportTraceServiceRequest.Parser.ParseFrom(protobuf.WrittenSpan).ToByteArray();
            payload.Span.ToArray().Should().Equal(expected, $"batch {batch} of seed {seed}");
        }
    }

    [Fact]
    public void Random_requests_in_every_json_spelling_transcode_to_googles_bytes()
    {
        var random = new Random(20240611);
        for (var i = 0; i < 1500; i++)
        {
            var request = OtlpJsonReference.RandomRequest(random);
            var json = OtlpJsonReference.ToOtlpJson(request, random);

            byte[] actual;
            try
            {
                using var payload = ReceiverTranscoder.Transcode(Encoding.UTF8.GetBytes(json));
                actual = payload.Span.ToArray();
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i} failed: {e.Message}\n{json}");
            }

            if (!actual.AsSpan().SequenceEqual(request.ToByteArray()))
            {
                throw new Xunit.Sdk.XunitException(
                    $"case {i}: bytes differ\nexpected {Convert.ToHexString(request.ToByteArray())}\nactual   {Convert.ToHexString(actual)}\n{json}");
            }
        }
    }

    [Fact]
    public void Js_exporter_request_transcodes_like_json_parser_reads_it_with_base64_ids()
    {
        using var payload = ReceiverTranscoder.Transcode(Encoding.UTF8.GetBytes(OtlpJsonSamples.JsExporter));

        payload.Span.ToArray().Should().Equal(OtlpJsonReference.ViaJsonParser(OtlpJsonSamples.JsExporter));
        var spans = ExportTraceServiceRequest.Parser.ParseFrom(payload.Span).ResourceSpans[0].ScopeSpans[0].Spans;
        spans.Should().HaveCount(6);
        spans[0].TraceId.ToByteArray().Should().Equal(Convert.FromHexString("410d0c86522ffc090bd2ea31eae43166"));
        spans[0].Kind.Should().Be(OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client);
        spans[0].Flags.Should().Be(257u);
        spans[2].ParentSpanId.IsEmpty.Should().BeTrue("a root span has no parentSpanId key");
        spans[1].Status.Code.Should().Be(OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error);
    }

    // Each case is read by JsonParser as well (no IDs, so no hex): same message, same bytes.
    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"resourceSpans":[]}""")]
    [InlineData("""{"resourceSpans":null}""")]
    [InlineData("""{"resourceSpans":[{}]}""")]
    [InlineData("""{"resource_spans":[{"scope_spans":[{"spans":[{"name":"proto names","start_time_unix_nano":"5"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","name":"b"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","name":""}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"a","kind":2,"name":null}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a"}],"name":"n","attributes":[{"key":"b"}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a"}],"attributes":null,"attributes":[{"key":"c"}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"status":{"code":1},"status":{"message":"last wins"}}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"status":{},"status":null}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"status":{}}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"flags":4294967295,"kind":"SPAN_KIND_SERVER","name":"out of order"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":99},{"kind":-1},{"kind":2.0},{"kind":"SPAN_KIND_UNSPECIFIED"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"status":{"code":"STATUS_CODE_ERROR","message":"m"}}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"1e3","endTimeUnixNano":1e3,"droppedAttributesCount":"5"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"1.0","endTimeUnixNano":"18446744073709551615"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":0,"droppedAttributesCount":0,"flags":0,"kind":0,"name":""}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"s","value":{"stringValue":""}},{"key":"i","value":{"intValue":0}},{"key":"b","value":{"boolValue":false}},{"key":"d","value":{"doubleValue":0}},{"key":"y","value":{"bytesValue":""}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"none","value":{}},{"key":"nothing"},{"key":"null","value":null},{"key":"nullmember","value":{"stringValue":null}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"d","value":{"doubleValue":"NaN"}},{"key":"p","value":{"doubleValue":"Infinity"}},{"key":"n","value":{"doubleValue":"-Infinity"}},{"key":"z","value":{"doubleValue":-0.0}},{"key":"s","value":{"doubleValue":"1.5e-3"}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"i","value":{"intValue":"-9223372036854775808"}},{"key":"j","value":{"int_value":-42}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"b64","value":{"bytesValue":"AAECAwQFBgcICQ=="}},{"key":"ws","value":{"bytes_value":"AQ ID"}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a"},{"arrayValue":{"values":[{"kvlistValue":{"values":[{"key":"k","value":{"intValue":"1"}}]}}]}},{}]}}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"kv","value":{"kvlist_value":{"values":[]}}},{"key":"arr","value":{"array_value":{}}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"resource":{"entityRefs":[{"type":"t","idKeys":["a",""],"id_keys":["b"],"descriptionKeys":[],"schemaUrl":"s"}],"droppedAttributesCount":3},"schemaUrl":"u"}]}""")]
    [InlineData("""{"resourceSpans":[{"schemaUrl":"first","scopeSpans":[{"spans":[{"name":"s"}],"scope":{"attributes":[{"key":"k"}],"version":"1","name":"scope"}}],"resource":{}}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"events":[{"name":"e","timeUnixNano":"7","droppedAttributesCount":1,"attributes":[]}],"droppedEventsCount":2,"links":[{"traceState":"ts","flags":1,"droppedAttributesCount":4}],"droppedLinksCount":3}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"na\u006de":"escaped key","traceState":"caf\u00e9 \"q\" \ud83d\ude00 \/ \\"}]}]}]}""")]
    [InlineData("""{"unknown":{"deep":[1,[2,{"resourceSpans":5}],{"x":null}]},"resourceSpans":[{"unknown":true,"scopeSpans":[{"spans":[{"Name":"case-sensitive: unknown","x":[]}]}]}]}""")]
    [InlineData("  \n{ \"resourceSpans\" : [ { \"scopeSpans\" : [ { \"spans\" : [ { \"name\" : \"whitespace\" } ] } ] } ] }\r\n ")]
    public void Edge_cases_match_json_parser(string json)
    {
        using var payload = ReceiverTranscoder.Transcode(Encoding.UTF8.GetBytes(json));

        payload.Span.ToArray().Should().Equal(OtlpJsonReference.JsonParserBytes(json));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(20_000)]
    [InlineData(3_000_000)]
    public void Lengths_across_varint_size_boundaries_are_written_minimally(int valueLength)
    {
        // A long value makes every enclosing message's length need more bytes than reserved for it.
        var json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"n\",\"attributes\":[{\"key\":\"big\",\"value\":{\"stringValue\":\"" +
            new string('v', valueLength) + "\"}}]}]}]}]}";

        using var payload = ReceiverTranscoder.Transcode(Encoding.UTF8.GetBytes(json));

        payload.Span.ToArray().Should().Equal(OtlpJsonReference.JsonParserBytes(json));
    }

    [Fact]
    public void Hex_ids_in_any_case_become_their_bytes_and_empty_ids_are_absent()
    {
        const string json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090A0B0C0D0E0f10","spanId":"aAbBcCdDeEfF0011",
              "parentSpanId":"","links":[{"traceId":"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF","spanId":"","trace_id":"00000000000000000000000000000001"}],
              "trace_id":"1112131415161718191a1b1c1d1e1f20"}]}]}]}
            """;

        using var payload = ReceiverTranscoder.Transcode(Encoding.UTF8.GetBytes(json));

        var span = ExportTraceServiceRequest.Parser.ParseFrom(payload.Span).ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.TraceId.ToByteArray().Should().Equal(Convert.FromHexString("1112131415161718191a1b1c1d1e1f20"), "the last of traceId/trace_id wins");
        span.SpanId.ToByteArray().Should().Equal(Convert.FromHexString("aabbccddeeff0011"));
        span.ParentSpanId.IsEmpty.Should().BeTrue();
        span.Links[0].TraceId.ToByteArray().Should().Equal(Convert.FromHexString("00000000000000000000000000000001"));
        span.Links[0].SpanId.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Ids_of_the_wrong_length_pass_to_the_distributor_which_rejects_those_spans()
    {
        using var payload = ReceiverTranscoder.Transcode(
            """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102","spanId":"0102030405060708090a"}]}]}]}"""u8);

        var span = ExportTraceServiceRequest.Parser.ParseFrom(payload.Span).ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.TraceId.ToByteArray().Should().Equal(1, 2);
        span.SpanId.ToByteArray().Should().HaveCount(10);
    }

    [Fact]
    public void Unquoted_64_bit_integers_are_read_exactly()
    {
        // JsonParser reads JSON numbers through a double (2^53 precision); the transcoder does not.
        using var payload = ReceiverTranscoder.Transcode(
            """{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1700000000123456789,"attributes":[{"key":"k","value":{"intValue":9223372036854775807}}]}]}]}]}"""u8);

        var span = ExportTraceServiceRequest.Parser.ParseFrom(payload.Span).ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.StartTimeUnixNano.Should().Be(1_700_000_000_123_456_789UL);
        span.Attributes[0].Value.IntValue.Should().Be(long.MaxValue);
    }
}
