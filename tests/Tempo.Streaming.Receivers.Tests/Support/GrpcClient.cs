using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace Tempo.Streaming.Receivers.Tests.Support;

public sealed record GrpcReply(HttpStatusCode HttpStatus, string? ContentType, List<byte[]> Messages, string? Status, string? Message);

/// <summary>Raw gRPC over HTTP/2 against TestServer (Grpc.Net.Client does not restore here).</summary>
public static class GrpcClient
{
    public static byte[] Frame(byte[] message, bool compressed = false)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    public static async Task<GrpcReply> CallAsync(HttpClient client, string path, byte[] body, params (string Name, string Value)[] headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var messages = new List<byte[]>();
        for (var pos = 0; pos < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos + 1, 4));
            messages.Add(bytes.AsSpan(pos + 5, length).ToArray());
            pos += 5 + length;
        }

        return new GrpcReply(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            messages,
            Header(response, "grpc-status"),
            Header(response, "grpc-message"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.Single()
        : response.Headers.TryGetValues(name, out var header) ? header.Single()
        : null;
}
