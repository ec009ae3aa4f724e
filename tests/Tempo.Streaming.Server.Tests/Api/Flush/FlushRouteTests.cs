using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.FlushApi;

/// <summary><c>/flush</c> and <c>/shutdown</c> in the real single binary: OTLP push → live store → blocks in the local backend.</summary>
public sealed class FlushRouteTests
{
    [Fact]
    public async Task Flush_writes_the_pushed_spans_into_a_block_of_the_tenant()
    {
        await using var server = await RunningServer.StartAsync();
        await server.WaitUntilReadyAsync();
        var request = Spans.Request(traces: 3, spansPerTrace: 4, seed: 7);
        await PushAsync(server, request);
        var traceId = Convert.ToHexStringLower(request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span);
        await UntilAsync(async () =>
        {
            using var found = await server.Client.GetAsync(server.HttpUri("/api/traces/" + traceId));
            return found.StatusCode == HttpStatusCode.OK;
        });

        using var flush = await server.Client.PostAsync(server.HttpUri("/flush"), null);

        flush.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var blocks = Path.Combine(server.Config.Storage.Trace.Local.Path, "single-tenant");
        Directory.GetFiles(blocks, "meta.json", SearchOption.AllDirectories).Should().NotBeEmpty();
        // the flushed block answers at once (no wait for the block list poll), with every span of the trace
        using var fromBlocks = await server.Client.GetAsync(server.HttpUri("/api/v2/traces/" + traceId + "?mode=blocks"));
        fromBlocks.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await fromBlocks.Content.ReadAsStringAsync();
        foreach (var span in request.ResourceSpans[0].ScopeSpans[0].Spans.Where(s => s.TraceId == request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId))
        {
            body.Should().Contain(Convert.ToBase64String(span.SpanId.ToByteArray()));
        }
        using var again = await server.Client.GetAsync(server.HttpUri("/flush"));
        again.StatusCode.Should().Be(HttpStatusCode.NoContent, "GET works too; with nothing new there is nothing to cut");

        using var lineage = await server.Client.GetAsync(server.HttpUri("/status/lineage"));
        lineage.StatusCode.Should().Be(HttpStatusCode.OK);
        using var report = System.Text.Json.JsonDocument.Parse(await lineage.Content.ReadAsStringAsync());
        report.RootElement.GetProperty("healthy").GetBoolean().Should().BeTrue("every flushed offset is in exactly one block");
        using var badPartition = await server.Client.GetAsync(server.HttpUri("/status/lineage?partition=x"));
        badPartition.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Bad_requests_change_nothing()
    {
        await using var server = await RunningServer.StartAsync();
        await server.WaitUntilReadyAsync();

        using var badTenant = await server.Client.PostAsync(server.HttpUri("/flush?tenant=a%2Fb"), null);
        badTenant.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badTenant.Content.ReadAsStringAsync()).Should().StartWith("invalid tenant:");

        using var put = await server.Client.PutAsync(server.HttpUri("/flush"), null);
        put.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        Directory.Exists(Path.Combine(server.Config.Storage.Trace.Local.Path, "single-tenant")).Should().BeFalse();
    }

    [Fact]
    public async Task A_live_store_that_does_not_own_the_flush_refuses_it()
    {
        await using var server = await RunningServer.StartAsync(config => config with { LiveStore = config.LiveStore with { FlushBlocks = false } });
        await server.WaitUntilReadyAsync();

        using var flush = await server.Client.PostAsync(server.HttpUri("/flush"), null);

        flush.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await flush.Content.ReadAsStringAsync()).Should().Contain("does not write blocks");
    }

    [Fact]
    public async Task Shutdown_flushes_and_stops_the_process()
    {
        await using var server = await RunningServer.StartAsync();
        await server.WaitUntilReadyAsync();
        var request = Spans.Request(traces: 1, spansPerTrace: 2, seed: 8);
        await PushAsync(server, request);
        var traceId = Convert.ToHexStringLower(request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span);
        await UntilAsync(async () =>
        {
            using var found = await server.Client.GetAsync(server.HttpUri("/api/traces/" + traceId));
            return found.StatusCode == HttpStatusCode.OK;
        });
        var stopping = server.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        using var shutdown = await server.Client.PostAsync(server.HttpUri("/shutdown"), null);

        shutdown.StatusCode.Should().Be(HttpStatusCode.NoContent);
        stopping.IsCancellationRequested.Should().BeTrue();
        Directory.GetFiles(Path.Combine(server.Config.Storage.Trace.Local.Path, "single-tenant"), "meta.json", SearchOption.AllDirectories)
            .Should().NotBeEmpty();
    }

    private static async Task PushAsync(RunningServer server, OpenTelemetry.Proto.Collector.Trace.V1.ExportTraceServiceRequest request)
    {
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await server.Client.PostAsync(server.OtlpHttpUri("/v1/traces"), content);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 20 s");
            await Task.Delay(20);
        }
    }
}
