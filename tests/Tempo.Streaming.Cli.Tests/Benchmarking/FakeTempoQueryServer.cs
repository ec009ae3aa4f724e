using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Cli.Tests.Benchmarking;

/// <summary>
/// A stand-in for the server's query side, written for these tests: <c>GET /api/traces/{id}</c> answers from the spans a
/// <see cref="FakeOtlpServer"/> received (protobuf <c>tempopb.Trace</c>, 404 when none), and <c>GET /metrics</c> exposes
/// the received span count as <c>tempo_live_store_spans_stored_total</c>, split over two partitions as a real exposition
/// could be, and absent until the first span, as the server's exporter writes a counter only once it was incremented. <see cref="HideFirstPolls"/> makes each trace "not consumed yet" for its first polls.
/// </summary>
public sealed class FakeTempoQueryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeOtlpServer _ingest;
    private readonly ConcurrentDictionary<string, int> _polls = new(StringComparer.Ordinal);

    private FakeTempoQueryServer(FakeOtlpServer ingest)
    {
        _ingest = ingest;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        _app = builder.Build();
        _app.MapGet("/api/traces/{traceId}", HandleTraceAsync);
        _app.MapGet("/metrics", HandleMetricsAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Polls of a trace answered 404 before it is served.</summary>
    public int HideFirstPolls { get; set; }

    /// <summary>Spans left out of every served trace (to simulate a trace that never becomes complete).</summary>
    public int DropSpans { get; set; }

    /// <summary>False: /metrics has no live-store families at all (a server running without a live store).</summary>
    public bool ExposeLiveStore { get; set; } = true;

    public ConcurrentBag<string> Accepts { get; } = [];

    public ConcurrentBag<string> Tenants { get; } = [];

    public int PollsOf(string traceIdHex) => _polls.GetValueOrDefault(traceIdHex);

    public static async Task<FakeTempoQueryServer> StartAsync(FakeOtlpServer ingest)
    {
        var server = new FakeTempoQueryServer(ingest);
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    private async Task HandleTraceAsync(HttpContext context, string traceId)
    {
        Accepts.Add(context.Request.Headers.Accept.ToString());
        Tenants.Add(context.Request.Headers["X-Scope-OrgID"].ToString());
        var polls = _polls.AddOrUpdate(traceId, 1, static (_, n) => n + 1);
        var trace = polls > HideFirstPolls ? Find(Convert.FromHexString(traceId)) : null;
        if (trace is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = "application/protobuf";
        await context.Response.Body.WriteAsync(trace.ToByteArray());
    }

    private Task HandleMetricsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4";
        if (!ExposeLiveStore)
        {
            return context.Response.WriteAsync("# TYPE tempo_distributor_spans_received_total counter\ntempo_distributor_spans_received_total 0\n");
        }

        // As the server's exporter: the lag gauge exists once the live store opened, the counter only after its first increment.
        var spans = _ingest.ReceivedSpans;
        var text = "# TYPE tempo_ingest_group_partition_lag gauge\ntempo_ingest_group_partition_lag{group=\"live-store\",partition=\"0\"} 0\n";
        if (spans > 0)
        {
            text += "# HELP tempo_live_store_spans_stored_total Spans written to the live store.\n" +
                "# TYPE tempo_live_store_spans_stored_total counter\n" +
                $"tempo_live_store_spans_stored_total{{partition=\"0\"}} {spans / 2}\n" +
                $"tempo_live_store_spans_stored_total{{partition=\"1\"}} {spans - (spans / 2)}\n";
        }

        return context.Response.WriteAsync(text);
    }

    private Trace? Find(byte[] traceId)
    {
        var id = ByteString.CopyFrom(traceId);
        var trace = new Trace();
        var dropped = 0;
        foreach (ExportTraceServiceRequest request in _ingest.Received)
        {
            foreach (var resourceSpans in request.ResourceSpans)
            {
                ResourceSpans? kept = null;
                foreach (var scopeSpans in resourceSpans.ScopeSpans)
                {
                    ScopeSpans? keptScope = null;
                    foreach (var span in scopeSpans.Spans)
                    {
                        if (span.TraceId != id)
                        {
                            continue;
                        }

                        if (dropped < DropSpans)
                        {
                            dropped++;
                            continue;
                        }

                        if (keptScope is null)
                        {
                            keptScope = new ScopeSpans { Scope = scopeSpans.Scope };
                            kept ??= new ResourceSpans { Resource = resourceSpans.Resource };
                            kept.ScopeSpans.Add(keptScope);
                        }

                        keptScope.Spans.Add(span);
                    }
                }

                if (kept is not null)
                {
                    trace.ResourceSpans.Add(kept);
                }
            }
        }

        return trace.ResourceSpans.Count == 0 ? null : trace;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
