using System.Net;
using Tempo.Streaming.Server.Tests.Support;

namespace Tempo.Streaming.Server.Tests.QueryApi;

/// <summary>The query routes in the real server composition: served on the Tempo HTTP port, absent on the OTLP port.</summary>
public sealed class QueryApiWiringTests
{
    [Fact]
    public async Task The_binary_serves_the_query_routes_on_the_http_port_only()
    {
        await using var server = await RunningServer.StartAsync();

        using var badId = await server.Client.GetAsync(server.HttpUri("/api/traces/xyz"));
        badId.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badId.Content.ReadAsStringAsync()).Should().Be("trace IDs can only contain hex characters: invalid character 'x' at position 1");

        using var badScope = await server.Client.GetAsync(server.HttpUri("/querier/api/v2/search/tags?scope=nope"));
        badScope.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badScope.Content.ReadAsStringAsync()).Should().Be("invalid scope: nope");

        using var onOtlpPort = await server.Client.GetAsync(server.OtlpHttpUri("/api/search/tags"));
        onOtlpPort.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
