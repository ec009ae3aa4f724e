using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

/// <summary>The binary's own entry point (Program) runs under WebApplicationFactory with a replaced configuration.</summary>
[Collection(NonParallel.Name)]
public sealed class WebApplicationFactoryTests : IAsyncLifetime
{
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("tempo-waf-test-").FullName;
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        var config = RunningServer.TestConfig(_dataRoot);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton(config)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_dataRoot, recursive: true);
    }

    [Fact]
    public async Task Program_serves_the_tempo_api_in_memory_and_uses_the_injected_config()
    {
        using var client = _factory.CreateClient();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage ready;
        while ((ready = await client.GetAsync("/ready")).StatusCode != HttpStatusCode.OK)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, await ready.Content.ReadAsStringAsync());
            await Task.Delay(20);
        }

        (await client.GetStringAsync("/api/echo")).Should().Be("echo");
        (await client.GetStringAsync("/status/config?mode=diff")).Should().Contain(Path.Combine(_dataRoot, "ingest"));
        Directory.Exists(Path.Combine(_dataRoot, "ingest")).Should().BeTrue("the injected config's ingest path is used");
        _factory.Services.GetRequiredService<TempoConfig>().Ingest.Embedded.Path.Should().StartWith(_dataRoot);
    }
}
