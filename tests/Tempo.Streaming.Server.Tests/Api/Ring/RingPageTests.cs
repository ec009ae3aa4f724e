using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.Server.Tests.RingApi;

/// <summary><c>/partition-ring</c> and <c>/live-store/ring</c>: dskit's JSON shapes (golden), the HTML pages, 503 and 405.</summary>
public sealed class RingPageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("/partition-ring")]
    [InlineData("/live-store/ring")]
    public async Task Pages_answer_503_until_the_ring_store_is_set(string path)
    {
        await using var host = await RingApiHost.StartAsync();
        using var response = await host.Client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Contain("partition ring is not available yet");
    }

    [Fact]
    public async Task Partition_ring_json_has_dskits_shape_with_corrupted_rows_for_dangling_owners()
    {
        await using var host = await RingApiHost.StartAsync();
        await FillAsync(host);

        var body = await JsonAsync(host, "/partition-ring");

        body.Should().Be(
            """{"partitions":[""" +
            """{"id":0,"corrupted":false,"state":2,"state_timestamp":"2026-03-01T12:00:00Z","owner_ids":["live-store-zone-a-0","live-store-zone-b-0"]},""" +
            """{"id":1,"corrupted":false,"state":3,"state_timestamp":"2026-03-01T12:05:00Z","owner_ids":null},""" +
            """{"id":2,"corrupted":false,"state":1,"state_timestamp":"2026-03-01T12:00:00Z","owner_ids":["live-store-zone-a-2"]},""" +
            """{"id":7,"corrupted":true,"state":0,"state_timestamp":"0001-01-01T00:00:00Z","owner_ids":["live-store-zone-a-7"]}""" +
            "]}\n");
    }

    [Fact]
    public async Task Partition_ring_html_lists_partitions_states_and_owners()
    {
        await using var host = await RingApiHost.StartAsync();
        await FillAsync(host);

        using var response = await host.Client.GetAsync("/partition-ring");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("<title>Partitions Ring Status</title>")
            .And.Contain("<td>0</td>").And.Contain("<td>Active</td>").And.Contain("<td>Inactive</td>").And.Contain("<td>Pending</td>")
            .And.Contain("<td>Corrupt</td>").And.Contain("2026-03-01 12:05:00 UTC").And.Contain("N/A")
            .And.Contain("live-store-zone-b-0 (zone zone-b, 10.0.0.2:3200, OwnerDeleted, UNHEALTHY, last heartbeat ");
    }

    [Fact]
    public async Task Live_store_ring_json_has_dskits_ring_page_shape_and_marks_stale_and_deleted_members()
    {
        await using var host = await RingApiHost.StartAsync();
        await FillAsync(host);
        var now = DateTimeOffset.UtcNow;
        await host.Store.SetOwnerAsync(new OwnerDesc("live-store-zone-a-0", 0, "zone-a", "10.0.0.1:3200", OwnerState.Active, T0, now),
            CancellationToken.None);

        var body = await JsonAsync(host, "/live-store/ring");

        using var json = JsonDocument.Parse(body);
        json.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("shards", "now");
        var shards = json.RootElement.GetProperty("shards").EnumerateArray().ToList();
        shards.Select(s => s.GetProperty("id").GetString()).Should().Equal(
            "live-store-zone-a-0", "live-store-zone-a-2", "live-store-zone-a-7", "live-store-zone-b-0");
        var first = shards[0];
        first.EnumerateObject().Select(p => p.Name).Should().Equal(
            "id", "state", "address", "timestamp", "registered_timestamp", "zone", "tokens", "partition");
        first.GetProperty("state").GetString().Should().Be("ACTIVE");
        first.GetProperty("address").GetString().Should().Be("10.0.0.1:3200");
        first.GetProperty("zone").GetString().Should().Be("zone-a");
        first.GetProperty("registered_timestamp").GetString().Should().Be("2026-03-01T12:00:00Z");
        first.GetProperty("timestamp").GetDateTimeOffset().Should().BeCloseTo(now, TimeSpan.FromSeconds(1));
        first.GetProperty("tokens").GetArrayLength().Should().Be(0);
        first.GetProperty("partition").GetInt32().Should().Be(0);
        shards[1].GetProperty("state").GetString().Should().Be("UNHEALTHY", "its heartbeat (2026-03-01) is older than the heartbeat timeout");
        shards[3].GetProperty("state").GetString().Should().Be("LEFT");
        json.RootElement.GetProperty("now").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Live_store_ring_html_shows_each_member_with_its_heartbeat_age()
    {
        await using var host = await RingApiHost.StartAsync();
        await FillAsync(host);

        using var response = await host.Client.GetAsync("/live-store/ring");

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("<th>Instance ID</th>").And.Contain("<td>live-store-zone-b-0</td>").And.Contain("<td>zone-b</td>")
            .And.Contain("<td>10.0.0.2:3200</td>").And.Contain("s ago (12:00:00.000)").And.Contain("<td>UNHEALTHY</td>");
    }

    [Theory]
    [InlineData("/partition-ring")]
    [InlineData("/live-store/ring")]
    public async Task Ring_pages_serve_the_distributor_target_and_refuse_other_methods(string path)
    {
        await using var host = await RingApiHost.StartAsync(liveStoreRoutes: false);
        await FillAsync(host);

        (await host.Client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put })
        {
            using var response = await host.Client.SendAsync(new HttpRequestMessage(method, path));
            response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
            (await response.Content.ReadAsStringAsync()).Should().Be("Unsupported HTTP method\n");
        }
    }

    [Fact]
    public async Task Json_is_chosen_when_the_accept_header_contains_application_json_anywhere()
    {
        await using var host = await RingApiHost.StartAsync();
        await FillAsync(host);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/partition-ring");
        request.Headers.TryAddWithoutValidation("Accept", "text/html;q=0.9, application/json");

        using var response = await host.Client.SendAsync(request);

        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
    }

    /// <summary>
    /// Partition 0 ACTIVE with owners in two zones, 1 INACTIVE without owners, 2 PENDING, and an owner of partition 7,
    /// which is not in the ring. Heartbeats are old (T0) except where a test refreshes them.
    /// </summary>
    private static async Task FillAsync(RingApiHost host)
    {
        host.Ring.Store = host.Store;
        var store = host.Store;
        await store.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, T0.AddMilliseconds(750)), CancellationToken.None);
        await store.SetPartitionAsync(new PartitionDesc(1, PartitionState.Inactive, T0.AddMinutes(5)), CancellationToken.None);
        await store.SetPartitionAsync(new PartitionDesc(2, PartitionState.Pending, T0), CancellationToken.None);
        await store.SetOwnerAsync(new OwnerDesc("live-store-zone-b-0", 0, "zone-b", "10.0.0.2:3200", OwnerState.Deleted, T0, T0),
            CancellationToken.None);
        await store.SetOwnerAsync(new OwnerDesc("live-store-zone-a-0", 0, "zone-a", "10.0.0.1:3200", OwnerState.Active, T0, T0),
            CancellationToken.None);
        await store.SetOwnerAsync(new OwnerDesc("live-store-zone-a-2", 2, "zone-a", "10.0.0.3:3200", OwnerState.Active, T0, T0),
            CancellationToken.None);
        await store.SetOwnerAsync(new OwnerDesc("live-store-zone-a-7", 7, "zone-a", "10.0.0.7:3200", OwnerState.Active, T0, T0),
            CancellationToken.None);
    }

    private static async Task<string> JsonAsync(RingApiHost host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await host.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return await response.Content.ReadAsStringAsync();
    }
}
