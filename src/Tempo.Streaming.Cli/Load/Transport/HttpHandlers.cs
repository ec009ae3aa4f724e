using System.Net;

namespace Tempo.Streaming.Cli.Load.Transport;

internal static class HttpHandlers
{
    public static HttpClient Create(int maxConnectionsPerServer, bool http2)
    {
        var handler = new SocketsHttpHandler
        {
            // h2c with prior knowledge: gRPC servers (and our port 4317) speak only HTTP/2 on cleartext.
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = maxConnectionsPerServer,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = http2 ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    /// <summary>Reads a (small) response body into a pooled buffer, refusing bodies over the limit.</summary>
    public static async Task<int> ReadBodyAsync(HttpResponseMessage response, byte[] buffer, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                // Drain and report truncation: a response this large is not an OTLP export response anyway.
                var drain = new byte[4096];
                while (await stream.ReadAsync(drain, cancellationToken).ConfigureAwait(false) > 0)
                {
                }
                return total;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return total;
            }
            total += read;
        }
    }
}
