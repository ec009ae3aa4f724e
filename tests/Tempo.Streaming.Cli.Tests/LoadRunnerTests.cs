using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Cli.Load;
using Tempo.Streaming.Cli.Load.Transport;
using Tempo.Streaming.Cli.Load.Workload;

namespace Tempo.Streaming.Cli.Tests;

public sealed class LoadRunnerTests : IDisposable
{
    private static readonly DateTimeOffset BaseTime = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("cli-load-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static HashSet<ByteString> TraceIds(IEnumerable<ExportTraceServiceRequest> requests) =>
        requests.SelectMany(r => r.ResourceSpans).SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.TraceId).ToHashSet();

    [Fact]
    public async Task Grpc_run_counts_acknowledged_batches_and_grpc_errors()
    {
        // Every third request fails with UNAVAILABLE: alternately in trailers and as a trailers-only response.
        await using var server = await FakeOtlpServer.StartAsync(grpc: true, n => n % 3 != 0 ? FakeAnswer.Ok
            : n % 2 == 0 ? FakeAnswer.Unavailable : FakeAnswer.UnavailableTrailersOnly);
        var ackedPath = Path.Combine(_dir, "acked.tsv");
        var options = new LoadOptions
        {
            Endpoint = server.BaseAddress.ToString(),
            Protocol = LoadProtocol.OtlpGrpc,
            Traces = 600,
            BatchSpans = 500,
            Concurrency = 4,
            Tenant = "team-a",
            StartTime = BaseTime,
            AckedOutputFile = ackedPath,
        };
        var runner = new LoadRunner(options);
        var events = new ConcurrentBag<AcknowledgedBatch>();
        runner.BatchAcknowledged += events.Add;

        var summary = await runner.RunAsync(CancellationToken.None);

        var workload = new ShopWorkload(42, BaseTime);
        var totalSpans = Enumerable.Range(0, 600).Sum(i => workload.SpanCount(i));
        var requests = server.Answers.Count;
        var failures = server.Answers.Values.Count(a => a != FakeAnswer.Ok);
        failures.Should().Be(requests / 3);
        summary.FailedBatches.Should().Be(failures);
        summary.AcknowledgedBatches.Should().Be(requests - failures);
        summary.AcknowledgedSpans.Should().Be(events.Sum(e => (long)e.SpanCount));
        (summary.AcknowledgedSpans + summary.FailedSpans).Should().Be(totalSpans);
        server.ReceivedSpans.Should().Be(totalSpans);
        summary.ErrorsByKind.Should().ContainSingle().Which.Key.Should().Be("grpc-status 14 UNAVAILABLE");
        summary.ErrorsByKind.Values.Single().Should().Be(failures);
        summary.HasErrors.Should().BeTrue();
        summary.Latency.Count.Should().Be(requests);
        summary.Latency.P50Ms.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(summary.Latency.MaxMs);
        server.Tenants.Should().AllBe("team-a");

        // The acknowledged traces: the event, the --acked-out file and the summary agree, and the failed ones are absent.
        var ackedIndices = events.SelectMany(e => Enumerable.Range(0, e.TraceCount).Select(i => e.FirstTrace + i)).ToList();
        ackedIndices.Should().OnlyHaveUniqueItems().And.HaveCount((int)summary.AcknowledgedTraces);
        var file = AckedTraceLog.Read(ackedPath);
        file.Keys.Should().BeEquivalentTo(ackedIndices);
        file.Should().AllSatisfy(kv => kv.Value.Should().Be(workload.TraceIdHex(kv.Key)));
        summary.AcknowledgedTraces.Should().BeLessThan(600);
    }

    [Fact]
    public async Task Http_protobuf_run_counts_partial_success_and_http_errors_with_gzip()
    {
        await using var server = await FakeOtlpServer.StartAsync(grpc: false, n => n switch
        {
            2 => FakeAnswer.PartialSuccess,
            4 => FakeAnswer.Unavailable,
            _ => FakeAnswer.Ok,
        });
        var summary = await new LoadRunner(new LoadOptions
        {
            Endpoint = server.BaseAddress.ToString(),
            Protocol = LoadProtocol.OtlpHttp,
            Traces = 300,
            BatchSpans = 400,
            Concurrency = 2,
            Gzip = true,
            StartTime = BaseTime,
        }).RunAsync(CancellationToken.None);

        summary.RejectedSpans.Should().Be(3);
        summary.FailedBatches.Should().Be(1);
        summary.ErrorsByKind.Should().Equal(new Dictionary<string, long> { ["http 503"] = 1 });
        summary.ErrorExamples["http 503"].Should().Contain("ingest log unavailable");
        server.Encodings.Should().AllBe("gzip");
        summary.WireBytes.Should().BeLessThan(summary.ProtobufBytes / 2, "gzip shrinks the repetitive batches");
        summary.ProtobufBytesPerSpan.Should().BeInRange(350, 700);
        server.Tenants.Should().AllBe("");
    }

    [Fact]
    public async Task Http_json_run_sends_the_same_spans_as_protobuf()
    {
        await using var server = await FakeOtlpServer.StartAsync(grpc: false);
        var summary = await new LoadRunner(new LoadOptions
        {
            Endpoint = server.BaseAddress.ToString(),
            Protocol = LoadProtocol.OtlpHttpJson,
            Traces = 120,
            BatchSpans = 300,
            StartTime = BaseTime,
            Seed = 9,
        }).RunAsync(CancellationToken.None);

        summary.HasErrors.Should().BeFalse();
        summary.AcknowledgedTraces.Should().Be(120);
        var workload = new ShopWorkload(9, BaseTime);
        var expected = workload.GenerateTraces(0, 120);
        var received = server.Received.SelectMany(r => r.ResourceSpans).SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
            .OrderBy(s => s.TraceId.ToBase64()).ThenBy(s => s.SpanId.ToBase64()).ToList();
        var generated = expected.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
            .OrderBy(s => s.TraceId.ToBase64()).ThenBy(s => s.SpanId.ToBase64()).ToList();
        received.Should().Equal(generated);
    }

    [Fact]
    public async Task Out_file_replays_through_in_byte_for_byte()
    {
        var path = Path.Combine(_dir, "shop.batches");
        var recorded = new ConcurrentBag<AcknowledgedBatch>();
        var recorder = new LoadRunner(new LoadOptions { OutputFile = path, Traces = 250, BatchSpans = 700, StartTime = BaseTime, Seed = 3 });
        recorder.BatchAcknowledged += recorded.Add;
        var written = await recorder.RunAsync(CancellationToken.None);
        written.Mode.Should().Be("out");
        written.AcknowledgedTraces.Should().Be(250);

        using (var reader = new BatchFileReader(path))
        {
            reader.Header.Should().Be(new BatchFileHeader(3, ShopWorkload.ToUnixNanos(BaseTime)));
            var buffer = Array.Empty<byte>();
            var encoder = new ShopWorkload(3, BaseTime).CreateEncoder();
            var writer = new Tempo.Streaming.Core.Wire.ProtoBufferWriter();
            var batches = 0;
            while (reader.TryRead(ref buffer, out var batch, out var length))
            {
                encoder.Encode(batch.FirstTrace, batch.TraceCount, writer).Should().Be(batch.SpanCount);
                buffer.AsSpan(0, length).ToArray().Should().Equal(writer.WrittenSpan.ToArray());
                batches++;
            }
            batches.Should().Be(recorded.Count);
        }

        await using var server = await FakeOtlpServer.StartAsync(grpc: true);
        var ackedPath = Path.Combine(_dir, "acked.tsv");
        var replay = await new LoadRunner(new LoadOptions
        {
            InputFile = path,
            Endpoint = server.BaseAddress.ToString(),
            AckedOutputFile = ackedPath,
            Concurrency = 3,
        }).RunAsync(CancellationToken.None);

        replay.HasErrors.Should().BeFalse();
        replay.AcknowledgedSpans.Should().Be(written.AcknowledgedSpans);
        var workload = new ShopWorkload(3, BaseTime);
        TraceIds(server.Received).Should().BeEquivalentTo(Enumerable.Range(0, 250).Select(i => ByteString.CopyFrom(workload.TraceId(i))));
        AckedTraceLog.Read(ackedPath).Should().HaveCount(250).And.AllSatisfy(kv => kv.Value.Should().Be(workload.TraceIdHex(kv.Key)));
    }

    [Fact]
    public async Task A_truncated_batch_file_is_an_error_not_a_silent_end()
    {
        var path = Path.Combine(_dir, "torn.batches");
        await new LoadRunner(new LoadOptions { OutputFile = path, Traces = 20, BatchSpans = 100, StartTime = BaseTime })
            .RunAsync(CancellationToken.None);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 7);
        }
        using var reader = new BatchFileReader(path);
        var buffer = Array.Empty<byte>();
        var act = () =>
        {
            while (reader.TryRead(ref buffer, out _, out _))
            {
            }
        };
        act.Should().Throw<InvalidDataException>().WithMessage("*truncated*");
        File.WriteAllText(Path.Combine(_dir, "other"), "hello");
        FluentActions.Invoking(() => new BatchFileReader(Path.Combine(_dir, "other")))
            .Should().Throw<InvalidDataException>().WithMessage("*not a load batch file*");
    }

    [Fact]
    public async Task Connection_refused_is_counted_by_exception_kind()
    {
        // A port nothing listens on: take one from the OS and release it.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var summary = await new LoadRunner(new LoadOptions
        {
            Endpoint = $"127.0.0.1:{port}",
            Traces = 50,
            BatchSpans = 200,
            Concurrency = 2,
        }).RunAsync(CancellationToken.None);

        summary.AcknowledgedBatches.Should().Be(0);
        summary.FailedBatches.Should().BeGreaterThan(0);
        summary.ErrorsByKind.Keys.Should().ContainSingle().Which.Should().StartWith("exception HttpRequestException");
    }

    [Fact]
    public async Task Rate_limit_spreads_the_batches_over_time()
    {
        await using var server = await FakeOtlpServer.StartAsync(grpc: true);
        var workload = new ShopWorkload(42, BaseTime);
        var spans = Enumerable.Range(0, 200).Sum(i => workload.SpanCount(i));
        const double rate = 10_000;
        var clock = Stopwatch.StartNew();
        var summary = await new LoadRunner(new LoadOptions
        {
            Endpoint = server.BaseAddress.ToString(),
            Traces = 200,
            BatchSpans = 200,
            Rate = rate,
            StartTime = BaseTime,
        }).RunAsync(CancellationToken.None);

        summary.AcknowledgedSpans.Should().Be(spans);
        // The first batch may go at once (a burst of one batch); the rest cannot be sent faster than the rate.
        clock.Elapsed.TotalSeconds.Should().BeGreaterThanOrEqualTo((spans - 260) / rate);
    }

    [Fact]
    public async Task Stopping_ends_the_run_and_still_summarizes()
    {
        await using var server = await FakeOtlpServer.StartAsync(grpc: true);
        using var stop = new CancellationTokenSource();
        var runner = new LoadRunner(new LoadOptions
        {
            Endpoint = server.BaseAddress.ToString(),
            Duration = TimeSpan.FromMinutes(10),
            BatchSpans = 100,
            Rate = 5_000,
        });
        runner.BatchAcknowledged += _ => stop.Cancel();

        var summary = await runner.RunAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(30));

        summary.AcknowledgedBatches.Should().BeGreaterThan(0);
        summary.HasErrors.Should().BeFalse();
    }
}
