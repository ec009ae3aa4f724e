using System.Net;
using System.Net.Http.Headers;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

/// <summary>Each listener serves its own endpoints; the HTTP port speaks HTTP/1.1 and h2c on one socket.</summary>
public sealed class ListenerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task Http_port_serves_http11_and_h2c_prior_knowledge_on_the_same_listener()
    {
        using var http11 = new HttpRequestMessage(HttpMethod.Get, Server.HttpUri("/api/echo"))
        {
            Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var http2 = new HttpRequestMessage(HttpMethod.Get, Server.HttpUri("/api/echo"))
        {
            Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response11 = await Server.Client.SendAsync(http11);
        using var response2 = await Server.Client.SendAsync(http2);

        response11.Version.Should().Be(HttpVersion.Version11);
        (await response11.Content.ReadAsStringAsync()).Should().Be("echo");
        response2.Version.Should().Be(HttpVersion.Version20);
        (await response2.Content.ReadAsStringAsync()).Should().Be("echo");
    }

    [Theory]
    [InlineData("/tempopb.StreamingQuerier/Search", "unknown service tempopb.StreamingQuerier")]
    [InlineData("/no.Such/Method", "unknown service no.Such")]
    public async Task Unknown_grpc_method_on_the_http_port_is_unimplemented(string path, string message)
    {
        var (_, status, statusMessage) = await Grpc.CallAsync(Server.Client, Server.HttpUri(path), Grpc.Frame(new ExportTraceServiceRequest()));

        status.Should().Be("12");
        statusMessage.Should().Be(message);
    }

    [Fact]
    public async Task Unknown_grpc_method_on_the_otlp_grpc_port_is_unimplemented()
    {
        var (_, status, statusMessage) = await Grpc.CallAsync(Server.Client,
            Server.OtlpGrpcUri("/opentelemetry.proto.collector.trace.v1.TraceService/Nope"), Grpc.Frame(new ExportTraceServiceRequest()));

        status.Should().Be("12");
        statusMessage.Should().Be("unknown method Nope for service opentelemetry.proto.collector.trace.v1.TraceService");
    }

    [Fact]
    public async Task Otlp_export_is_not_served_on_the_http_port()
    {
        var (_, status, _) = await Grpc.CallAsync(Server.Client,
            Server.HttpUri("/opentelemetry.proto.collector.trace.v1.TraceService/Export"), Grpc.Frame(new ExportTraceServiceRequest()));

        status.Should().Be("12", "the Export method lives on the OTLP gRPC listener only");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    public async Task V1_traces_is_not_served_on_the_http_port(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Server.HttpUri("/v1/traces"));
        if (method == "POST")
        {
            request.Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } };
        }

        using var response = await Server.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public async Task Unknown_paths_on_the_http_port_are_404_whatever_the_method(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Server.HttpUri("/no/such/page"));

        using var response = await Server.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound, "the gRPC catch-all must not turn unknown pages into 405");
    }

    [Theory]
    [InlineData("/ready")]
    [InlineData("/metrics")]
    [InlineData("/api/echo")]
    public async Task Tempo_api_is_not_served_on_the_otlp_http_port(string path)
    {
        using var response = await Server.Client.GetAsync(Server.OtlpHttpUri(path));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Otlp_http_port_accepts_traces()
    {
        using var content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } };

        using var response = await Server.Client.PostAsync(Server.OtlpHttpUri("/v1/traces"), content);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
