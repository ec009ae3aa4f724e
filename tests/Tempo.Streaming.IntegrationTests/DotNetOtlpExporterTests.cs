using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests;

/// <summary>
/// The .NET OpenTelemetry SDK's own OTLP exporter (a client nobody here wrote) pushes to the running binary over gRPC
/// and over HTTP/protobuf; every span it exported must then be in the ingest log with IDs, attributes, events, links,
/// resource and scope intact.
/// </summary>
public sealed class DotNetOtlpExporterTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("tempo-it-dotnet");
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Every_exported_span_is_in_the_log_intact(OtlpExportProtocol protocol)
    {
        var sourceName = $"it-{protocol}";
        var exported = new List<Activity>();
        using (var source = new ActivitySource(sourceName, "3.2.1"))
        using (var provider = Sdk.CreateTracerProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty()
                       .AddService("dotnet-shop", serviceVersion: "1.4.0", serviceInstanceId: "pod-7")
                       .AddAttributes([new("deployment.environment", "it"), new("host.name", "it-host")]))
                   .AddSource(sourceName)
                   .SetSampler(new AlwaysOnSampler())
                   .AddOtlpExporter(o =>
                   {
                       o.Protocol = protocol;
                       // The SDK gives up on an export after 10 s by default; a loaded CI machine can take longer to answer.
                       o.TimeoutMilliseconds = 60_000;
                       o.Endpoint = protocol == OtlpExportProtocol.Grpc ? _server.OtlpGrpc : _server.OtlpHttpTraces;
                       o.ExportProcessorType = ExportProcessorType.Batch;
                       o.BatchExportProcessorOptions = new() { MaxExportBatchSize = 200, ScheduledDelayMilliseconds = 100 };
                   })
                   .Build())
        {
            for (var t = 0; t < 40; t++)
            {
                using var root = source.StartActivity($"POST /checkout/{t}", ActivityKind.Server)!;
                root.SetTag("http.request.method", "POST");
                root.SetTag("http.response.status_code", 200 + t);
                root.SetTag("order.amount", 10.25 * t);
                root.SetTag("order.express", t % 3 == 0);
                exported.Add(root);
                for (var c = 0; c < 5; c++)
                {
                    var links = c == 0 ? new[] { new ActivityLink(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)) } : null;
                    using var child = source.StartActivity($"SELECT orders {c}", ActivityKind.Client, root.Context, links: links)!;
                    child.SetTag("db.system", "postgresql");
                    child.SetTag("db.statement", $"select * from orders where id = {t * 10 + c}");
                    if (c == 2)
                    {
                        child.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection { ["exception.type"] = "TimeoutException" }));
                        child.SetStatus(ActivityStatusCode.Error, "query timed out");
                    }
                    exported.Add(child);
                }
            }
            provider.ForceFlush(30_000).Should().BeTrue("the exporter must flush within 30 s");
        }

        var logged = (await IngestLogContents.ReadAllAsync(_server.IngestPath))
            .ToDictionary(s => (s.TraceIdHex, s.SpanIdHex));
        foreach (var activity in exported)
        {
            logged.Should().ContainKey((activity.TraceId.ToHexString(), activity.SpanId.ToHexString()), $"span {activity.DisplayName} was exported");
            var span = logged[(activity.TraceId.ToHexString(), activity.SpanId.ToHexString())];
            span.Tenant.Should().Be("single-tenant");
            span.Span.Name.Should().Be(activity.DisplayName);
            Convert.ToHexStringLower(span.Span.ParentSpanId.Span).Should().Be(activity.ParentSpanId == default ? "" : activity.ParentSpanId.ToHexString());
            span.Span.Kind.Should().Be(activity.Kind == ActivityKind.Server
                ? OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server
                : OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client);
            foreach (var tag in activity.TagObjects)
            {
                var expected = tag.Value switch
                {
                    bool b => b ? "true" : "false",
                    double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture),
                };
                span.Attribute(tag.Key).Should().Be(expected, $"attribute {tag.Key} of {activity.DisplayName}");
            }
            span.Span.Events.Select(e => e.Name).Should().Equal(activity.Events.Select(e => e.Name));
            span.Span.Links.Select(l => Convert.ToHexStringLower(l.SpanId.Span)).Should().Equal(activity.Links.Select(l => l.Context.SpanId.ToHexString()));
            (span.Span.Status?.Code ?? OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Unset).Should().Be(activity.Status == ActivityStatusCode.Error
                ? OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error
                : OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Unset);
            ((long)span.Span.StartTimeUnixNano).Should().Be((activity.StartTimeUtc - DateTime.UnixEpoch).Ticks * 100);
            span.ResourceAttribute("service.name").Should().Be("dotnet-shop");
            span.ResourceAttribute("service.version").Should().Be("1.4.0");
            span.ResourceAttribute("deployment.environment").Should().Be("it");
            span.Scope.Name.Should().Be(sourceName);
            span.Scope.Version.Should().Be("3.2.1");
        }
        logged.Should().HaveCount(exported.Count, "nothing but the exported spans was pushed to this server");
    }
}
