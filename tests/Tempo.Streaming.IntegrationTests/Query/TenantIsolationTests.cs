using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Core;
using Tempo.Streaming.IntegrationTests.Infrastructure;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace Tempo.Streaming.IntegrationTests.Query;

/// <summary>
/// Invariant 4 through the query API with <c>multitenancy_enabled: true</c>: a trace pushed as one tenant is found only
/// by that tenant (even when another tenant pushed spans under the same trace ID), and each tenant's tag lists and
/// values show only its own attributes.
/// </summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private const string TenantA = "team-a";
    private const string TenantB = "team-b";

    private static readonly byte[] TraceOfA = Convert.FromHexString("a0000000000000000000000000000001");
    private static readonly byte[] TraceOfB = Convert.FromHexString("b0000000000000000000000000000002");
    private static readonly byte[] SharedTrace = Convert.FromHexString("c0000000000000000000000000000003");

    private readonly TempDir _dir = new("tempo-it-tenants");
    private ServerProcess _server = null!;
    private TempoQueryClient _a = null!;
    private TempoQueryClient _b = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(_dir.Path, extraYaml: "multitenancy_enabled: true\n");
        _a = new TempoQueryClient(_server.HttpBase, TenantA);
        _b = new TempoQueryClient(_server.HttpBase, TenantB);

        var now = (ulong)Tempo.Streaming.Cli.Load.Workload.ShopWorkload.ToUnixNanos(DateTimeOffset.UtcNow);
        await PushAsync(TenantA, Request("svc-a", "a.only", TraceOfA, 0x0A01, now));
        await PushAsync(TenantA, Request("svc-a", "a.only", SharedTrace, 0x0A02, now));
        await PushAsync(TenantB, Request("svc-b", "b.only", TraceOfB, 0x0B01, now));
        await PushAsync(TenantB, Request("svc-b", "b.only", SharedTrace, 0x0B02, now));
        await _a.WaitForTracesAsync([Hex(TraceOfA), Hex(SharedTrace)], TimeSpan.FromSeconds(30));
        await _b.WaitForTracesAsync([Hex(TraceOfB), Hex(SharedTrace)], TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        _a?.Dispose();
        _b?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_trace_is_found_only_by_the_tenant_that_pushed_it()
    {
        (await _a.GetAsync($"/api/traces/{Hex(TraceOfA)}")).Status.Should().Be(HttpStatusCode.OK);
        (await _b.GetAsync($"/api/traces/{Hex(TraceOfA)}")).Status.Should().Be(HttpStatusCode.NotFound);
        (await _b.GetAsync($"/api/v2/traces/{Hex(TraceOfA)}")).Status.Should().Be(HttpStatusCode.NotFound);
        (await _b.GetAsync($"/api/traces/{Hex(TraceOfB)}")).Status.Should().Be(HttpStatusCode.OK);
        (await _a.GetAsync($"/api/traces/{Hex(TraceOfB)}", TempoQueryClient.Protobuf)).Status.Should().Be(HttpStatusCode.NotFound);
        using var other = _a.As("team-c");
        (await other.GetAsync($"/api/traces/{Hex(TraceOfA)}")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_same_trace_id_in_two_tenants_returns_each_tenant_s_spans_only()
    {
        var ofA = FlatSpans.Flatten((await _a.GetTraceJsonAsync(Hex(SharedTrace)))!);
        ofA.Select(s => s.Key.SpanId).Should().Equal("0000000000000a02");
        ofA.Single().Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue.Should().Be("svc-a");

        var ofB = FlatSpans.Flatten((await _b.GetTraceProtobufAsync(Hex(SharedTrace)))!);
        ofB.Select(s => s.Key.SpanId).Should().Equal("0000000000000b02");
        ofB.Single().Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue.Should().Be("svc-b");
    }

    [Fact]
    public async Task Tags_and_values_show_only_the_tenant_s_own_attributes()
    {
        var tagsA = await _a.GetAsync("/api/v2/search/tags");
        tagsA.Status.Should().Be(HttpStatusCode.OK, tagsA.ToString());
        tagsA.Text.Should().Contain("\"a.only\"").And.NotContain("b.only");
        var tagsB = await _b.GetAsync("/api/search/tags");
        tagsB.Status.Should().Be(HttpStatusCode.OK, tagsB.ToString());
        tagsB.Text.Should().Contain("\"b.only\"").And.NotContain("a.only");

        (await ValuesAsync(_a, "/api/v2/search/tag/resource.service.name/values")).Should().Equal("svc-a");
        (await ValuesAsync(_b, "/api/v2/search/tag/resource.service.name/values")).Should().Equal("svc-b");
        (await ValuesAsync(_a, "/api/search/tag/service.name/values")).Should().Equal("svc-a");
        (await ValuesAsync(_a, "/api/v2/search/tag/span.b.only/values")).Should().BeEmpty();
        (await ValuesAsync(_b, "/api/v2/search/tag/span.b.only/values")).Should().Equal("value-of-0b01", "value-of-0b02");
    }

    [Fact]
    public async Task A_query_without_a_tenant_is_401_no_org_id()
    {
        using var anonymous = _a.As(null);
        foreach (var path in new[] { $"/api/traces/{Hex(TraceOfA)}", "/api/v2/search/tags", "/api/search/tag/service.name/values" })
        {
            var response = await anonymous.GetAsync(path);
            response.Status.Should().Be(HttpStatusCode.Unauthorized, $"{path}: {response}");
            response.Text.TrimEnd('\n').Should().Be(Tenants.NoOrgIdMessage);
        }
    }

    private static async Task<List<string>> ValuesAsync(TempoQueryClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        using var json = JsonDocument.Parse(response.Text);
        // jsonpb leaves out an empty list, as Tempo does: {"metrics":{}} is "no values"
        if (!json.RootElement.TryGetProperty("tagValues", out var values)) return [];
        return values.EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetProperty("value").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private async Task PushAsync(string tenant, ExportTraceServiceRequest request)
    {
        using var http = new HttpClient();
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var message = new HttpRequestMessage(HttpMethod.Post, _server.OtlpHttpTraces) { Content = content };
        message.Headers.Add(Tenants.OrgIdHeader, tenant);
        using var response = await http.SendAsync(message);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static ExportTraceServiceRequest Request(string service, string attribute, byte[] traceId, ulong spanId, ulong now)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(BitConverter.IsLittleEndian ? BitConverter.GetBytes(spanId).Reverse().ToArray() : BitConverter.GetBytes(spanId)),
            Name = $"{service} work",
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = now,
            EndTimeUnixNano = now + 1_000_000,
        };
        span.Attributes.Add(new KeyValue { Key = attribute, Value = new AnyValue { StringValue = $"value-of-{spanId:x4}" } });
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        return new ExportTraceServiceRequest
        {
            ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { new ScopeSpans { Spans = { span } } } } },
        };
    }

    private static string Hex(byte[] id) => Convert.ToHexStringLower(id);
}
