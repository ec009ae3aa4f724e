using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Tempo.Streaming.Cli.Load.Transport;

/// <summary>
/// OTLP/HTTP (OTLP spec, "OTLP/HTTP"): <c>POST /v1/traces</c> with a protobuf or JSON
/// <c>ExportTraceServiceRequest</c>; success is any 2xx with an <c>ExportTraceServiceResponse</c> body in the
/// request's encoding, possibly carrying <c>partial_success</c>.
/// </summary>
public sealed class HttpExportTransport : IExportTransport
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly bool _json;
    private readonly string? _tenant;

    public HttpExportTransport(Uri tracesUri, bool json, int maxConnections, string? tenant)
    {
        _uri = tracesUri;
        _json = json;
        _tenant = tenant;
        _client = HttpHandlers.Create(maxConnections, http2: false);
    }

    public async Task<ExportOutcome> SendAsync(ReadOnlyMemory<byte> body, bool gzip, int connection, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = _json ? Json : Protobuf;
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }
        if (_tenant is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Scope-OrgID", _tenant);
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var length = await HttpHandlers.ReadBodyAsync(response, buffer, cancellationToken).ConfigureAwait(false);
            var responseBody = buffer.AsSpan(0, length);
            if (!response.IsSuccessStatusCode)
            {
                var text = Encoding.UTF8.GetString(responseBody[..Math.Min(length, 300)]).Trim();
                return ExportOutcome.Failed($"http {(int)response.StatusCode}", text.Length == 0 ? response.ReasonPhrase ?? "" : text);
            }
            return ParseResponse(responseBody, response.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ExportOutcome ParseResponse(ReadOnlySpan<byte> body, string? mediaType)
    {
        if (body.IsEmpty)
        {
            return ExportOutcome.Ok(0, null);
        }
        try
        {
            if (mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                return ParseJsonResponse(body);
            }
            var parsed = ExportTraceServiceResponse.Parser.ParseFrom(body);
            return parsed.PartialSuccess is { } partial
                ? ExportOutcome.Ok(partial.RejectedSpans, partial.ErrorMessage)
                : ExportOutcome.Ok(0, null);
        }
        catch (Exception e) when (e is JsonException or Google.Protobuf.InvalidProtocolBufferException or FormatException)
        {
            return ExportOutcome.Failed("bad-response", $"2xx response body is not an ExportTraceServiceResponse: {e.Message}");
        }
    }

    /// <summary>OTLP/JSON response: <c>{"partialSuccess":{"rejectedSpans":"3","errorMessage":"..."}}</c> (int64 as string or number).</summary>
    private static ExportOutcome ParseJsonResponse(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        if (!document.RootElement.TryGetProperty("partialSuccess", out var partial) || partial.ValueKind != JsonValueKind.Object)
        {
            return ExportOutcome.Ok(0, null);
        }
        long rejected = 0;
        if (partial.TryGetProperty("rejectedSpans", out var count))
        {
            rejected = count.ValueKind == JsonValueKind.String ? long.Parse(count.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                : count.GetInt64();
        }
        var message = partial.TryGetProperty("errorMessage", out var m) ? m.GetString() : null;
        return ExportOutcome.Ok(rejected, message);
    }

    public void Dispose() => _client.Dispose();
}
