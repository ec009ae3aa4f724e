using System.Net;

namespace Tempo.Streaming.Cli.Load.Transport;

/// <summary>
/// An HTTP body made of a small prefix and a payload, written without copying them together (the gRPC
/// 5-byte message prefix in front of a batch of several hundred kilobytes).
/// </summary>
internal sealed class FramedContent(ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> payload) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (!prefix.IsEmpty)
        {
            await stream.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
        }
        await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = prefix.Length + payload.Length;
        return true;
    }
}
