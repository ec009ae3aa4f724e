using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Tempo.Streaming.Cli.Tests;

/// <summary>What the fake answers to the n-th request (1-based).</summary>
public enum FakeAnswer
{
    Ok,
    /// <summary>OK with partial_success.rejected_spans = 3.</summary>
    PartialSuccess,
    /// <summary>gRPC: grpc-status 14 in the trailers after headers; HTTP: 503.</summary>
    Unavailable,
    /// <summary>gRPC: trailers-only response (grpc-status in the headers).</summary>
    UnavailableTrailersOnly,
}

/// <summary>
/// A tiny OTLP server on Kestrel (port 0), written by hand for these tests: gRPC Export over h2c
/// (Protocols = Http2) or OTLP/HTTP (protobuf and JSON) on HTTP/1.1. It records every request it decodes.
/// </summary>
public sealed class FakeOtlpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<int, FakeAnswer> _answer;
    private int _requests;

    public ConcurrentBag<ExportTraceServiceRequest> Received { get; } = [];
    public ConcurrentBag<string> Tenants { get; } = [];
    public ConcurrentBag<string> Encodings { get; } = [];
    public ConcurrentBag<string> JsonBodies { get; } = [];
    public ConcurrentDictionary<int, FakeAnswer> Answers { get; } = new();

    private FakeOtlpServer(bool grpc, Func<int, FakeAnswer> answer)
    {
        _answer = answer;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1);
        });
        _app = builder.Build();
        if (grpc)
        {
            _app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", HandleGrpcAsync);
        }
        else
        {
            _app.MapPost("/v1/traces", HandleHttpAsync);
        }
    }

    public Uri BaseAddress { get; private set; } = null!;

    public long ReceivedSpans => Received.Sum(r => r.ResourceSpans.Sum(rs => rs.ScopeSpans.Sum(s => (long)s.Spans.Count)));

    public static async Task<FakeOtlpServer> StartAsync(bool grpc, Func<int, FakeAnswer>? answer = null)
    {
        var server = new FakeOtlpServer(grpc, answer ?? (_ => FakeAnswer.Ok));
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    private FakeAnswer Next()
    {
        var n = Interlocked.Increment(ref _requests);
        var answer = _answer(n);
        Answers[n] = answer;
        return answer;
    }

    private async Task HandleGrpcAsync(HttpContext context)
    {
        var answer = Next();
        var body = await ReadAllAsync(context.Request.Body);
        var compressed = body[0] == 1;
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        var message = body.AsSpan(5, length).ToArray();
        if (compressed)
        {
            context.Request.Headers["grpc-encoding"].ToString().Should().Be("gzip");
            message = Gunzip(message);
        }
        Record(context, ExportTraceServiceRequest.Parser.ParseFrom(message));

        context.Response.ContentType = "application/grpc";
        if (answer == FakeAnswer.UnavailableTrailersOnly)
        {
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-message"] = "ingest%20log%20unavailable";
            return;
        }
        if (answer == FakeAnswer.Unavailable)
        {
            await context.Response.StartAsync();
            context.Response.AppendTrailer("grpc-status", "14");
            context.Response.AppendTrailer("grpc-message", "partition not ready");
            return;
        }
        var response = Response(answer).ToByteArray();
        var frame = new byte[5 + response.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)response.Length);
        response.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        var answer = Next();
        var body = await ReadAllAsync(context.Request.Body);
        if (context.Request.Headers.ContentEncoding == "gzip")
        {
            body = Gunzip(body);
        }
        var json = context.Request.ContentType == "application/json";
        ExportTraceServiceRequest request;
        if (json)
        {
            var text = System.Text.Encoding.UTF8.GetString(body);
            JsonBodies.Add(text);
            request = OtlpJson.Parse(text);
        }
        else
        {
            context.Request.ContentType.Should().Be("application/x-protobuf");
            request = ExportTraceServiceRequest.Parser.ParseFrom(body);
        }
        Record(context, request);
        if (answer is FakeAnswer.Unavailable or FakeAnswer.UnavailableTrailersOnly)
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("ingest log unavailable");
            return;
        }
        var response = Response(answer);
        if (json)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Google.Protobuf.JsonFormatter.Default.Format(response));
        }
        else
        {
            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(response.ToByteArray());
        }
    }

    private void Record(HttpContext context, ExportTraceServiceRequest request)
    {
        Received.Add(request);
        Tenants.Add(context.Request.Headers["X-Scope-OrgID"].ToString());
        Encodings.Add(context.Request.Headers.ContentEncoding.ToString() + context.Request.Headers["grpc-encoding"]);
    }

    private static ExportTraceServiceResponse Response(FakeAnswer answer) => answer == FakeAnswer.PartialSuccess
        ? new ExportTraceServiceResponse { PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = 3, ErrorMessage = "too old" } }
        : new ExportTraceServiceResponse();

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Reads OTLP/JSON into protobuf messages the way a receiver must: hex IDs (Google.Protobuf's JsonParser would
/// take them as base64), everything else by the proto3 JSON mapping.
/// </summary>
public static class OtlpJson
{
    public static ExportTraceServiceRequest Parse(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        foreach (var resource in node["resourceSpans"]!.AsArray())
        {
            foreach (var scope in resource!["scopeSpans"]!.AsArray())
            {
                foreach (var span in scope!["spans"]!.AsArray())
                {
                    HexToBase64(span!, "traceId", 16);
                    HexToBase64(span!, "spanId", 8);
                    HexToBase64(span!, "parentSpanId", 8);
                    foreach (var link in span!["links"]?.AsArray() ?? [])
                    {
                        HexToBase64(link!, "traceId", 16);
                        HexToBase64(link!, "spanId", 8);
                    }
                }
            }
        }
        var parser = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));
        return parser.Parse<ExportTraceServiceRequest>(node.ToJsonString());
    }

    private static void HexToBase64(System.Text.Json.Nodes.JsonNode owner, string property, int bytes)
    {
        if (owner[property] is not { } value)
        {
            return;
        }
        var hex = value.GetValue<string>();
        hex.Should().MatchRegex($"^[0-9a-f]{{{bytes * 2}}}$", $"OTLP/JSON {property} is {bytes} bytes of lowercase hex");
        owner[property] = Convert.ToBase64String(Convert.FromHexString(hex));
    }
}
