using System.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tempo.Streaming.Receivers.Tests.Support;

namespace Tempo.Streaming.Receivers.Tests;

/// <summary>The real .NET OpenTelemetry OTLP exporter (a client nobody here wrote) against the in-memory receivers.</summary>
public sealed class OpenTelemetryExporterTests
{
    [Theory]
    [InlineData(OtlpExportProtocol.Grpc, "http://localhost")]
    [InlineData(OtlpExportProtocol.HttpProtobuf, "http://localhost/v1/traces")]
    public async Task Exported_spans_arrive_intact(OtlpExportProtocol protocol, string endpoint)
    {
        await using var host = await ReceiverHost.StartAsync();
        using var exporterClient = new HttpClient(new SyncSendBridge(host.App.GetTestServer().CreateHandler()))
        {
            BaseAddress = host.Client.BaseAddress,
        };
        var sourceName = $"receiver-test-{protocol}-{Guid.NewGuid():N}";
        using var source = new ActivitySource(sourceName);
        using (var provider = Sdk.CreateTracerProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout"))
                   .AddSource(sourceName)
                   .SetSampler(new AlwaysOnSampler())
                   .AddOtlpExporter(o =>
                   {
                       o.Endpoint = new Uri(endpoint);
                       o.Protocol = protocol;
                       o.ExportProcessorType = ExportProcessorType.Simple;
                       o.HttpClientFactory = () => exporterClient;
                   })
                   .Build())
        {
            using (var parent = source.StartActivity("GET /cart", ActivityKind.Server)!)
            {
                parent.SetTag("http.status_code", 200);
                using var child = source.StartActivity("SELECT cart", ActivityKind.Client)!;
                child.SetTag("db.system", "postgresql");
                child.AddEvent(new ActivityEvent("rows read"));
            }

            provider.ForceFlush(10_000).Should().BeTrue();
        }

        var spans = host.Pusher.Pushes
            .SelectMany(p => p.Request.ResourceSpans)
            .SelectMany(rs => rs.ScopeSpans.SelectMany(ss => ss.Spans.Select(s => (Resource: rs.Resource, Span: s))))
            .ToList();
        spans.Should().HaveCount(2);
        host.Pusher.Pushes.Should().OnlyContain(p => p.Tenant == "single-tenant");
        var server = spans.Single(s => s.Span.Name == "GET /cart");
        var client = spans.Single(s => s.Span.Name == "SELECT cart");
        server.Resource.Attributes.Should().Contain(a => a.Key == "service.name" && a.Value.StringValue == "checkout");
        server.Span.TraceId.Length.Should().Be(16);
        server.Span.SpanId.Length.Should().Be(8);
        client.Span.TraceId.Should().Equal(server.Span.TraceId);
        client.Span.ParentSpanId.Should().Equal(server.Span.SpanId);
        server.Span.Kind.Should().Be(OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server);
        server.Span.Attributes.Should().Contain(a => a.Key == "http.status_code" && a.Value.IntValue == 200);
        client.Span.Attributes.Should().Contain(a => a.Key == "db.system" && a.Value.StringValue == "postgresql");
        client.Span.Events.Should().ContainSingle(e => e.Name == "rows read");
    }
}
