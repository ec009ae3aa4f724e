using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.Server.Hosting;
using Tempo.Streaming.Server.Lifecycle;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

public sealed class LifecycleTests
{
    /// <summary>Holds the ingest log in "Starting" (as a long torn-tail recovery would) until released.</summary>
    private sealed class GatedLogOpener : IIngestLogOpener
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<IIngestLog> OpenAsync(EmbeddedLogOptions options, CancellationToken cancellationToken)
        {
            await Release.Task.WaitAsync(cancellationToken);
            return EmbeddedIngestLog.Open(options);
        }
    }

    private sealed class FailingLogOpener : IIngestLogOpener
    {
        public ValueTask<IIngestLog> OpenAsync(EmbeddedLogOptions options, CancellationToken cancellationToken) =>
            ValueTask.FromException<IIngestLog>(new InvalidOperationException("disk on fire"));
    }

    [Fact]
    public async Task Ready_is_503_naming_what_is_still_starting_then_200()
    {
        var opener = new GatedLogOpener();
        await using var server = await RunningServer.StartAsync(services: s => s.AddSingleton<IIngestLogOpener>(opener));

        var (status, body) = await GetReadyAsync(server);
        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.Should().Be("Some services are not Running:\nNew: 4 (partition-ring, distributor, receivers, live-store)\nStarting: 1 (ingest-log)\nRunning: 2 (server, compactor)\n");

        using var push = new ByteArrayContent(Spans.Request(1, 1, seed: 1).ToByteArray())
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") },
        };
        using var early = await server.Client.PostAsync(server.OtlpHttpUri("/v1/traces"), push);
        early.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "nothing is acknowledged before the log is open");

        opener.Release.SetResult();
        await server.WaitUntilReadyAsync();
        (await GetReadyAsync(server)).Should().Be((HttpStatusCode.OK, "ready\n"));
    }

    [Fact]
    public async Task A_log_that_cannot_open_fails_the_service_and_stops_the_server()
    {
        var dataRoot = Directory.CreateTempSubdirectory("tempo-server-test-").FullName;
        await using var app = TempoServer.Build(RunningServer.TestConfig(dataRoot),
            s => s.AddSingleton<IIngestLogOpener>(new FailingLogOpener()));
        try
        {
            await app.StartAsync();
        }
        catch (OperationCanceledException)
        {
            // the failure can arrive before Kestrel has bound: the host then cancels its own startup
        }

        var registry = app.Services.GetRequiredService<ServiceRegistry>();
        await PollAsync(() => app.Lifetime.ApplicationStopping.IsCancellationRequested, "a failed module stops the process, as in Tempo");
        registry.Get(ServiceRegistry.IngestLog).State.Should().Be(ServiceState.Failed);
        registry.Get(ServiceRegistry.IngestLog).FailureCase.Should().Be("disk on fire");
        await app.StopAsync();
        Directory.Delete(dataRoot, recursive: true);
    }

    [Fact]
    public async Task Shutdown_drains_closes_the_log_and_terminates_every_service()
    {
        var server = await RunningServer.StartAsync();
        try
        {
            await server.WaitUntilReadyAsync();
            var request = Spans.Request(traces: 3, spansPerTrace: 2, seed: 7);
            using var content = new ByteArrayContent(request.ToByteArray())
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") },
            };
            using var response = await server.Client.PostAsync(server.OtlpHttpUri("/v1/traces"), content);
            response.StatusCode.Should().Be(HttpStatusCode.OK);

            var registry = server.App.Services.GetRequiredService<ServiceRegistry>();
            var pages = server.App.Services.GetRequiredService<global::Tempo.Streaming.Server.Api.StatusPages>();
            await server.StopAsync();

            registry.Services.Should().OnlyContain(s => s.State == ServiceState.Terminated);
            pages.Ready().Should().Be((503, "Application is stopping\n"));

            // The log was closed: a new writer can take the folder's lock, and finds every acknowledged span.
            await using var log = EmbeddedIngestLog.Open(server.Config.ToTestLogOptions());
            (await LogContents.SpanIdsAsync(log)).Should().BeEquivalentTo(Spans.SpanIds(request));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<(HttpStatusCode, string)> GetReadyAsync(RunningServer server)
    {
        using var response = await server.Client.GetAsync(server.HttpUri("/ready"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task PollAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, because);
            await Task.Delay(20);
        }
    }
}
