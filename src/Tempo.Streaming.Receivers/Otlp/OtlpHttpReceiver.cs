using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Buffers;
using Tempo.Streaming.Receivers.Grpc;
using Tempo.Streaming.Receivers.Http;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>
/// <c>POST /v1/traces</c> per the OTLP/HTTP specification: binary protobuf or OTLP/JSON bodies, optionally gzip or
/// deflate compressed; 200 with an <c>ExportTraceServiceResponse</c> in the request's encoding on full or partial
/// success; on failure a 4xx/5xx whose body is a <c>google.rpc.Status</c> in the request's encoding, and nothing pushed.
/// </summary>
internal sealed class OtlpHttpReceiver(ITracePusher pusher, OtlpReceiverOptions options, OtlpReceiverMetrics metrics, ILogger logger)
{
    public const string Path = "/v1/traces";
    private const string ProtobufContentType = "application/x-protobuf";
    private const string JsonContentType = "application/json";

    private enum BodyEncoding
    {
        Protobuf,
        Json,
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!TryGetBodyEncoding(request.ContentType, out var encoding, out var responseContentType))
        {
            // No encoding to write a Status in: answer in plain text, as the OTel collector does.
            ReceiverLog.RequestRefused(logger, OtlpReceiverMetrics.HttpTransport, 415, $"content type \"{request.ContentType}\"");
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"unsupported content type \"{request.ContentType}\": OTLP/HTTP accepts {ProtobufContentType} and {JsonContentType}",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var failure = new Failure(encoding, responseContentType);
        var tenant = OtlpTenant.Resolve(request, options, out var tenantError, out var tenantMessage);
        if (tenant is null)
        {
            await (tenantError == TenantError.Missing
                ? failure.WriteAsync(context, StatusCodes.Status401Unauthorized, GrpcStatus.Unauthenticated, tenantMessage!, logger)
                : failure.WriteAsync(context, StatusCodes.Status400BadRequest, GrpcStatus.InvalidArgument, tenantMessage!, logger))
                .ConfigureAwait(false);
            return;
        }

        var contentEncoding = request.Headers.ContentEncoding.ToString();
        if (!PayloadDecompressor.TryParseCoding(contentEncoding, out var coding))
        {
            // RFC 9110 §15.5.16: an unsupported content coding is 415.
            await failure.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, GrpcStatus.InvalidArgument,
                $"unsupported Content-Encoding \"{contentEncoding}\" (supported: gzip, deflate)", logger).ConfigureAwait(false);
            return;
        }

        try
        {
            using var body = await ReadPayloadAsync(request, coding, context.RequestAborted).ConfigureAwait(false);
            var result = encoding == BodyEncoding.Json
                ? await PushJsonAsync(tenant, body.WrittenMemory, context.RequestAborted).ConfigureAwait(false)
                : await PushAsync(tenant, body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
            await WriteExportResponseAsync(context, encoding, responseContentType, result).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException e)
        {
            await failure.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, GrpcStatus.ResourceExhausted, e.Message, logger)
                .ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            await failure.WriteAsync(context, StatusCodes.Status400BadRequest, GrpcStatus.InvalidArgument,
                $"request body is not valid {coding.ToString().ToLowerInvariant()} data: {e.Message}", logger).ConfigureAwait(false);
        }
        catch (OtlpJsonException e)
        {
            await failure.WriteAsync(context, StatusCodes.Status400BadRequest, GrpcStatus.InvalidArgument, e.Message, logger)
                .ConfigureAwait(false);
        }
        catch (PushRejectedException e)
        {
            ReceiverLog.PushRefused(logger, OtlpReceiverMetrics.HttpTransport, tenant, e.Reason.ToString(), e.Message);
            var (httpStatus, grpcStatus) = e.Reason switch
            {
                PushRejectionReason.InvalidPayload => (StatusCodes.Status400BadRequest, GrpcStatus.InvalidArgument),
                PushRejectionReason.RateLimited => (StatusCodes.Status429TooManyRequests, GrpcStatus.ResourceExhausted),
                _ => (StatusCodes.Status503ServiceUnavailable, GrpcStatus.Unavailable),
            };
            await failure.WriteAsync(context, httpStatus, grpcStatus, e.Message, logger).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel gave up on the body (truncated, too slow, over its own limit); report its status and reason.
            await failure.WriteAsync(context, e.StatusCode, GrpcStatus.InvalidArgument, e.Message, logger).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            ReceiverLog.HttpRequestFailed(logger, e);
            await failure.WriteAsync(context, StatusCodes.Status500InternalServerError, GrpcStatus.Internal, e.Message, logger)
                .ConfigureAwait(false);
        }
    }

    private async ValueTask<PooledByteBuffer> ReadPayloadAsync(HttpRequest request, ContentCoding coding, CancellationToken cancellationToken)
    {
        var raw = await RequestBodyReader.ReadAsync(request, options.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (coding == ContentCoding.Identity)
        {
            return raw;
        }

        using (raw)
        {
            return PayloadDecompressor.Decompress(raw.WrittenMemory, coding, options.MaxRequestBodyBytes);
        }
    }

    private async ValueTask<PushResult> PushJsonAsync(string tenant, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        // The distributor takes protobuf: transcode into a pooled buffer, push it like a protobuf body, then return it.
        using var request = OtlpJsonTranscoder.Transcode(json.Span);
        return await PushAsync(tenant, request.Memory, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PushResult> PushAsync(string tenant, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        PushResult result;
        try
        {
            result = await pusher.PushAsync(tenant, request, cancellationToken).ConfigureAwait(false);
        }
        catch (PushRejectedException)
        {
            metrics.Refused(OtlpReceiverMetrics.HttpTransport, OtlpSpanCounter.Count(request.Span));
            throw;
        }

        metrics.Accepted(OtlpReceiverMetrics.HttpTransport, result.AcceptedSpans);
        metrics.Refused(OtlpReceiverMetrics.HttpTransport, result.RejectedSpans);
        return result;
    }

    private static async Task WriteExportResponseAsync(HttpContext context, BodyEncoding encoding, string contentType, PushResult result)
    {
        var message = OtlpResponses.Export(result);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        if (encoding == BodyEncoding.Json)
        {
            await response.WriteAsync(JsonFormatter.Default.Format(message), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var size = message.CalculateSize();
        response.ContentLength = size;
        if (size > 0)
        {
            message.WriteTo(response.BodyWriter.GetSpan(size)[..size]);
            response.BodyWriter.Advance(size);
            await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// OTLP/HTTP: binary protobuf is <c>application/x-protobuf</c>, JSON is <c>application/json</c> (parameters such
    /// as charset allowed). The IANA name <c>application/protobuf</c> is accepted too. The response uses the request's
    /// media type.
    /// </summary>
    private static bool TryGetBodyEncoding(string? contentType, out BodyEncoding encoding, out string responseContentType)
    {
        encoding = default;
        responseContentType = string.Empty;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return false;
        }

        var type = mediaType.MediaType;
        if (type.Equals(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            encoding = BodyEncoding.Protobuf;
            responseContentType = ProtobufContentType;
            return true;
        }

        if (type.Equals("application/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            encoding = BodyEncoding.Protobuf;
            responseContentType = "application/protobuf";
            return true;
        }

        if (type.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase))
        {
            encoding = BodyEncoding.Json;
            responseContentType = JsonContentType;
            return true;
        }

        return false;
    }

    /// <summary>Writes an OTLP/HTTP error: the HTTP status plus a <c>google.rpc.Status</c> body in the request's encoding.</summary>
    private readonly struct Failure(BodyEncoding encoding, string contentType)
    {
        public Task WriteAsync(HttpContext context, int httpStatus, GrpcStatus code, string message, ILogger logger)
        {
            ReceiverLog.RequestRefused(logger, OtlpReceiverMetrics.HttpTransport, httpStatus, message);
            var body = encoding == BodyEncoding.Json
                ? OtlpResponses.StatusJson(code, message)
                : OtlpResponses.StatusProtobuf(code, message);
            var response = context.Response;
            response.StatusCode = httpStatus;
            response.ContentType = contentType;
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        }
    }
}
