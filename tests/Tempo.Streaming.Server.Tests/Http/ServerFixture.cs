using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.Http;

/// <summary>One running server shared by a test class (startup is the slow part).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RunningServer.StartAsync();
        await Server.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
