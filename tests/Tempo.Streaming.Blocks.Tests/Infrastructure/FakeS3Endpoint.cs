using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tempo.Streaming.Blocks.Tests.Infrastructure;

/// <summary>
/// A tiny HTTP/1.1 server on loopback that answers every request from a script of canned S3 responses (status, error
/// code, body), to test what the S3 store does with failures s3rver cannot produce (503 SlowDown, 500, throttling).
/// Counts the requests it received.
/// </summary>
public sealed class FakeS3Endpoint : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<int, (int Status, string? ErrorCode, byte[] Body)> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    /// <param name="respond">Given the 1-based request number, the response to send.</param>
    public FakeS3Endpoint(Func<int, (int Status, string? ErrorCode, byte[] Body)> respond)
    {
        _respond = respond;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            var filled = 0;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    // Read one request head, then skip its body by Content-Length.
                    int headEnd;
                    while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        filled += read;
                    }

                    var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
                    var bodyLength = ContentLength(head);
                    var consumed = headEnd + 4;
                    var toSkip = bodyLength - (filled - consumed);
                    while (toSkip > 0)
                    {
                        var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, toSkip)), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        toSkip -= read;
                    }

                    filled = toSkip < 0 ? (int)-toSkip : 0;
                    if (filled > 0)
                    {
                        Buffer.BlockCopy(buffer, consumed + (int)bodyLength, buffer, 0, filled);
                    }

                    var number = Interlocked.Increment(ref _requests);
                    var (status, code, body) = _respond(number);
                    if (code is not null)
                    {
                        body = Encoding.UTF8.GetBytes(
                            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>fake {code}</Message><RequestId>r{number}</RequestId></Error>");
                    }

                    var response = $"HTTP/1.1 {status} {(status < 400 ? "OK" : "Error")}\r\n" +
                                   $"Content-Length: {body.Length}\r\n" +
                                   $"Content-Type: {(code is null ? "application/octet-stream" : "application/xml")}\r\n" +
                                   $"x-amz-request-id: r{number}\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(response), _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    private static long ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(line.AsSpan("Content-Length:".Length).Trim());
            }
        }

        return 0;
    }
}
