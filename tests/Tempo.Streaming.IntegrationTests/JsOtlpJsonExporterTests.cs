using System.Diagnostics;
using System.Text.Json;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests;

/// <summary>
/// The OpenTelemetry JS SDK with @opentelemetry/exporter-trace-otlp-http (OTLP/JSON, hex IDs, ints as numbers) pushes to
/// the running binary; every span it reports as sent must be in the ingest log.
/// </summary>
public sealed class JsOtlpJsonExporterTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("tempo-it-js");
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Spans_sent_as_otlp_json_by_the_js_sdk_are_in_the_log()
    {
        var script = Path.Combine(RepoPaths.JsClients, "push-otlp-json.js");
        var modules = Path.Combine(RepoPaths.JsClients, "node_modules", "@opentelemetry", "exporter-trace-otlp-http");
        Directory.Exists(modules).Should().BeTrue($"npm test clients are missing: run scripts/install-test-deps.sh (looked for {modules})");

        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.JsClients };
        foreach (var arg in new[] { script, _server.OtlpHttpTraces.ToString(), "30", "6" }) psi.ArgumentList.Add(arg);
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        node.ExitCode.Should().Be(0, $"the JS exporter must succeed; stderr: {await stderr}; stdout: {await stdout}");

        using var sent = JsonDocument.Parse(await stdout);
        var sentSpans = sent.RootElement.GetProperty("spans").EnumerateArray().ToList();
        sentSpans.Should().HaveCount(30 * 6);

        var logged = (await IngestLogContents.ReadAllAsync(_server.IngestPath)).ToDictionary(s => (s.TraceIdHex, s.SpanIdHex));
        foreach (var s in sentSpans)
        {
            var key = (s.GetProperty("traceId").GetString()!, s.GetProperty("spanId").GetString()!);
            logged.Should().ContainKey(key);
            var span = logged[key];
            span.Span.Name.Should().Be(s.GetProperty("name").GetString());
            Convert.ToHexStringLower(span.Span.ParentSpanId.Span).Should().Be(s.GetProperty("parentSpanId").GetString());
            // the JS API numbers kinds from INTERNAL = 0; OTLP from UNSPECIFIED = 0
            ((int)span.Span.Kind).Should().Be(s.GetProperty("kind").GetInt32() + 1);
            foreach (var attribute in s.GetProperty("attributes").EnumerateObject())
                span.Attribute(attribute.Name).Should().Be(attribute.Value.GetString(), $"attribute {attribute.Name}");
            span.Span.Events.Should().HaveCount(s.GetProperty("events").GetInt32());
            ((int)(span.Span.Status?.Code ?? 0)).Should().Be(s.GetProperty("statusCode").GetInt32());
            span.ResourceAttribute("service.name").Should().Be("js-shop");
            span.Scope.Name.Should().Be("js-integration");
            span.Scope.Version.Should().Be("1.2.3");
        }
        logged.Should().HaveCount(sentSpans.Count);
    }
}
