using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Tempo.Streaming.Core;
using Tempo.Streaming.IngestLog.Ring;
using Tempo.Streaming.Query.Remote;

namespace Tempo.Streaming.Server.Tests.RingApi;

/// <summary>
/// The internal <c>/live-store/api/traces/{id}</c> route over a real RocksDB live store, and the query fan-out
/// (<see cref="RingTraceFragmentSource"/>) calling it on two live-store processes over real loopback HTTP.
/// </summary>
public sealed class LiveStoreTraceRouteTests
{
    [Fact]
    public async Task Answers_503_while_no_live_store_runs()
    {
        await using var host = await RingApiHost.StartAsync();
        using var response = await host.Client.GetAsync("/live-store/api/traces/" + Convert.ToHexStringLower(RingLiveStores.TraceId(1)));
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Contain("no live store running");
    }

    [Fact]
    public async Task Returns_the_stored_fragments_concatenated_as_one_protobuf_trace()
    {
        await using var stores = RingLiveStores.Create();
        var store = await stores.OpenAsync(0);
        await using var host = await RingApiHost.StartAsync();
        host.Ring.LocalStore = store;
        var id = RingLiveStores.TraceId(1);
        await stores.WriteAsync(0, Tenants.SingleTenant, id, RingLiveStores.Fragment(id, "frontend", (1, "GET /cart")));
        await stores.WriteAsync(0, Tenants.SingleTenant, id, RingLiveStores.Fragment(id, "cart", (2, "load cart"), (3, "query")));

        using var response = await host.Client.GetAsync("/live-store/api/traces/" + Convert.ToHexStringLower(id));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/protobuf");
        var body = await response.Content.ReadAsByteArrayAsync();
        response.Content.Headers.ContentLength.Should().Be(body.Length);
        RingLiveStores.SpanNames(body).Should().BeEquivalentTo("GET /cart", "load cart", "query");
        long.Parse(response.Headers.GetValues("X-Tempo-Inspected-Bytes").Single(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Unknown_traces_are_404_with_an_empty_body_and_bad_input_is_400()
    {
        await using var stores = RingLiveStores.Create();
        await using var host = await RingApiHost.StartAsync();
        host.Ring.LocalStore = await stores.OpenAsync(0);

        using (var missing = await host.Client.GetAsync("/live-store/api/traces/" + Convert.ToHexStringLower(RingLiveStores.TraceId(9))))
        {
            missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await missing.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
        }

        using (var badId = await host.Client.GetAsync("/live-store/api/traces/not-hex"))
        {
            badId.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        using (var badRange = await host.Client.GetAsync("/live-store/api/traces/" + Convert.ToHexStringLower(RingLiveStores.TraceId(9)) + "?start=20&end=10"))
        {
            badRange.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await badRange.Content.ReadAsStringAsync()).Should().Be("http parameter start must be before end. received start=20 end=10");
        }

        using var post = await host.Client.PostAsync("/live-store/api/traces/" + Convert.ToHexStringLower(RingLiveStores.TraceId(9)), null);
        post.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Reads_one_tenant_per_request_when_multitenancy_is_on()
    {
        await using var stores = RingLiveStores.Create();
        await using var host = await RingApiHost.StartAsync(multitenancy: true);
        host.Ring.LocalStore = await stores.OpenAsync(0);
        var id = RingLiveStores.TraceId(2);
        await stores.WriteAsync(0, "team-a", id, RingLiveStores.Fragment(id, "a", (1, "only a")));
        var path = "/live-store/api/traces/" + Convert.ToHexStringLower(id);

        (await SendAsync(host.Client, path, null)).Should().Be(HttpStatusCode.Unauthorized);
        (await SendAsync(host.Client, path, "team-a|team-b")).Should().Be(HttpStatusCode.BadRequest);
        (await SendAsync(host.Client, path, "team-b")).Should().Be(HttpStatusCode.NotFound, "tenants never see each other's data");
        (await SendAsync(host.Client, path, "team-a")).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_fan_out_reads_every_queryable_partition_from_its_live_store_process()
    {
        await using var stores = RingLiveStores.Create();
        await using var storeA = await RingApiHost.StartAsync(kestrel: true);
        await using var storeB = await RingApiHost.StartAsync(kestrel: true);
        storeA.Ring.LocalStore = await stores.OpenAsync(0);
        storeB.Ring.LocalStore = await stores.OpenAsync(1);
        var id = RingLiveStores.TraceId(3);
        await stores.WriteAsync(0, Tenants.SingleTenant, id, RingLiveStores.Fragment(id, "frontend", (1, "from partition 0")));
        await stores.WriteAsync(1, Tenants.SingleTenant, id, RingLiveStores.Fragment(id, "backend", (2, "from partition 1")));

        var ring = new InMemoryPartitionRingStore();
        var now = DateTimeOffset.UtcNow;
        await ring.SetPartitionAsync(new PartitionDesc(0, PartitionState.Active, now), CancellationToken.None);
        await ring.SetPartitionAsync(new PartitionDesc(1, PartitionState.Inactive, now), CancellationToken.None);
        await ring.SetOwnerAsync(new OwnerDesc("live-store-zone-a-0", 0, "zone-a", storeA.Client.BaseAddress!.Authority, OwnerState.Active, now, now),
            CancellationToken.None);
        await ring.SetOwnerAsync(new OwnerDesc("live-store-zone-a-1", 1, "zone-a", storeB.Client.BaseAddress!.Authority, OwnerState.Active, now, now),
            CancellationToken.None);
        using var http = new HttpClient();
        var fanOut = new RingTraceFragmentSource(ring, null, [], http, new RingTraceFragmentSourceOptions { InstanceId = "querier-0" },
            NullLogger.Instance);

        var found = await fanOut.FindTraceAsync(Tenants.SingleTenant, id, Core.Querying.QueryWindow.All, CancellationToken.None);

        found.Fragments.Should().HaveCount(2, "one answer per partition; partition 1 is INACTIVE and still read");
        found.Fragments.SelectMany(f => RingLiveStores.SpanNames(f.Span)).Should().BeEquivalentTo("from partition 0", "from partition 1");
        found.InspectedBytes.Should().BeGreaterThan(0);
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string path, string? tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (tenant is not null)
        {
            request.Headers.Add(Tenants.OrgIdHeader, tenant);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
