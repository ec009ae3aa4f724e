using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Grpc;
using Tempo.Streaming.Receivers.Otlp;
using Tempo.Streaming.Receivers.Tests.Support;

namespace Tempo.Streaming.Receivers.Tests;

public sealed class OtlpGrpcReceiverTests
{
    private const string ExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    [Fact]
    public async Task Export_pushes_the_raw_message_and_answers_ok()
    {
        await using var host = await ReceiverHost.StartAsync();
        var payload = Payloads.Request(3).ToByteArray();

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame(payload));

        reply.HttpStatus.Should().Be(HttpStatusCode.OK);
        reply.ContentType.Should().Be("application/grpc");
        reply.Status.Should().Be("0");
        reply.Messages.Should().ContainSingle().Which.Should().BeEmpty("full success leaves partial_success unset");
        var push = host.Pusher.Single();
        push.Tenant.Should().Be("single-tenant");
        push.Payload.Should().Equal(payload);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Export_accepts_compressed_frames(string encoding)
    {
        await using var host = await ReceiverHost.StartAsync();
        var payload = Payloads.Request(20).ToByteArray();
        var compressed = encoding == "gzip" ? Payloads.Gzip(payload) : Payloads.Zlib(payload);

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame(compressed, compressed: true),
            ("grpc-encoding", encoding));

        reply.Status.Should().Be("0");
        host.Pusher.Single().Payload.Should().Equal(payload);
    }

    [Fact]
    public async Task Unknown_grpc_encoding_is_unimplemented()
    {
        await using var host = await ReceiverHost.StartAsync();

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame([1, 2, 3], compressed: true),
            ("grpc-encoding", "snappy"));

        reply.Status.Should().Be("12");
        reply.Message.Should().Contain("snappy");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Malformed_message_is_invalid_argument()
    {
        await using var host = await ReceiverHost.StartAsync();

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame([0x0a, 0xff, 0x01]));

        reply.HttpStatus.Should().Be(HttpStatusCode.OK);
        reply.Status.Should().Be("3");
        reply.Message.Should().StartWith("malformed OTLP protobuf");
        reply.Messages.Should().BeEmpty();
    }

    [Fact]
    public async Task Oversized_message_is_resource_exhausted_before_the_push()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { GrpcMaxRecvMsgSizeMiB = 1 });

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame(new byte[(1024 * 1024) + 1]));

        reply.Status.Should().Be("8");
        reply.Message.Should().Be("received message larger than max (1048577 vs. 1048576)");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Message_over_the_limit_after_decompression_is_resource_exhausted()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { GrpcMaxRecvMsgSizeMiB = 1 });
        var bomb = Payloads.Gzip(new byte[4 * 1024 * 1024]);

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame(bomb, compressed: true), ("grpc-encoding", "gzip"));

        reply.Status.Should().Be("8");
        reply.Message.Should().Contain("after decompression");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Fact]
    public async Task Truncated_frame_is_internal()
    {
        await using var host = await ReceiverHost.StartAsync();
        var frame = GrpcClient.Frame(Payloads.Request().ToByteArray());

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, frame[..^3]);

        reply.Status.Should().Be("13");
        host.Pusher.Pushes.Should().BeEmpty();
    }

    [Theory]
    [InlineData(PushRejectionReason.RateLimited, "8")]
    [InlineData(PushRejectionReason.LogUnavailable, "14")]
    public async Task Push_rejections_map_to_grpc_statuses(PushRejectionReason reason, string status)
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Pusher.Respond = _ => throw new PushRejectedException(reason, "ingestion rate limit exceeded: übermäßig 100%");

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame(Payloads.Request().ToByteArray()));

        reply.Status.Should().Be(status);
        reply.Message.Should().Be("ingestion rate limit exceeded: %C3%BCberm%C3%A4%C3%9Fig 100%25");
    }

    [Fact]
    public async Task Partial_success_is_returned_in_the_response_message()
    {
        await using var host = await ReceiverHost.StartAsync();
        host.Pusher.Respond = _ => new PushResult(2, 1, "1 span with an all-zero trace ID");

        var reply = await GrpcClient.CallAsync(host.Client, ExportPath, GrpcClient.Frame(Payloads.Request(3).ToByteArray()));

        reply.Status.Should().Be("0");
        var response = ExportTraceServiceResponse.Parser.ParseFrom(reply.Messages.Single());
        response.PartialSuccess.RejectedSpans.Should().Be(1);
        response.PartialSuccess.ErrorMessage.Should().Be("1 span with an all-zero trace ID");
    }

    [Fact]
    public async Task Multitenancy_takes_the_tenant_from_metadata_and_requires_it()
    {
        await using var host = await ReceiverHost.StartAsync(new OtlpReceiverOptions { MultitenancyEnabled = true });
        var frame = GrpcClient.Frame(Payloads.Request().ToByteArray());

        var missing = await GrpcClient.CallAsync(host.Client, ExportPath, frame);
        var invalid = await GrpcClient.CallAsync(host.Client, ExportPath, frame, ("x-scope-orgid", "bad tenant"));
        var ok = await GrpcClient.CallAsync(host.Client, ExportPath, frame, ("x-scope-orgid", "team-b"));

        missing.Status.Should().Be("16");
        missing.Message.Should().Be("no org id");
        invalid.Status.Should().Be("3");
        invalid.Message.Should().Be("tenant ID 'bad tenant' contains unsupported character ' '");
        ok.Status.Should().Be("0");
        host.Pusher.Single().Tenant.Should().Be("team-b");
    }

    [Fact]
    public async Task Unknown_method_of_a_served_service_is_unimplemented_like_grpc_go()
    {
        await using var host = await ReceiverHost.StartAsync();

        var reply = await GrpcClient.CallAsync(host.Client, "/opentelemetry.proto.collector.trace.v1.TraceService/Import", GrpcClient.Frame([]));

        reply.HttpStatus.Should().Be(HttpStatusCode.OK);
        reply.Status.Should().Be("12");
        reply.Message.Should().Be("unknown method Import for service opentelemetry.proto.collector.trace.v1.TraceService");
    }

    [Fact]
    public async Task Unknown_service_is_unimplemented_like_grpc_go()
    {
        await using var host = await ReceiverHost.StartAsync();

        var reply = await GrpcClient.CallAsync(host.Client, "/jaeger.api_v2.CollectorService/PostSpans", GrpcClient.Frame([]));

        reply.Status.Should().Be("12");
        reply.Message.Should().Be("unknown service jaeger.api_v2.CollectorService");
    }

    [Fact]
    public async Task Non_grpc_requests_to_unknown_paths_are_not_taken_by_the_fallback()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.PostAsync("/some/where", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Headers.Contains("grpc-status").Should().BeFalse();
    }

    [Fact]
    public async Task Server_streaming_method_delivers_every_message()
    {
        await using var host = await ReceiverHost.StartAsync(mapMore: app => app.MapGrpcMethod("test.Streamer", "Count", async context =>
        {
            var request = ExportTraceServiceRequest.Parser.ParseFrom(
                await GrpcWire.ReadMessageBytesAsync(context, GrpcWire.DefaultMaxReceiveMessageBytes, context.RequestAborted) ?? []);
            for (var i = 1; i <= request.ResourceSpans[0].ScopeSpans[0].Spans.Count; i++)
            {
                await GrpcWire.WriteMessageAsync(context, new ExportTracePartialSuccess { RejectedSpans = i }, context.RequestAborted);
            }
        }));

        var reply = await GrpcClient.CallAsync(host.Client, "/test.Streamer/Count", GrpcClient.Frame(Payloads.Request(3).ToByteArray()));

        reply.Status.Should().Be("0");
        reply.Messages.Select(m => ExportTracePartialSuccess.Parser.ParseFrom(m).RejectedSpans).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task Handler_turns_unexpected_exceptions_into_internal()
    {
        await using var host = await ReceiverHost.StartAsync(mapMore: app =>
            app.MapGrpcMethod("test.Broken", "Call", _ => throw new InvalidOperationException("state is broken")));

        var reply = await GrpcClient.CallAsync(host.Client, "/test.Broken/Call", GrpcClient.Frame([]));

        reply.Status.Should().Be("13");
        reply.Message.Should().Be("state is broken");
    }

    [Fact]
    public async Task Grpc_method_answers_415_to_non_grpc_content()
    {
        await using var host = await ReceiverHost.StartAsync();

        using var response = await host.Client.PostAsync(ExportPath, new ByteArrayContent([]) { Headers = { { "Content-Type", "application/json" } } });

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("plain message", "plain message")]
    [InlineData("probe failure: yes", "probe failure: yes")]
    [InlineData("100% done", "100%25 done")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("ünï", "%C3%BCn%C3%AF")]
    public void Grpc_message_percent_encoding_keeps_printable_ascii(string message, string expected) =>
        GrpcWire.PercentEncodeMessage(message).Should().Be(expected);

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void Recognises_grpc_content_types(string? contentType, bool expected) =>
        GrpcWire.IsGrpcContentType(contentType).Should().Be(expected);
}
