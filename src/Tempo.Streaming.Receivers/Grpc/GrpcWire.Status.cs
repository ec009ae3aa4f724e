using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tempo.Streaming.Receivers.Grpc;

public static partial class GrpcWire
{
    private const string LoggerCategory = "Tempo.Streaming.Receivers.Grpc";

    /// <summary>
    /// Wraps a gRPC method body: answers non-gRPC requests with HTTP 415 (PROTOCOL-HTTP2.md), otherwise sets the
    /// response headers, runs <paramref name="body"/>, and ends the call with <c>grpc-status</c> trailers. Errors are
    /// HTTP 200 plus a non-zero status: <see cref="GrpcException"/> → its status; malformed protobuf → INVALID_ARGUMENT;
    /// Kestrel's body-size limit → RESOURCE_EXHAUSTED; a client that went away → nothing; anything else → INTERNAL.
    /// </summary>
    public static RequestDelegate Handler(Func<HttpContext, Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return async context =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || !IsGrpcContentType(context.Request.ContentType))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                return;
            }

            PrepareResponse(context);
            try
            {
                await body(context).ConfigureAwait(false);
                SetStatus(context, GrpcStatus.OK);
            }
            catch (GrpcException e)
            {
                SetStatus(context, e.Status, e.Message);
            }
            catch (InvalidProtocolBufferException e)
            {
                SetStatus(context, GrpcStatus.InvalidArgument, $"malformed request message: {e.Message}");
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                SetStatus(context, GrpcStatus.ResourceExhausted, e.Message);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client cancelled or disconnected; there is nobody to send a status to.
            }
            catch (Exception e)
            {
                ReceiverLog.GrpcCallFailed(LoggerFor(context), context.Request.Path.Value, e);
                SetStatus(context, GrpcStatus.Internal, e.Message);
            }
        };
    }

    /// <summary>Response headers of every gRPC answer; call before the first message is written.</summary>
    public static void PrepareResponse(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ContentType;
        context.Response.Headers["grpc-accept-encoding"] = AcceptEncoding;
    }

    /// <summary>
    /// Ends the call with <c>grpc-status</c> (decimal) and, when given, a percent-encoded <c>grpc-message</c>, as HTTP/2
    /// trailers. Without trailer support (HTTP/1.1) the status goes in the headers if they are not yet sent, which is
    /// the trailers-only form.
    /// </summary>
    public static void SetStatus(HttpContext context, GrpcStatus status, string? message = null)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        var encoded = string.IsNullOrEmpty(message) ? null : PercentEncodeMessage(message);
        if (context.Response.SupportsTrailers())
        {
            context.Response.AppendTrailer("grpc-status", code);
            if (encoded is not null)
            {
                context.Response.AppendTrailer("grpc-message", encoded);
            }

            return;
        }

        if (!context.Response.HasStarted)
        {
            context.Response.Headers["grpc-status"] = code;
            if (encoded is not null)
            {
                context.Response.Headers["grpc-message"] = encoded;
            }
        }
    }

    /// <summary>
    /// <c>grpc-message</c> encoding (PROTOCOL-HTTP2.md): the UTF-8 bytes, with every byte outside printable ASCII
    /// 0x20-0x7E and '%' itself written as %XX. Not <see cref="Uri.EscapeDataString"/>, which also escapes ':' and ' '
    /// that clients then show literally (grpc-js prints "probe failure%3A ...").
    /// </summary>
    public static string PercentEncodeMessage(string message)
    {
        var needsEncoding = false;
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needsEncoding = true;
                break;
            }
        }

        if (!needsEncoding)
        {
            return message;
        }

        var builder = new StringBuilder(message.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }

        return builder.ToString();

        static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
    }

    private static ILogger LoggerFor(HttpContext context) =>
        context.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
}
