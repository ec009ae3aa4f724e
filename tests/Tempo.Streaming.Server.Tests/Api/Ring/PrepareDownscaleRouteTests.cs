using System.Globalization;
using System.Net;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.Server.Api.Ring;

namespace Tempo.Streaming.Server.Tests.RingApi;

/// <summary><c>/live-store/prepare-downscale</c>: Tempo 3.x's status codes, and the shutdown marker file on disk.</summary>
public sealed class PrepareDownscaleRouteTests
{
    private const string Path_ = "/live-store/prepare-downscale";

    [Fact]
    public async Task Answers_503_until_the_live_store_runs_and_writes_no_marker()
    {
        await using var host = await RingApiHost.StartAsync();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete })
        {
            using var response = await host.Client.SendAsync(new HttpRequestMessage(method, Path_));
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }

        File.Exists(host.Ring.ShutdownMarkerPath).Should().BeFalse();
    }

    [Fact]
    public async Task Get_says_unset_then_set_as_plain_text()
    {
        await using var host = await RingApiHost.StartAsync();
        await host.StartLiveStoreAsync();

        (await TextAsync(host)).Should().Be("unset\n");
        (await host.Client.PostAsync("/live-store/prepare-partition-downscale", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        using (var post = await host.Client.PostAsync(Path_, null))
        {
            post.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        (await TextAsync(host)).Should().Be("set\n");
    }

    [Fact]
    public async Task Post_while_active_answers_409_and_changes_nothing()
    {
        await using var host = await RingApiHost.StartAsync();
        var lifecycler = await host.StartLiveStoreAsync();

        using var post = await host.Client.PostAsync(Path_, null);

        post.StatusCode.Should().Be(HttpStatusCode.Conflict);
        File.Exists(host.Ring.ShutdownMarkerPath).Should().BeFalse(
            "a refused request changes nothing (Tempo would leave the marker behind; see PrepareDownscaleRoute)");
        (await TextAsync(host)).Should().Be("unset\n");
        lifecycler.RemoveOwnerOnShutdown.Should().BeFalse();
        lifecycler.CreatePartitionOnStartup.Should().BeTrue();
    }

    [Fact]
    public async Task Post_after_the_partition_went_inactive_prepares_the_shutdown_and_delete_undoes_it()
    {
        await using var host = await RingApiHost.StartAsync();
        var lifecycler = await host.StartLiveStoreAsync();
        (await host.Client.PostAsync("/live-store/prepare-partition-downscale", null)).StatusCode.Should().Be(HttpStatusCode.OK);

        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var post = await host.Client.PostAsync(Path_, null))
        {
            post.StatusCode.Should().Be(HttpStatusCode.NoContent);
            (await post.Content.ReadAsStringAsync()).Should().BeEmpty();
        }

        var marker = host.Ring.ShutdownMarkerPath;
        System.IO.Path.GetFileName(marker).Should().Be("shutdown-requested.txt");
        var written = DateTimeOffset.ParseExact(File.ReadAllText(marker), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal);
        written.Should().BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(DateTimeOffset.UtcNow.AddSeconds(1));
        Directory.GetFiles(System.IO.Path.GetDirectoryName(marker)!).Should().Equal([marker], "the temporary file was renamed over the marker");
        lifecycler.RemoveOwnerOnShutdown.Should().BeTrue();
        lifecycler.CreatePartitionOnStartup.Should().BeFalse();

        using (var delete = await host.Client.DeleteAsync(Path_))
        {
            delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        File.Exists(marker).Should().BeFalse();
        lifecycler.RemoveOwnerOnShutdown.Should().BeFalse();
        lifecycler.CreatePartitionOnStartup.Should().BeTrue();
        (await TextAsync(host)).Should().Be("unset\n");

        // DELETE without a marker is still a 204 (Tempo ignores a missing file).
        using var again = await host.Client.DeleteAsync(Path_);
        again.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Leaving_the_ring_on_shutdown_follows_the_prepared_state()
    {
        await using var host = await RingApiHost.StartAsync();
        var lifecycler = await host.StartLiveStoreAsync();
        (await host.Client.PostAsync("/live-store/prepare-partition-downscale", null)).EnsureSuccessStatusCode();
        (await host.Client.PostAsync(Path_, null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        host.Store.Current.Owners.Should().ContainKey(RingApiHost.InstanceId);

        await lifecycler.DisposeAsync();

        host.Store.Current.Owners.Should().NotContainKey(RingApiHost.InstanceId, "prepare-downscale made the live store leave the ring on shutdown");
        host.Store.Current.Partitions[0].State.Should().Be(PartitionState.Inactive, "the partition stays INACTIVE and readable");
    }

    [Fact]
    public async Task Other_methods_are_405_and_change_nothing()
    {
        await using var host = await RingApiHost.StartAsync();
        await host.StartLiveStoreAsync();
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch })
        {
            using var response = await host.Client.SendAsync(new HttpRequestMessage(method, Path_));
            response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        }

        File.Exists(host.Ring.ShutdownMarkerPath).Should().BeFalse();
    }

    [Fact]
    public void The_marker_path_is_tempos_file_name_inside_the_configured_directory()
    {
        ShutdownMarker.GetPath("/var/tempo/live-store").Should().Be("/var/tempo/live-store/shutdown-requested.txt");
        ShutdownMarker.Exists("/nonexistent-dir-for-tempo-tests/shutdown-requested.txt").Should().BeFalse();
    }

    private static async Task<string> TextAsync(RingApiHost host)
    {
        using var response = await host.Client.GetAsync(Path_);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        return await response.Content.ReadAsStringAsync();
    }
}
