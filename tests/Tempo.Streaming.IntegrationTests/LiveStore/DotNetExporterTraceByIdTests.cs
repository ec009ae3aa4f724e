using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace Tempo.Streaming.IntegrationTests.LiveStore;

/// <summary>
/// The .NET OpenTelemetry SDK's OTLP exporter pushes one trace in two separate flushes, through two exporters at once
/// (so every span arrives twice, in different requests and records, as after a client retry); fetched by ID, the trace
/// is ONE trace holding every span exactly once, equal to what the SDK recorded.
/// </summary>
public sealed class DotNetExporterTraceByIdTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("tempo-it-dotnet-byid");
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
    public async Task A_trace_exported_in_two_flushes_and_twice_over_is_one_trace_with_each_span_once(OtlpExportProtocol protocol)
    {
        var sourceName = $"it-byid-{protocol}";
        var recorded = new List<Activity>();
        Activity root;
        using (var source = new ActivitySource(sourceName, "2.0.1"))
        using (var provider = Sdk.CreateTracerProviderBuilder()
                   .SetResourceBuilder(ResourceBuilder.CreateEmpty()
                       .AddService("dotnet-orders", serviceVersion: "7.1.0", serviceInstanceId: "pod-3")
                       .AddAttributes([new("deployment.environment", "it")]))
                   .AddSource(sourceName)
                   .SetSampler(new AlwaysOnSampler())
                   .AddOtlpExporter("first", o => Configure(o, protocol))
                   .AddOtlpExporter("second", o => Configure(o, protocol))
                   .Build())
        {
            root = source.StartActivity("POST /orders", ActivityKind.Server)!;
            root.SetTag("http.request.method", "POST");
            root.SetTag("http.response.status_code", 201);
            for (var c = 0; c < 3; c++)
            {
                using var child = source.StartActivity($"INSERT orders {c}", ActivityKind.Client, root.Context)!;
                child.SetTag("db.system", "postgresql");
                child.SetTag("db.response.returned_rows", (long)c);
                recorded.Add(child);
            }
            provider.ForceFlush(30_000).Should().BeTrue("the first flush (the children so far) must complete");

            using (var late = source.StartActivity("publish order.created", ActivityKind.Producer, root.Context,
                       links: [new ActivityLink(recorded[0].Context)])!)
            {
                late.SetTag("messaging.system", "kafka");
                late.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["attempt"] = 2L }));
                late.SetStatus(ActivityStatusCode.Error, "broker unavailable");
                recorded.Add(late);
            }
            root.Stop();
            recorded.Add(root);
            provider.ForceFlush(30_000).Should().BeTrue("the second flush (the rest and the root) must complete");
        }

        var traceId = root.TraceId.ToHexString();
        using var client = new TempoQueryClient(_server.HttpBase);
        var logged = await IngestLogContents.ReadAllAsync(_server.IngestPath);
        var ofTrace = logged.Where(s => s.TraceIdHex == traceId).ToList();
        ofTrace.Should().HaveCount(2 * recorded.Count, "each exporter sent every span, so the log holds two copies");
        ofTrace.Select(s => (s.Partition, s.Offset)).Distinct().Count().Should().BeGreaterThanOrEqualTo(4,
            "two exporters times two flushes are four requests, so the trace arrives in at least four records to merge");

        // the live store consumes asynchronously: wait until it holds every span, then check each route and format
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (FlatSpans.Flatten(await client.WaitForTraceAsync(traceId, TimeSpan.FromSeconds(30))).Count < recorded.Count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"trace {traceId} did not reach {recorded.Count} spans within 30 s");
            await Task.Delay(20);
        }

        var json = await client.GetTraceJsonAsync(traceId);
        var proto = await client.GetTraceProtobufAsync(traceId);
        foreach (var (format, trace) in new[] { ("JSON", json), ("protobuf", proto) })
        {
            trace.Should().NotBeNull();
            var spans = FlatSpans.Flatten(trace!);
            spans.Select(s => s.Key).Should().OnlyHaveUniqueItems($"{format}: a span exported twice appears once");
            spans.Should().HaveCount(recorded.Count, $"{format}: both flushes are merged into one trace");
            foreach (var activity in recorded) ShouldMatch(spans, activity, sourceName, format);
        }
    }

    private void Configure(OtlpExporterOptions options, OtlpExportProtocol protocol)
    {
        options.Protocol = protocol;
        // The SDK gives up on an export after 10 s by default; a loaded CI machine can take longer to answer.
        options.TimeoutMilliseconds = 60_000;
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? _server.OtlpGrpc : _server.OtlpHttpTraces;
        options.ExportProcessorType = ExportProcessorType.Batch;
        options.BatchExportProcessorOptions = new() { MaxExportBatchSize = 100, ScheduledDelayMilliseconds = 60_000 };
    }

    private static void ShouldMatch(List<FlatSpan> spans, Activity activity, string sourceName, string format)
    {
        var spanId = activity.SpanId.ToHexString();
        var found = spans.Where(s => s.Key.SpanId == spanId).ToList();
        found.Should().ContainSingle($"{format}: span {activity.DisplayName} ({spanId})");
        var flat = found[0];
        var span = flat.Span;
        flat.TraceIdHex.Should().Be(activity.TraceId.ToHexString());
        Convert.ToHexStringLower(span.ParentSpanId.Span).Should().Be(activity.ParentSpanId == default ? "" : activity.ParentSpanId.ToHexString());
        span.Name.Should().Be(activity.DisplayName);
        span.Kind.Should().Be(activity.Kind switch
        {
            ActivityKind.Server => Span.Types.SpanKind.Server,
            ActivityKind.Client => Span.Types.SpanKind.Client,
            ActivityKind.Producer => Span.Types.SpanKind.Producer,
            _ => throw new InvalidOperationException($"unexpected kind {activity.Kind}"),
        });
        ((long)span.StartTimeUnixNano).Should().Be((activity.StartTimeUtc - DateTime.UnixEpoch).Ticks * 100);
        ((long)span.EndTimeUnixNano).Should().Be((activity.StartTimeUtc + activity.Duration - DateTime.UnixEpoch).Ticks * 100);
        foreach (var tag in activity.TagObjects)
        {
            var expected = tag.Value switch
            {
                bool b => b ? "true" : "false",
                _ => Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture),
            };
            var attribute = span.Attributes.SingleOrDefault(a => a.Key == tag.Key);
            attribute.Should().NotBeNull($"{format}: attribute {tag.Key} of {activity.DisplayName}");
            LoggedSpan.AnyValueText(attribute!.Value).Should().Be(expected);
        }
        span.Events.Select(e => e.Name).Should().Equal(activity.Events.Select(e => e.Name));
        span.Links.Select(l => Convert.ToHexStringLower(l.SpanId.Span)).Should().Equal(activity.Links.Select(l => l.Context.SpanId.ToHexString()));
        span.Status.Code.Should().Be(activity.Status == ActivityStatusCode.Error
            ? OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Error
            : OpenTelemetry.Proto.Trace.V1.Status.Types.StatusCode.Unset);
        if (activity.Status == ActivityStatusCode.Error) span.Status.Message.Should().Be(activity.StatusDescription);
        flat.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue.Should().Be("dotnet-orders");
        flat.Resource.Attributes.Single(a => a.Key == "service.version").Value.StringValue.Should().Be("7.1.0");
        flat.Scope.Name.Should().Be(sourceName);
        flat.Scope.Version.Should().Be("2.0.1");
    }
}
