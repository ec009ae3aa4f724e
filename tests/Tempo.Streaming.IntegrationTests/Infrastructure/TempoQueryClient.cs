using System.Net;
using System.Net.Http.Headers;
using Tempo.Streaming.Core;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>A raw answer of the Tempo HTTP API: status, media type and the exact body bytes.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string? ContentType, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public override string ToString() => $"{(int)Status} {ContentType}: {(Body.Length > 2000 ? Text[..2000] + "..." : Text)}";
}

/// <summary>
/// Calls the server's Tempo query API (trace by ID, tags, /metrics) like Grafana does: plain GETs, an optional
/// <c>X-Scope-OrgID</c>, and <c>Accept: application/protobuf</c> when the protobuf form is wanted.
/// </summary>
public sealed class TempoQueryClient : IDisposable
{
    public const string Protobuf = "application/protobuf";

    private readonly HttpClient _http;
    private readonly string? _tenant;

    public TempoQueryClient(Uri httpBase, string? tenant = null)
    {
        _http = new HttpClient { BaseAddress = httpBase, Timeout = TimeSpan.FromSeconds(30) };
        _tenant = tenant;
    }

    /// <summary>The same server seen as another tenant (or without a tenant header when <paramref name="tenant"/> is null).</summary>
    public TempoQueryClient As(string? tenant) => new(_http.BaseAddress!, tenant);

    public async Task<ApiResponse> GetAsync(string pathAndQuery, string? accept = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (accept is not null) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (_tenant is not null) request.Headers.Add(Tenants.OrgIdHeader, _tenant);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    /// <summary><c>GET /api/traces/{id}</c> as JSON, parsed (after the jsonpb shape checks) into a <see cref="Trace"/>; null on 404.</summary>
    public async Task<Trace?> GetTraceJsonAsync(string traceIdHex)
    {
        var response = await GetAsync($"/api/traces/{traceIdHex}");
        if (response.Status == HttpStatusCode.NotFound) return null;
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        response.ContentType.Should().Be("application/json");
        return TempoTraceJson.ParseV1(response.Text);
    }

    /// <summary><c>GET /api/traces/{id}</c> with <c>Accept: application/protobuf</c>; null on 404.</summary>
    public async Task<Trace?> GetTraceProtobufAsync(string traceIdHex)
    {
        var response = await GetAsync($"/api/traces/{traceIdHex}", Protobuf);
        if (response.Status == HttpStatusCode.NotFound) return null;
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        response.ContentType.Should().Be(Protobuf);
        return Trace.Parser.ParseFrom(response.Body);
    }

    /// <summary>Asks for the trace until it is found (the live store consumes asynchronously) or the deadline passes.</summary>
    public async Task<Trace> WaitForTraceAsync(string traceIdHex, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var response = await GetAsync($"/api/traces/{traceIdHex}", Protobuf);
            if (response.Status == HttpStatusCode.OK) return Trace.Parser.ParseFrom(response.Body);
            if (response.Status != HttpStatusCode.NotFound && response.Status != HttpStatusCode.ServiceUnavailable)
                throw new InvalidOperationException($"GET /api/traces/{traceIdHex}: {response}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"trace {traceIdHex} not found within {timeout} (last answer {response})");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits, a few traces at a time, until every trace is found by ID (throws on the first that times out).</summary>
    public async Task WaitForTracesAsync(IReadOnlyCollection<string> traceIdsHex, TimeSpan timeout, int concurrency = 8)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = new List<Task>(traceIdsHex.Count);
        foreach (var id in traceIdsHex)
        {
            await gate.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await WaitForTraceAsync(id, timeout);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(tasks);
    }

    /// <summary>The sum of every sample of a Prometheus metric on <c>/metrics</c> (0 when absent).</summary>
    public async Task<double> MetricSumAsync(string name, string? labelFilter = null)
    {
        var response = await GetAsync("/metrics");
        response.Status.Should().Be(HttpStatusCode.OK, response.ToString());
        return PrometheusText.Sum(response.Text, name, labelFilter);
    }

    public void Dispose() => _http.Dispose();
}
