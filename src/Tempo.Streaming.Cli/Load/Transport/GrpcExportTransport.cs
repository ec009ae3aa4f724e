using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Tempo.Streaming.Cli.Load.Transport;

/// <summary>
/// OTLP/gRPC without a gRPC library (Grpc.Net.Client does not restore here): a unary call is an HTTP/2 POST to
/// <c>/opentelemetry.proto.collector.trace.v1.TraceService/Export</c> with <c>content-type: application/grpc</c>,
/// a body of one length-prefixed message (gRPC over HTTP/2, "Length-Prefixed-Message": compressed flag + 4-byte
/// big-endian length + message), and the outcome in the <c>grpc-status</c> trailer (or in the headers of a
/// trailers-only response).
/// </summary>
public sealed class GrpcExportTransport : IExportTransport
{
    public const string ExportPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");

    private readonly HttpClient[] _clients;
    private readonly Uri _uri;
    private readonly string? _tenant;

    public GrpcExportTransport(Uri baseAddress, int connections, string? tenant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _uri = new Uri(baseAddress, ExportPath);
        _tenant = tenant;
        _clients = new HttpClient[connections];
        for (var i = 0; i < connections; i++)
        {
            // Separate handlers = separate TCP connections, so one HTTP/2 connection's flow-control window does
            // not cap the whole run.
            _clients[i] = HttpHandlers.Create(maxConnectionsPerServer: int.MaxValue, http2: true);
        }
    }

    /// <summary>Frames a message: flag byte (1 when compressed), 4-byte big-endian length, the message.</summary>
    public static void WriteFrameHeader(Span<byte> destination, int messageLength, bool compressed)
    {
        destination[0] = compressed ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)messageLength);
    }

    public async Task<ExportOutcome> SendAsync(ReadOnlyMemory<byte> body, bool gzip, int connection, CancellationToken cancellationToken)
    {
        var prefix = new byte[5];
        WriteFrameHeader(prefix, body.Length, gzip);
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new FramedContent(prefix, body),
        };
        request.Content.Headers.ContentType = GrpcContentType;
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (gzip)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }
        if (_tenant is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Scope-OrgID", _tenant);
        }

        using var response = await _clients[connection % _clients.Length]
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ExportOutcome.Failed($"http {(int)response.StatusCode}", $"gRPC call answered HTTP {(int)response.StatusCode}");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var length = await HttpHandlers.ReadBodyAsync(response, buffer, cancellationToken).ConfigureAwait(false);
            var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
            if (status is null)
            {
                return ExportOutcome.Failed("grpc no-status", "response ended without a grpc-status trailer");
            }
            if (status != "0")
            {
                var message = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? "";
                return ExportOutcome.Failed($"grpc-status {status} {GrpcStatusName(status)}", Uri.UnescapeDataString(message));
            }
            return ParseResponse(buffer.AsSpan(0, length), Header(response.Headers, "grpc-encoding"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ExportOutcome ParseResponse(ReadOnlySpan<byte> body, string? encoding)
    {
        if (body.Length == 0)
        {
            return ExportOutcome.Ok(0, null);
        }
        if (body.Length < 5)
        {
            return ExportOutcome.Failed("grpc bad-frame", $"response frame of {body.Length} bytes is shorter than its 5-byte prefix");
        }
        var compressed = body[0] == 1;
        var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        if (length > body.Length - 5)
        {
            return ExportOutcome.Failed("grpc bad-frame", "response message is truncated");
        }
        var message = body.Slice(5, length);
        ExportTraceServiceResponse parsed;
        if (compressed)
        {
            if (!string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
            {
                return ExportOutcome.Failed("grpc bad-frame", $"compressed response with unsupported grpc-encoding '{encoding}'");
            }
            using var gzip = new GZipStream(new MemoryStream(message.ToArray()), CompressionMode.Decompress);
            parsed = ExportTraceServiceResponse.Parser.ParseFrom(gzip);
        }
        else
        {
            parsed = ExportTraceServiceResponse.Parser.ParseFrom(message);
        }
        return parsed.PartialSuccess is { } partial
            ? ExportOutcome.Ok(partial.RejectedSpans, partial.ErrorMessage)
            : ExportOutcome.Ok(0, null);
    }

    private static string? Header(HttpHeaders headers, string name)
    {
        return headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
    }

    /// <summary>Status code names from grpc/doc/statuscodes.md.</summary>
    public static string GrpcStatusName(string code) => code switch
    {
        "1" => "CANCELLED",
        "2" => "UNKNOWN",
        "3" => "INVALID_ARGUMENT",
        "4" => "DEADLINE_EXCEEDED",
        "5" => "NOT_FOUND",
        "6" => "ALREADY_EXISTS",
        "7" => "PERMISSION_DENIED",
        "8" => "RESOURCE_EXHAUSTED",
        "9" => "FAILED_PRECONDITION",
        "10" => "ABORTED",
        "11" => "OUT_OF_RANGE",
        "12" => "UNIMPLEMENTED",
        "13" => "INTERNAL",
        "14" => "UNAVAILABLE",
        "15" => "DATA_LOSS",
        "16" => "UNAUTHENTICATED",
        _ => "UNKNOWN_CODE",
    };

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
