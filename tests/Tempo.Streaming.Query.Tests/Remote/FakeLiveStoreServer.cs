using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Query.Remote;

namespace Tempo.Streaming.Query.Tests.Remote;

/// <summary>
/// A live store's side of <see cref="LiveStoreTraceProtocol"/> on real Kestrel (loopback, port 0), over an in-memory set
/// of fragments per (tenant, trace ID hex). It records each request and can be told to fail or to answer late.
/// </summary>
internal sealed class FakeLiveStoreServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(string Tenant, string TraceId), byte[]> _traces = new();

    private FakeLiveStoreServer(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Urls.First()).Authority;
    }

    /// <summary><c>host:port</c>, as an owner entry publishes it.</summary>
    public string Address { get; }

    public ConcurrentQueue<(string? Tenant, string Path, string Query)> Requests { get; } = new();

    /// <summary>Non-zero: every request is answered with this status and a text body.</summary>
    public int FailWith { get; set; }

    /// <summary>How long every request waits before answering (honours the request's cancellation).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<FakeLiveStoreServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeLiveStoreServer? server = null;
        app.MapGet(LiveStoreTraceProtocol.PathPrefix + "{traceId}", (HttpContext context) => server!.AnswerAsync(context));
        await app.StartAsync();
        server = new FakeLiveStoreServer(app);
        return server;
    }

    public FakeLiveStoreServer Holds(string tenant, byte[] traceId, byte[] trace)
    {
        _traces[(tenant, Convert.ToHexStringLower(traceId))] = trace;
        return this;
    }

    /// <summary>An address nothing listens on (a port just released): connections are refused.</summary>
    public static string UnreachableAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var tenant = context.Request.Headers[LiveStoreTraceProtocol.TenantHeader].FirstOrDefault();
        Requests.Enqueue((tenant, context.Request.Path.Value!, context.Request.QueryString.Value ?? ""));
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }

        if (FailWith != 0)
        {
            context.Response.StatusCode = FailWith;
            await context.Response.WriteAsync("store is broken", context.RequestAborted);
            return;
        }

        var traceId = (string)context.Request.RouteValues["traceId"]!;
        if (!_traces.TryGetValue((tenant ?? "", traceId), out var trace))
        {
            context.Response.Headers[LiveStoreTraceProtocol.InspectedBytesHeader] = "7";
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.Headers[LiveStoreTraceProtocol.InspectedBytesHeader] = (trace.Length * 10).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/protobuf";
        await context.Response.Body.WriteAsync(trace, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
