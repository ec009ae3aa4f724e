using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Otlp;
using Tempo.Streaming.Receivers.Tests.Support;

namespace Tempo.Streaming.Receivers.Tests;

public sealed class OtlpHttpReceiverTests
{
    // What @opentelemetry/exporter-trace-otlp-http sends: hex IDs, kind as an int, intValue as a number, times as
    // strings, a link with hex IDs, flags, and fields this receiver does not know.
    private const string JsExporterJson = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}],
          "droppedAttributesCount":0},
          "scopeSpans":[{"scope":{"name":"js-tracer","version":"1.0.0"},"spans":[
            {"traceId":"de95a157a5662e374a6cb4633120d7bc","spanId":"4a6cb4633120d7bc","parentSpanId":"0102030405060708",
             "traceState":"","name":"GET /cart","kind":2,"startTimeUnixNano":"1700000000000000000",
             "endTimeUnixNano":"1700000000250000000","flags":257,
             "attributes":[{"key":"http.status_code","value":{"intValue":200}},
                           {"key":"ratio","value":{"doubleValue":0.5}},
                           {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"boolValue":true}]}}}],
             "droppedAttributesCount":0,
             "events":[{"attributes":[],"name":"cache miss","timeUnixNano":"1700000000100000000","droppedAttributesCount":0}],
             "droppedEventsCount":0,"status":{"code":2,"message":"boom"},
             "links":[{"traceId":"0102030405060708090A0B0C0D0E0F10","spanId":"1112131415161718","attributes":[],
                       "droppedAttributesCount":0}],
             "droppedLinksCount":0,"someFutureField":{"x":[1,2]}}]}]}]}
        """;

    [Fact]
    public async Task Protobuf_body_is_pushed_unchanged_and_answered_with_an_empty_response()
    {
        await using var host = await ReceiverHost.StartAsync();
        var payload = Payloads.Request().ToByteArray();

        using var response = await host.Client.PostAsync("/v1/traces", Protobuf(payload));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-protobuf");
        (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty("a fully accepted request leaves partial_success unset");
        var push = host.Pusher.Single();
        push.Tenant.Should().Be("single-tenant");
        push.Payload.Should().Equal(payload);
    }

    [Fact]
    public async Task Json_body_from_the_js_exporter_is_pushed_as_protobuf_with_hex_ids_decoded()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.PostAsync("/v1/traces", Json(JsExporterJson));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateObject().Should().BeEmpty();
        var request = host.Pusher.Single().Request;
        var resourceSpans = request.ResourceSpans.Should().ContainSingle().Subject;
        resourceSpans.Resource.Attributes[0].Value.StringValue.Should().Be("checkout");
        var span = resourceSpans.ScopeSpans.Single().Spans.Single();
        span.TraceId.ToByteArray().Should().Equal(Convert.FromHexString("de95a157a5662e374a6cb4633120d7bc"));
        span.SpanId.ToByteArray().Should().Equal(Convert.FromHexString("4a6cb4633120d7bc"));
        span.ParentSpanId.ToByteArray().Should().Equal(Convert.FromHexString("0102030405060708"));
        span.Kind.Should().Be(OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server);
        span.StartTimeUnixNano.Should().Be(1_700_000_000_000_000_000UL);
        span.Flags.Should().Be(257u);
        span.Attributes[0].Value.IntValue.Should().Be(200);
        span.Attributes[1].Value.DoubleValue.Should().Be(0.5);
        span.Attributes[2].Value.ArrayValue.Values[1].BoolValue.Should().BeTrue();
        span.Events.Single().Name.Should().Be("cache miss");
        span.Status.Code.Should().Be(OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error);
        var link = span.Links.Single();
        link.TraceId.ToByteArray().Should().Equal(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10"));
        link.SpanId.ToByteArray().Should().Equal(Convert.FromHexString("1112131415161718"));
    }

    [Fact]
    public async Task Json_accepts_enum_names_int64_as_numbers_and_empty_parent_ids()
    {
        await using var host = await ReceiverHost.StartAsync();
        const string json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001",
              "spanId":"0000000000000002","parentSpanId":"","name":"n","kind":"SPAN_KIND_CLIENT",
              "startTimeUnixNano":1700000000000000000,"attributes":[{"key":"k","value":{"intValue":"-7"}}]}]}]}]}
            """;

        using var response = await host.Client.PostAsync("/v1/traces", Json(json));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var span = host.Pusher.Single().Request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        span.Kind.Should().Be(OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client);
        span.ParentSpanId.IsEmpty.Should().BeTrue();
        span.StartTimeUnixNano.Should().Be(1_700_000_000_000_000_000UL);
        span.Attributes[0].Value.IntValue.Should().Be(-7);
        span.TraceId.ToByteArray().Should().HaveCount(16);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Compressed_bodies_are_decompressed_before_the_push(string coding)
    {
        await using var host = await ReceiverHost.StartAsync();
        var payload = Payloads.Request(50).ToByteArray();
        var content = Protobuf(coding == "gzip" ? Payloads.Gzip(payload) : Payloads.Zlib(payload));
        content.Headers.ContentEncoding.Add(coding);

        using var response = await host.Client.PostAsync("/v1/traces", content);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Pusher.Single().Payload.Should().Equal(payload);
    }

    [Fact]
    public async Task Gzipped_json_is_accepted()
    {
        await using var host = await ReceiverHost.StartAsync();
        var content = new ByteArrayContent(Payloads.Gzip(Encoding.UTF8.GetBytes(JsExporterJson)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await host.Client.PostAsync("/v1/traces", content);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Pusher.Single().Request.ResourceSpans[0].ScopeSpans[0].Spans[0].Name.Should().Be("GET /cart");
    }

    [Fact]
    public async Task Unsupported_content_type_is_415_and_nothing_is_pushed()
    {
        await using var host = await ReceiverHost.StartAsync();
        var content = new StringContent("hello", Encoding.UTF8, "text/plain");

        using var response = await host.Client.PostAsync("/v1/traces", content);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadAsStringAsync()).Should().Contain("text/plain").And.Contain("application/x-protobuf");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Unsupported_content_encoding_is_415_with_a_status_body()
    {
        await using var host = await ReceiverHost.StartAsync();
        var content = Protobuf(Payloads.Request().ToByteArray());
        content.Headers.ContentEncoding.Add("br");

        using var response = await host.Client.PostAsync("/v1/traces", content);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        Payloads.ParseStatus(await response.Content.ReadAsByteArrayAsync()).Message.Should().Contain("\"br\"");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Body_over_the_limit_is_413()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { MaxRequestBodyBytes = 1024 });

        using var response = await host.Client.PostAsync("/v1/traces", Protobuf(new byte[2048]));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var status = Payloads.ParseStatus(await response.Content.ReadAsByteArrayAsync());
        status.Code.Should().Be(8);
        status.Message.Should().Contain("1024");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Body_without_a_length_over_the_limit_is_413()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { MaxRequestBodyBytes = 1024 });
        var content = new UnknownLengthContent(new byte[64 * 1024]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await host.Client.PostAsync("/v1/traces", content);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Body_over_the_limit_after_gzip_decompression_is_413()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { MaxRequestBodyBytes = 100 * 1024 });
        var compressed = Payloads.Gzip(new byte[1024 * 1024]);
        compressed.Length.Should().BeLessThan(100 * 1024, "the point is a small body that inflates past the limit");
        var content = Protobuf(compressed);
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await host.Client.PostAsync("/v1/traces", content);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        Payloads.ParseStatus(await response.Content.ReadAsByteArrayAsync()).Message.Should().Contain("decompressed");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Corrupt_gzip_is_400()
    {
        await using var host = await ReceiverHost.StartAsync();
        var content = Protobuf([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]);
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await host.Client.PostAsync("/v1/traces", content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Payloads.ParseStatus(await response.Content.ReadAsByteArrayAsync()).Message.Should().Contain("gzip");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Theory]
    [InlineData("{\"resourceSpans\":[", "invalid JSON")]
    [InlineData("not json", "invalid JSON")]
    [InlineData("{\"resourceSpans\":{\"a\":1}}", "invalid OTLP/JSON")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}", "traceId \"xyz\" is not a hex-encoded ID")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"abc\"}]}]}]}", "spanId")]
    public async Task Malformed_json_is_400_with_a_json_status_and_nothing_is_pushed(string body, string expectedMessage)
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.PostAsync("/v1/traces", Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        status.GetProperty("code").GetInt32().Should().Be(3);
        status.GetProperty("message").GetString().Should().Contain(expectedMessage);
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Malformed_protobuf_refused_by_the_distributor_is_400_with_its_message()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.PostAsync("/v1/traces", Protobuf([0x0a, 0xff, 0x01, 0x02]));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-protobuf");
        var status = Payloads.ParseStatus(await response.Content.ReadAsByteArrayAsync());
        status.Code.Should().Be(3);
        status.Message.Should().StartWith("malformed OTLP protobuf");
    }

    [Theory]
    [InlineData(PushRejectionReason.RateLimited, HttpStatusCode.TooManyRequests, 8)]
    [InlineData(PushRejectionReason.LogUnavailable, HttpStatusCode.ServiceUnavailable, 14)]
    [InlineData(PushRejectionReason.InvalidPayload, HttpStatusCode.BadRequest, 3)]
    public async Task Push_rejections_map_to_otlp_http_statuses(PushRejectionReason reason, HttpStatusCode expected, int code)
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Pusher.Respond = _ => throw new PushRejectedException(reason, $"refused: {reason}");

        using var response = await host.Client.PostAsync("/v1/traces", Protobuf(Payloads.Request().ToByteArray()));

        response.StatusCode.Should().Be(expected);
        Payloads.ParseStatus(await response.Content.ReadAsByteArrayAsync()).Should().Be((code, $"refused: {reason}"));
    }

    [Fact]
    public async Task Partial_success_is_reported_in_protobuf()
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Pusher.Respond = _ => new PushResult(1, 2, "2 spans with invalid IDs");

        using var response = await host.Client.PostAsync("/v1/traces", Protobuf(Payloads.Request(3).ToByteArray()));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var reply = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        reply.PartialSuccess.RejectedSpans.Should().Be(2);
        reply.PartialSuccess.ErrorMessage.Should().Be("2 spans with invalid IDs");
    }

    [Fact]
    public async Task Partial_success_is_reported_in_lower_camel_json()
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Pusher.Respond = _ => new PushResult(0, 1, "trace too large");

        using var response = await host.Client.PostAsync("/v1/traces", Json(JsExporterJson));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var partial = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("partialSuccess");
        partial.GetProperty("rejectedSpans").ToString().Should().Be("1");
        partial.GetProperty("errorMessage").GetString().Should().Be("trace too large");
    }

    [Fact]
    public async Task Multitenancy_requires_the_org_id_header()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { MultitenancyEnabled = true });

        using var response = await host.Client.PostAsync("/v1/traces", Protobuf(Payloads.Request().ToByteArray()));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        Payloads.ParseStatus(await response.Content.ReadAsByteArrayAsync()).Should().Be((16, "no org id"));
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Multitenancy_pushes_under_the_header_tenant()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { MultitenancyEnabled = true });
        var content = Protobuf(Payloads.Request().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = content };
        request.Headers.Add("X-Scope-OrgID", "team-a");

        using var response = await host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Pusher.Single().Tenant.Should().Be("team-a");
    }

    [Theory]
    [InlineData("team/a", "tenant ID 'team/a' contains unsupported character '/'")]
    [InlineData("a|b", "multiple org IDs present")]
    [InlineData("..", "tenant ID is '.' or '..'")]
    public async Task Invalid_tenant_ids_are_400(string orgId, string message)
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { MultitenancyEnabled = true });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = Json(JsExporterJson) };
        request.Headers.Add("X-Scope-OrgID", orgId);

        using var response = await host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()
            .Should().Be(message);
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_multitenancy_the_header_is_ignored()
    {
        await using var host = await ReceiverHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = Protobuf(Payloads.Request().ToByteArray()) };
        request.Headers.Add("X-Scope-OrgID", "team-a");

        using var response = await host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        host.Pusher.Single().Tenant.Should().Be("single-tenant");
    }

    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A body sent without Content-Length, so the limit must hold while streaming.</summary>
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
