using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.IntegrationTests.Infrastructure;

namespace Tempo.Streaming.IntegrationTests;

/// <summary>
/// Invariant 5 against the running binary: malformed, unsupported or oversized pushes get a clear 4xx (or the gRPC
/// status) and change nothing in the ingest log; a good push right after still works.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("tempo-it-bad");
    private readonly HttpClient _http = new();
    private readonly HttpClient _h2c = new(new SocketsHttpHandler())
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _h2c.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    public static TheoryData<string, string, byte[], bool, HttpStatusCode, string> HttpCases => new()
    {
        { "truncated protobuf", "application/x-protobuf", ValidRequest()[..^7], false, HttpStatusCode.BadRequest, "invalid protobuf" },
        { "garbage protobuf", "application/x-protobuf", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01], false, HttpStatusCode.BadRequest, "invalid protobuf" },
        { "malformed JSON", "application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":"u8.ToArray(), false, HttpStatusCode.BadRequest, "" },
        { "JSON of the wrong type", "application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":5}]}]}]}"u8.ToArray(), false, HttpStatusCode.BadRequest, "name" },
        { "unsupported content type", "text/plain", "hello"u8.ToArray(), false, HttpStatusCode.UnsupportedMediaType, "" },
        { "body over the limit", "application/x-protobuf", new byte[21 * 1024 * 1024], false, HttpStatusCode.RequestEntityTooLarge, "" },
        { "gzip bomb over the limit", "application/x-protobuf", new byte[64 * 1024 * 1024], true, HttpStatusCode.RequestEntityTooLarge, "" },
        { "truncated gzip", "application/x-protobuf", Gzip(ValidRequest())[..^6], false, HttpStatusCode.BadRequest, "" },
    };

    [Theory]
    // 21 MB and 64 MB bodies: xunit must not pre-enumerate (serialize) them at discovery, which takes minutes and
    // gigabytes (the test host was OOM-killed discovering this project); they are built when the theory runs.
    [MemberData(nameof(HttpCases), DisableDiscoveryEnumeration = true)]
    public async Task Bad_otlp_http_push_is_refused_and_writes_nothing(string what, string contentType, byte[] body, bool gzip,
        HttpStatusCode expected, string messageContains)
    {
        var before = await HighWatermarksAsync();
        var content = new ByteArrayContent(gzip ? Gzip(body) : body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip || what == "truncated gzip") content.Headers.ContentEncoding.Add("gzip");

        using var response = await _http.PostAsync(_server.OtlpHttpTraces, content);

        response.StatusCode.Should().Be(expected, what);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotBeNullOrWhiteSpace("the client must be told what is wrong");
        if (messageContains.Length > 0) text.Should().Contain(messageContains);
        (await HighWatermarksAsync()).Should().Equal(before, "a refused push must not write anything");
        await AssertGoodPushStillWorksAsync();
    }

    [Fact]
    public async Task Malformed_grpc_export_is_invalid_argument_and_writes_nothing()
    {
        var before = await HighWatermarksAsync();
        var (status, message) = await GrpcExportAsync(ValidRequest()[..^7]);
        status.Should().Be("3", "INVALID_ARGUMENT");
        message.Should().Contain("invalid protobuf");
        (await HighWatermarksAsync()).Should().Equal(before);
        await AssertGoodPushStillWorksAsync();
    }

    [Fact]
    public async Task Oversized_grpc_export_is_resource_exhausted_and_writes_nothing()
    {
        var before = await HighWatermarksAsync();
        var (status, _) = await GrpcExportAsync(new byte[5 * 1024 * 1024]);
        status.Should().Be("8", "RESOURCE_EXHAUSTED");
        (await HighWatermarksAsync()).Should().Equal(before);
    }

    [Fact]
    public async Task Spans_with_invalid_ids_are_reported_as_partial_success()
    {
        var request = ExportTraceServiceRequest.Parser.ParseFrom(ValidRequest());
        var bad = request.ResourceSpans[0].ScopeSpans[0].Spans[0].Clone();
        bad.TraceId = ByteString.CopyFrom(new byte[16]);
        request.ResourceSpans[0].ScopeSpans[0].Spans.Add(bad);
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await _http.PostAsync(_server.OtlpHttpTraces, content);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        answer.PartialSuccess.RejectedSpans.Should().Be(1);
        answer.PartialSuccess.ErrorMessage.Should().Contain("trace ID");
        using var metrics = await _http.GetAsync(new Uri(_server.HttpBase, "/metrics"));
        (await metrics.Content.ReadAsStringAsync()).Should().MatchRegex("tempo_discarded_spans_total\\{[^}]*reason=\"invalid_trace_id\"[^}]*\\} 1");
    }

    private async Task<(string Status, string Message)> GrpcExportAsync(byte[] message)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var response = await _h2c.PostAsync(new Uri(_server.OtlpGrpc, "/opentelemetry.proto.collector.trace.v1.TraceService/Export"), content);
        await response.Content.ReadAsByteArrayAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, "gRPC errors travel in trailers");
        string Header(string name) => response.TrailingHeaders.TryGetValues(name, out var v) ? v.First()
            : response.Headers.TryGetValues(name, out var h) ? h.First() : "";
        return (Header("grpc-status"), Uri.UnescapeDataString(Header("grpc-message")));
    }

    private async Task AssertGoodPushStillWorksAsync()
    {
        var before = (await HighWatermarksAsync()).Sum();
        var content = new ByteArrayContent(ValidRequest());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await _http.PostAsync(_server.OtlpHttpTraces, content);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await HighWatermarksAsync()).Sum().Should().BeGreaterThan(before);
    }

    private async Task<long[]> HighWatermarksAsync()
    {
        await using var log = EmbeddedIngestLog.OpenReadOnly(_server.IngestPath);
        var marks = new long[log.PartitionCount];
        for (var p = 0; p < marks.Length; p++) marks[p] = await log.GetHighWatermarkAsync(p, CancellationToken.None);
        return marks;
    }

    private static byte[] ValidRequest()
    {
        var random = new Random(5);
        var scope = new ScopeSpans { Scope = new() { Name = "bad-input-test" } };
        for (var i = 0; i < 3; i++)
        {
            var traceId = new byte[16];
            var spanId = new byte[8];
            random.NextBytes(traceId);
            random.NextBytes(spanId);
            scope.Spans.Add(new Span { TraceId = ByteString.CopyFrom(traceId), SpanId = ByteString.CopyFrom(spanId), Name = $"op {i}" });
        }
        var rs = new ResourceSpans { Resource = new() };
        rs.Resource.Attributes.Add(new OpenTelemetry.Proto.Common.V1.KeyValue { Key = "service.name", Value = new() { StringValue = "bad-input" } });
        rs.ScopeSpans.Add(scope);
        return new ExportTraceServiceRequest { ResourceSpans = { rs } }.ToByteArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }
}
