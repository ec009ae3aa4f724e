using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tempo.Streaming.Receivers.Buffers;

namespace Tempo.Streaming.Receivers.Grpc;

/// <summary>
/// gRPC over HTTP/2 on plain Kestrel (no Grpc.AspNetCore here): length-prefixed message framing, request
/// decompression, and status trailers, per grpc/doc/PROTOCOL-HTTP2.md and the rules verified against grpc-go,
/// grpc-js, C-core and the OpenTelemetry .NET exporter (shared deps/managed.md §3.2).
/// </summary>
public static partial class GrpcWire
{
    public const string ContentType = "application/grpc";

    /// <summary>Encodings accepted on requests; responses are always sent uncompressed, which every client accepts.</summary>
    public const string AcceptEncoding = "identity,gzip,deflate";

    /// <summary>grpc-go's default receive limit (4 MiB), which the OTel collector's receivers keep unless configured.</summary>
    public const int DefaultMaxReceiveMessageBytes = 4 * 1024 * 1024;

    private const int FrameHeaderBytes = 5;

    /// <summary>True for <c>application/grpc</c>, <c>application/grpc+proto</c> and <c>application/grpc;...</c>.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }

    /// <summary>
    /// Reads the next request message frame into a pooled buffer (caller disposes), decompressing it per the
    /// <c>grpc-encoding</c> header when the frame's compressed flag is set. Returns <c>null</c> at the end of the request
    /// stream. Both the frame length and the decompressed size are bounded by <paramref name="maxMessageBytes"/>,
    /// as grpc-go bounds them, so an oversized message is refused before its bytes are buffered.
    /// </summary>
    /// <exception cref="GrpcException">RESOURCE_EXHAUSTED (too large), UNIMPLEMENTED (unknown encoding), INTERNAL
    /// (truncated frame, corrupt compressed data).</exception>
    public static async ValueTask<PooledByteBuffer?> ReadMessageAsync(HttpContext context, int maxMessageBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        AllowRequestBodyOf(context, (long)maxMessageBytes + FrameHeaderBytes);
        PipeReader reader = context.Request.BodyReader;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool complete;
            bool compressed;
            ReadOnlySequence<byte> payload;
            try
            {
                complete = TryReadFrame(ref buffer, maxMessageBytes, out compressed, out payload);
            }
            catch
            {
                reader.AdvanceTo(result.Buffer.Start);
                throw;
            }

            if (complete)
            {
                PooledByteBuffer message;
                try
                {
                    message = CopyPayload(context, payload, compressed, maxMessageBytes);
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start);
                }

                return message;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.IsEmpty
                    ? null
                    : throw new GrpcException(GrpcStatus.Internal, "request stream ended inside a message frame");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Convenience over <see cref="ReadMessageAsync"/> for callers that parse the message right away.</summary>
    public static async ValueTask<byte[]?> ReadMessageBytesAsync(HttpContext context, int maxMessageBytes, CancellationToken cancellationToken)
    {
        using var message = await ReadMessageAsync(context, maxMessageBytes, cancellationToken).ConfigureAwait(false);
        return message?.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes one uncompressed response frame and flushes it, so server-streaming clients see each message as it is
    /// produced (they buffer nothing until a flush otherwise).
    /// </summary>
    public static async ValueTask WriteMessageAsync(HttpContext context, IMessage message, CancellationToken cancellationToken)
    {
        var size = message.CalculateSize();
        PipeWriter writer = context.Response.BodyWriter;
        Span<byte> frame = writer.GetSpan(FrameHeaderBytes + size);
        frame[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.Slice(1, 4), (uint)size);
        message.WriteTo(frame.Slice(FrameHeaderBytes, size));
        writer.Advance(FrameHeaderBytes + size);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxMessageBytes, out bool compressed, out ReadOnlySequence<byte> payload)
    {
        compressed = false;
        payload = default;
        if (buffer.Length < FrameHeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[FrameHeaderBytes];
        buffer.Slice(0, FrameHeaderBytes).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageBytes)
        {
            throw new GrpcException(GrpcStatus.ResourceExhausted,
                $"received message larger than max ({length} vs. {maxMessageBytes})");
        }

        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new GrpcException(GrpcStatus.Internal, $"invalid message frame flag {header[0]}"),
        };
        if (buffer.Length < FrameHeaderBytes + length)
        {
            return false;
        }

        payload = buffer.Slice(FrameHeaderBytes, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    private static PooledByteBuffer CopyPayload(HttpContext context, ReadOnlySequence<byte> payload, bool compressed, int maxMessageBytes)
    {
        var raw = new PooledByteBuffer((int)payload.Length);
        foreach (var segment in payload)
        {
            raw.Write(segment.Span);
        }

        if (!compressed)
        {
            return raw;
        }

        using (raw)
        {
            var encoding = context.Request.Headers["grpc-encoding"].ToString();
            if (!PayloadDecompressor.TryParseCoding(encoding, out var coding) || coding == ContentCoding.Identity)
            {
                // PROTOCOL-HTTP2.md: a message compressed with an encoding the server does not support is UNIMPLEMENTED.
                throw new GrpcException(GrpcStatus.Unimplemented,
                    $"compressed message with unsupported grpc-encoding \"{encoding}\" (supported: {AcceptEncoding})");
            }

            try
            {
                return PayloadDecompressor.Decompress(raw.WrittenMemory, coding, maxMessageBytes);
            }
            catch (PayloadTooLargeException)
            {
                throw new GrpcException(GrpcStatus.ResourceExhausted,
                    $"received message after decompression larger than max ({maxMessageBytes})");
            }
            catch (InvalidDataException e)
            {
                throw new GrpcException(GrpcStatus.Internal, $"failed to decompress the received message: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Kestrel caps every request body (30 MB by default, HTTP/2 included) and would fail the read with its own
    /// exception; raise the cap to what the call may legitimately send so our limit, with its gRPC status, applies.
    /// </summary>
    private static void AllowRequestBodyOf(HttpContext context, long bytes)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false } && feature.MaxRequestBodySize is { } current && current < bytes)
        {
            feature.MaxRequestBodySize = bytes;
        }
    }
}
