using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Tempo.Streaming.Server.Tests.Support;

/// <summary>Raw gRPC over h2c with HttpClient (no gRPC client package restores here): framing and trailers.</summary>
public static class Grpc
{
    public static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static HttpRequestMessage Request(Uri uri, byte[] body) => new(HttpMethod.Post, uri)
    {
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact, // http:// + exact 2.0 = h2c prior knowledge
        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc") } },
    };

    /// <summary>Sends a unary call; returns the response message bytes (if any), grpc-status and grpc-message.</summary>
    public static async Task<(byte[]? Message, string? Status, string? StatusMessage)> CallAsync(HttpClient client, Uri uri, byte[] body)
    {
        using var request = Request(uri, body);
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "gRPC reports errors in trailers, with HTTP 200");
        response.Version.Should().Be(HttpVersion.Version20);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        byte[]? message = null;
        if (bytes.Length >= 5)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
            message = bytes.AsSpan(5, length).ToArray();
        }

        var status = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
        var statusMessage = Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message");
        return (message, status, statusMessage);
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
