using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Tags;
using Tempo.Streaming.Query.Traces;
using Tempo.Streaming.Server.Api.Query;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Hosting;

namespace Tempo.Streaming.Server.Tests.QueryApi;

/// <summary>
/// The query routes exactly as TempoServer maps them (Tempo HTTP listener group, listener routing policy), in-process on a
/// TestServer, with fake stores behind the real <see cref="TraceByIdQuerier"/> and <see cref="TagQuerier"/>.
/// </summary>
internal sealed class QueryApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private QueryApiHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
        Services = app.Services.GetRequiredService<QueryServices>();
    }

    public HttpClient Client { get; }

    public QueryServices Services { get; }

    public static async Task<QueryApiHost> StartAsync(bool multitenancy = false, bool ready = true,
        IReadOnlyList<ITraceFragmentSource>? traceSources = null, IReadOnlyList<ITagSource>? tagSources = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TempoConfig.Default with { MultitenancyEnabled = multitenancy });
        builder.Services.AddTempoQueryApi();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ListenerMatcherPolicy>());
        var app = builder.Build();
        app.MapGroup("").WithMetadata(new ListenerRoleMetadata(ListenerRole.TempoHttp)).MapTempoQueryApi();
        await app.StartAsync();

        var host = new QueryApiHost(app);
        if (ready)
        {
            host.Services.Traces = new TraceByIdQuerier(traceSources ?? [], [], maxTraceBytes: 0);
            host.Services.Tags = new TagQuerier(tagSources ?? []);
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
