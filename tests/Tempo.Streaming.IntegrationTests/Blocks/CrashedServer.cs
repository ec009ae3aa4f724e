using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests.Blocks;

/// <summary>Waiting for a server with an armed crash point to die there, and checking that it died there.</summary>
public static class CrashedServer
{
    /// <summary>
    /// Waits until the process exited (a crash point ends it with <c>Environment.FailFast</c>: no shutdown, no finally
    /// blocks) and asserts it exited abnormally naming <paramref name="crashPoint"/>, i.e. it died at that point and not
    /// somewhere else.
    /// </summary>
    public static async Task ShouldDieAtAsync(ServerProcess server, string crashPoint)
    {
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(90));
        exitCode.Should().NotBe(0, $"the process was made to die at {crashPoint}: {server.Output}");
        server.Output.Should().Contain($"crash point {crashPoint} reached", "the process died at the armed point");
    }

    /// <summary>Sends <c>POST /flush</c> to a server that is expected to die while answering; returns the HTTP status or null when the connection broke.</summary>
    public static async Task<System.Net.HttpStatusCode?> FlushExpectingCrashAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.HttpBase, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            using var response = await http.PostAsync("/flush", null);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
