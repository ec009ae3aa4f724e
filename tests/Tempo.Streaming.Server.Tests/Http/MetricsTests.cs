using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

public sealed class MetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task Metrics_parse_with_promtool()
    {
        var text = await ScrapeAfterTrafficAsync();

        var (exitCode, output) = await PromtoolCheckAsync(text);

        // promtool check metrics: 0 = clean, 3 = only lint hints (e.g. "no help text", "_count suffix" on .NET's
        // dotnet_timer_count), 1 = the exposition could not be parsed. Only a parse failure is a defect of the writer.
        exitCode.Should().BeOneOf([0, 3], $"promtool must parse /metrics; it said:\n{output}");
        output.Should().NotContainAny("error while linting", "text format parsing error");
    }

    [Fact]
    public async Task Metrics_hold_process_runtime_http_and_distributor_families()
    {
        var text = await ScrapeAfterTrafficAsync();

        text.Should().Contain("# TYPE process_resident_memory_bytes gauge\n");
        text.Should().Contain("# TYPE process_cpu_seconds_total counter\n");
        text.Should().Contain("# TYPE process_start_time_seconds gauge\n");
        text.Should().Contain("# TYPE tempo_build_info gauge\n");
        text.Should().Contain("# TYPE dotnet_gc_collections_total counter\n");
        text.Should().Contain("# TYPE http_server_request_duration_seconds histogram\n");
        text.Should().MatchRegex(@"http_server_request_duration_seconds_bucket\{[^}]*le=""\+Inf""[^}]*\} \d+");
        text.Should().Contain("# TYPE tempo_distributor_spans_received_total counter\n");
        text.Should().MatchRegex(@"tempo_distributor_spans_received_total\{tenant=""single-tenant""\} [1-9]\d*\n");

        var typeLines = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
        typeLines.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Project_meters_are_exported_under_their_own_names_with_escaped_labels()
    {
        using var meter = new Meter("Tempo.Streaming.ServerTests");
        var counter = meter.CreateCounter<long>("tempo_server_test_things_total", description: "Things counted by a test.");
        var histogram = meter.CreateHistogram<double>("tempo_server_test_duration_seconds",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        counter.Add(2, new KeyValuePair<string, object?>("reason", "quote\" back\\slash\nnewline"));
        counter.Add(3, new KeyValuePair<string, object?>("reason", "quote\" back\\slash\nnewline"));
        histogram.Record(0.05);
        histogram.Record(0.1);
        histogram.Record(5);

        var text = await ScrapeAsync();

        text.Should().Contain("# HELP tempo_server_test_things_total Things counted by a test.\n# TYPE tempo_server_test_things_total counter\n" +
                              "tempo_server_test_things_total{reason=\"quote\\\" back\\\\slash\\nnewline\"} 5\n");
        text.Should().Contain("tempo_server_test_duration_seconds_bucket{le=\"0.1\"} 2\n" +
                              "tempo_server_test_duration_seconds_bucket{le=\"1\"} 2\n" +
                              "tempo_server_test_duration_seconds_bucket{le=\"+Inf\"} 3\n" +
                              "tempo_server_test_duration_seconds_sum 5.15\n" +
                              "tempo_server_test_duration_seconds_count 3\n");
    }

    [Fact]
    public async Task A_gauge_whose_callback_throws_does_not_take_metrics_down()
    {
        using var meter = new Meter("Tempo.Streaming.ServerTests.Failing");
        meter.CreateObservableGauge<long>("tempo_server_test_failing_gauge", new Func<long>(() => throw new ObjectDisposedException("store")));
        meter.CreateObservableGauge<long>("tempo_server_test_working_gauge", () => 7);

        var text = await ScrapeAsync();

        text.Should().Contain("tempo_server_test_working_gauge 7\n");
    }

    private async Task<string> ScrapeAfterTrafficAsync()
    {
        using var content = new ByteArrayContent(Spans.Request(2, 3, seed: 11).ToByteArray())
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") },
        };
        using var push = await Server.Client.PostAsync(Server.OtlpHttpUri("/v1/traces"), content);
        push.StatusCode.Should().Be(HttpStatusCode.OK);
        (await Server.Client.GetStringAsync(Server.HttpUri("/api/echo"))).Should().Be("echo");
        return await ScrapeAsync();
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await Server.Client.GetAsync(Server.HttpUri("/metrics"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<(int ExitCode, string Output)> PromtoolCheckAsync(string metrics)
    {
        var promtool = FindOnPath("promtool")
            ?? throw new Xunit.Sdk.XunitException("promtool not found: apt-get install prometheus");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(dir => Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);
}
