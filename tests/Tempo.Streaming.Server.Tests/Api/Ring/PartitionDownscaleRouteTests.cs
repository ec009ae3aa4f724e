using System.Net;
using System.Text.Json;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.Server.Lifecycle;

namespace Tempo.Streaming.Server.Tests.RingApi;

/// <summary>
/// <c>prepare-partition-downscale</c> under both names, against a real lifecycler and ring store: Tempo 3.x's status
/// codes and JSON for every method and partition state.
/// </summary>
public sealed class PartitionDownscaleRouteTests
{
    public static TheoryData<string> Paths => new() { "/live-store/prepare-partition-downscale", "/ingester/prepare-partition-downscale" };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Answers_503_with_an_empty_body_until_the_live_store_runs(string path)
    {
        await using var host = await RingApiHost.StartAsync();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete })
        {
            using var response = await host.Client.SendAsync(new HttpRequestMessage(method, path));
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "no lifecycler yet ({0})", method);
            (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
        }

        await host.StartLiveStoreAsync();
        host.LiveStoreService.Set(ServiceState.Stopping);
        using var stopping = await host.Client.PostAsync(path, null);
        stopping.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "a stopping live store refuses changes, as Tempo's does");
        host.Partition(0).State.Should().Be(PartitionState.Active);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Get_reports_an_active_partition_with_timestamp_zero(string path)
    {
        await using var host = await RingApiHost.StartAsync();
        await host.StartLiveStoreAsync();

        using var response = await host.Client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"timestamp":0,"state":"PartitionActive"}""");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Post_makes_the_partition_inactive_once_and_delete_makes_it_active_again(string path)
    {
        await using var host = await RingApiHost.StartAsync();
        await host.StartLiveStoreAsync();

        var (status, timestamp, state) = await CallAsync(host, HttpMethod.Post, path);
        status.Should().Be(HttpStatusCode.OK);
        state.Should().Be("PartitionInactive");
        var inactive = host.Partition(0);
        inactive.State.Should().Be(PartitionState.Inactive);
        timestamp.Should().Be(inactive.StateTimestamp.ToUnixTimeSeconds()).And.BeGreaterThan(0);

        // Already INACTIVE: no new write, the original switch time is reported.
        var again = await CallAsync(host, HttpMethod.Post, path);
        again.Should().Be((HttpStatusCode.OK, timestamp, "PartitionInactive"));
        host.Partition(0).Should().Be(inactive);
        (await CallAsync(host, HttpMethod.Get, path)).Should().Be((HttpStatusCode.OK, timestamp, "PartitionInactive"));

        (await CallAsync(host, HttpMethod.Delete, path)).Should().Be((HttpStatusCode.OK, 0L, "PartitionActive"));
        host.Partition(0).State.Should().Be(PartitionState.Active);

        // DELETE on an ACTIVE partition changes nothing.
        var active = host.Partition(0);
        (await CallAsync(host, HttpMethod.Delete, path)).Should().Be((HttpStatusCode.OK, 0L, "PartitionActive"));
        host.Partition(0).Should().Be(active);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_pending_partition_refuses_post_with_409_and_ignores_delete(string path)
    {
        await using var host = await RingApiHost.StartAsync();
        await host.StartLiveStoreAsync(PartitionState.Pending);

        using var post = await host.Client.PostAsync(path, null);
        post.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await post.Content.ReadAsStringAsync()).Should().BeEmpty();
        host.Partition(0).State.Should().Be(PartitionState.Pending);

        (await CallAsync(host, HttpMethod.Delete, path)).Should().Be((HttpStatusCode.OK, 0L, "PartitionPending"));
        host.Partition(0).State.Should().Be(PartitionState.Pending);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Other_methods_are_405(string path)
    {
        await using var host = await RingApiHost.StartAsync();
        await host.StartLiveStoreAsync();
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Head, HttpMethod.Options })
        {
            using var response = await host.Client.SendAsync(new HttpRequestMessage(method, path));
            response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, "{0} is not one of GET, POST, DELETE", method);
        }

        host.Partition(0).State.Should().Be(PartitionState.Active);
    }

    [Fact]
    public async Task A_partition_missing_from_the_ring_is_reported_unknown_and_post_fails_with_500()
    {
        await using var host = await RingApiHost.StartAsync();
        await host.StartLiveStoreAsync();
        await host.Store.RemovePartitionAsync(0, CancellationToken.None);

        (await CallAsync(host, HttpMethod.Get, "/live-store/prepare-partition-downscale"))
            .Should().Be((HttpStatusCode.OK, 0L, "PartitionUnknown"));
        using var post = await host.Client.PostAsync("/live-store/prepare-partition-downscale", null);
        post.StatusCode.Should().Be(HttpStatusCode.InternalServerError, "Tempo answers a failed ring change with an empty 500");
        host.Store.Current.Partitions.Should().NotContainKey(0);
    }

    [Fact]
    public async Task The_distributor_target_does_not_serve_the_downscale_routes()
    {
        await using var host = await RingApiHost.StartAsync(liveStoreRoutes: false);
        await host.StartLiveStoreAsync();
        foreach (var path in new[] { "/live-store/prepare-partition-downscale", "/ingester/prepare-partition-downscale", "/live-store/prepare-downscale" })
        {
            using var response = await host.Client.PostAsync(path, null);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, path);
        }

        host.Partition(0).State.Should().Be(PartitionState.Active);
    }

    private static async Task<(HttpStatusCode Status, long Timestamp, string State)> CallAsync(RingApiHost host, HttpMethod method, string path)
    {
        using var response = await host.Client.SendAsync(new HttpRequestMessage(method, path));
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        json.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("timestamp", "state");
        return (response.StatusCode, json.RootElement.GetProperty("timestamp").GetInt64(), json.RootElement.GetProperty("state").GetString()!);
    }
}
