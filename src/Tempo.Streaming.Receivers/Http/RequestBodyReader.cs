using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tempo.Streaming.Receivers.Buffers;

namespace Tempo.Streaming.Receivers.Http;

/// <summary>Reads a whole request body into a pooled buffer, refusing it as soon as it is over the limit.</summary>
internal static class RequestBodyReader
{
    private const int ReadChunkBytes = 16 * 1024;

    /// <exception cref="PayloadTooLargeException">the declared or received length is over <paramref name="maxBytes"/>.</exception>
    public static async ValueTask<PooledByteBuffer> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        // Kestrel's own cap (30 MB by default) would otherwise fail the read first, with a plain 413 and no OTLP body.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false } && sizeFeature.MaxRequestBodySize is { } kestrelLimit && kestrelLimit <= maxBytes)
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1;
        }

        var buffer = new PooledByteBuffer((int)Math.Min(declared ?? ReadChunkBytes, maxBytes + 1));
        try
        {
            while (declared is null || buffer.WrittenCount < declared)
            {
                // With a declared length the buffer was sized to it; read straight into the rest of it.
                var read = await request.Body.ReadAsync(buffer.GetMemory(declared is null ? ReadChunkBytes : 1), cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static PayloadTooLargeException TooLarge(long maxBytes) =>
        new($"request body is larger than the limit of {maxBytes} bytes");
}
