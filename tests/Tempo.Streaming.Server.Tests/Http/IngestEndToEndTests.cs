using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Core;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

/// <summary>Pushes through the real composition (receivers → distributor → embedded log) and reads the log back.</summary>
public sealed class IngestEndToEndTests
{
    [Fact]
    public async Task Acknowledged_spans_over_otlp_http_and_grpc_are_durable_in_the_log()
    {
        await using var server = await RunningServer.StartAsync();
        await server.WaitUntilReadyAsync();
        var overHttp = Spans.Request(traces: 4, spansPerTrace: 3, seed: 21);
        var overGrpc = Spans.Request(traces: 2, spansPerTrace: 5, seed: 22);

        using var content = new ByteArrayContent(overHttp.ToByteArray())
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") },
        };
        using var httpResponse = await server.Client.PostAsync(server.OtlpHttpUri("/v1/traces"), content);
        httpResponse.StatusCode.Should().Be(HttpStatusCode.OK);

        var (message, status, statusMessage) = await Grpc.CallAsync(server.Client,
            server.OtlpGrpcUri("/opentelemetry.proto.collector.trace.v1.TraceService/Export"), Grpc.Frame(overGrpc));
        status.Should().Be("0", statusMessage);
        (ExportTraceServiceResponse.Parser.ParseFrom(message).PartialSuccess?.RejectedSpans ?? 0).Should().Be(0);

        // Acknowledged means durable: a read-only view sees every span while the server still runs.
        await using (var view = EmbeddedIngestLog.OpenReadOnly(server.IngestPath))
        {
            var records = await LogContents.RecordsAsync(view);
            records.Select(r => System.Text.Encoding.UTF8.GetString(r.Key.ToArray())).Should().OnlyContain(key => key == Tenants.SingleTenant);
            (await LogContents.SpanIdsAsync(view)).Should().BeEquivalentTo(Spans.SpanIds(overHttp).Concat(Spans.SpanIds(overGrpc)));
        }
    }

    [Fact]
    public async Task Otlp_http_port_also_speaks_h2c()
    {
        await using var server = await RunningServer.StartAsync();
        await server.WaitUntilReadyAsync();
        var request = Spans.Request(traces: 1, spansPerTrace: 1, seed: 23);
        using var message = new HttpRequestMessage(HttpMethod.Post, server.OtlpHttpUri("/v1/traces"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(request.ToByteArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } },
        };

        using var response = await server.Client.SendAsync(message);

        response.Version.Should().Be(HttpVersion.Version20);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
