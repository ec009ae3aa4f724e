using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Tempo.Streaming.Server.Hosting;

/// <summary>
/// HTTP/1.1 and HTTP/2 cleartext (h2c, prior knowledge) on one listener, as Tempo serves its HTTP port through Go's
/// <c>h2c.NewHandler</c> so Grafana's gRPC client can dial it. Kestrel 10 only picks HTTP/2 on a cleartext
/// <c>Http1AndHttp2</c> endpoint when ALPN says "h2", so this connection middleware peeks at the first 24 bytes and,
/// when they are the HTTP/2 connection preface, presents a TLS feature with ALPN "h2" (the recipe proven in
/// shared/deps/managed.md §3.3; it needs <c>KestrelServerOptions.AllowAlternateSchemes</c> so h2 streams with
/// <c>:scheme http</c> are accepted). The peeked bytes are not consumed.
/// </summary>
public static class H2cPriorKnowledge
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static ListenOptions UseH2cPriorKnowledgeSniffing(this ListenOptions listenOptions, TimeSpan firstBytesTimeout)
    {
        listenOptions.Use(next => async connection =>
        {
            bool? isHttp2;
            using (var timeout = new CancellationTokenSource(firstBytesTimeout))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, connection.ConnectionClosed))
            {
                try
                {
                    isHttp2 = await StartsWithPrefaceAsync(connection.Transport.Input, linked.Token);
                }
                catch (OperationCanceledException)
                {
                    isHttp2 = null;
                }
            }

            if (isHttp2 is null)
            {
                // Silent or closed client: Kestrel's own timeouts only start once a protocol runs, so drop it here.
                connection.Abort();
                return;
            }

            if (isHttp2 == true)
            {
                connection.Features.Set<ITlsConnectionFeature>(new CleartextHttp2Marker());
                connection.Features.Set<ITlsApplicationProtocolFeature>(new CleartextHttp2Marker());
            }

            await next(connection);
        });
        return listenOptions;
    }

    private static async Task<bool> StartsWithPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var head = new byte[Preface.Length];
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var length = (int)Math.Min(buffer.Length, head.Length);
            buffer.Slice(0, length).CopyTo(head);
            var prefixMatches = head.AsSpan(0, length).SequenceEqual(Preface[..length]);
            if (!prefixMatches || length == head.Length || read.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return prefixMatches && length == head.Length;
            }

            input.AdvanceTo(buffer.Start, buffer.End); // keep everything, wait for more bytes
        }
    }

    /// <summary>Tells Kestrel "ALPN chose h2"; there is no certificate and no encryption.</summary>
    private sealed class CleartextHttp2Marker : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        private static readonly ReadOnlyMemory<byte> H2 = "h2"u8.ToArray();

        public ReadOnlyMemory<byte> ApplicationProtocol => H2;

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set { }
        }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult<X509Certificate2?>(null);
    }
}
