using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Grpc;
using Tempo.Streaming.Receivers.Otlp;

namespace Tempo.Streaming.Receivers.Tests.Support;

/// <summary>A minimal WebApplication on TestServer with the OTLP mappings and a recording pusher.</summary>
public sealed class ReceiverHost : IAsyncDisposable
{
    private ReceiverHost(WebApplication app, RecordingTracePusher pusher)
    {
        App = app;
        Pusher = pusher;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public RecordingTracePusher Pusher { get; }

    public HttpClient Client { get; }

    public static async Task<ReceiverHost> StartAsync(OtlpReceiverOptions? options = null, Action<WebApplication>? mapMore = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var pusher = new RecordingTracePusher();
        builder.Services.AddSingleton<ITracePusher>(pusher);
        var app = builder.Build();
        options ??= OtlpReceiverOptions.Default;
        app.MapOtlpHttp(options);
        app.MapOtlpGrpc(options);
        mapMore?.Invoke(app);
        app.MapGrpcUnimplementedFallback();
        await app.StartAsync();
        return new ReceiverHost(app, pusher);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
