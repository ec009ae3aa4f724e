using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Querying;

/// <summary>Body format asked of <c>GET /api/traces/&lt;id&gt;</c>.</summary>
public enum TraceResponseFormat
{
    /// <summary><c>Accept: application/protobuf</c>: a <c>tempopb.Trace</c>, what Grafana's Tempo datasource asks for.</summary>
    Protobuf,

    /// <summary>Tempo's v1 JSON (<c>{"batches":[...]}</c>).</summary>
    Json,
}

/// <summary>The answer to one trace-by-ID request: HTTP status and, for a 200, the spans the body holds.</summary>
public readonly record struct TraceLookup(int StatusCode, int SpanCount, string? Error)
{
    public bool Found => StatusCode == 200 && Error is null;
}

/// <summary>
/// Tempo's trace-by-ID API (<c>GET /api/traces/&lt;traceid&gt;</c>) as a measuring client: one pooled HTTP/1.1
/// connection per request in flight, the tenant in <c>X-Scope-OrgID</c>, and the body read in full and its spans
/// counted, so a latency covers what a caller needs to use the trace.
/// </summary>
public sealed class TraceByIdClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly TraceResponseFormat _format;

    public TraceByIdClient(Uri queryEndpoint, string? tenant, TraceResponseFormat format, int maxConnections)
    {
        ArgumentNullException.ThrowIfNull(queryEndpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        _base = new Uri(queryEndpoint.GetLeftPart(UriPartial.Authority) + "/");
        _format = format;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(
            format == TraceResponseFormat.Protobuf ? "application/protobuf" : "application/json"));
        if (tenant is not null)
        {
            _http.DefaultRequestHeaders.Add(Tenants.OrgIdHeader, tenant);
        }
    }

    /// <summary>Asks for one trace; transport failures throw (the caller classifies them), HTTP errors are values.</summary>
    public async Task<TraceLookup> GetAsync(string traceIdHex, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_base, "api/traces/" + traceIdHex));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status != 200)
        {
            return new TraceLookup(status, 0, null);
        }

        try
        {
            var spans = _format == TraceResponseFormat.Protobuf ? TraceSpanCounter.CountProtobuf(body) : TraceSpanCounter.CountJson(body);
            return new TraceLookup(status, spans, null);
        }
        catch (Exception e) when (e is InvalidProtobufException or JsonException)
        {
            return new TraceLookup(status, 0, $"unreadable {_format} body ({body.Length} bytes): {e.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
