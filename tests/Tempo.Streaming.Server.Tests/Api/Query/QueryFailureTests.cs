using System.Net;

namespace Tempo.Streaming.Server.Tests.QueryApi;

public sealed class QueryFailureTests
{
    [Theory]
    [InlineData("/api/traces/0102")]
    [InlineData("/api/v2/traces/0102")]
    [InlineData("/api/search/tags")]
    [InlineData("/api/v2/search/tag/.x/values")]
    public async Task A_failing_store_is_a_500_that_says_what_failed(string path)
    {
        var store = new FailingStore();
        await using var host = await QueryApiHost.StartAsync(traceSources: [store], tagSources: [store]);

        using var response = await host.Client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Be($"error querying {path}: {FailingStore.Message}");
    }
}
