using System.Diagnostics;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.IngestLog;
using Xunit.Abstractions;

namespace Tempo.Streaming.Distributor.Tests;

/// <summary>
/// Measures the distributor's CPU path (scan, validate, regroup, encode records) on one thread, with a log that
/// acknowledges at once, on ~1000-span requests shaped like BENCHMARKS.md's "shop" workload. It prints spans/s and
/// allocated bytes per push; timings are never asserted. In the normal test run it runs briefly as a volume smoke
/// test; for a figure run it in Release with TEMPO_DISTRIBUTOR_BENCH=1:
/// <c>TEMPO_DISTRIBUTOR_BENCH=1 dotnet test tests/Tempo.Streaming.Distributor.Tests -c Release --filter RegroupThroughput --logger "console;verbosity=detailed"</c>
/// </summary>
public sealed class RegroupThroughput(ITestOutputHelper output)
{
    [Fact]
    public async Task Regroup_and_encode_throughput_on_1000_span_requests()
    {
        var full = Environment.GetEnvironmentVariable("TEMPO_DISTRIBUTOR_BENCH") == "1";
        var requests = Enumerable.Range(0, 16).Select(i => ShopRequest(seed: i, spans: 1000)).ToArray();
        var log = new AcknowledgingLog(4);
        using var distributor = new TraceDistributor(log, new InMemoryPartitionRing(4), DistributorOptions.Default);

        // Warm up (JIT tiering) before measuring.
        for (var i = 0; i < 200; i++)
        {
            (await distributor.PushAsync("single-tenant", requests[i % requests.Length], CancellationToken.None)).AcceptedSpans.Should().Be(1000);
        }

        var duration = TimeSpan.FromSeconds(full ? 5 : 0.3);
        var pushes = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var gen0 = GC.CollectionCount(0);
        var gen2 = GC.CollectionCount(2);
        // CPU time of the whole process (GC included) is what counts on a shared 2-core machine, where wall time
        // also measures whoever else is running.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            var task = distributor.PushAsync("single-tenant", requests[pushes % requests.Length], CancellationToken.None);
            // The log completes synchronously, so the whole push ran on this thread.
            task.IsCompletedSuccessfully.Should().BeTrue();
            pushes++;
        }

        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var spansPerSecond = pushes * 1000 / stopwatch.Elapsed.TotalSeconds;
        var bytesPerRequest = requests.Average(r => r.Length);
        output.WriteLine($"{pushes} pushes of 1000 spans ({bytesPerRequest:F0} bytes) in {stopwatch.Elapsed.TotalSeconds:F2} s on one thread: " +
                         $"{spansPerSecond:N0} spans/s wall, {pushes * 1000 / cpu.TotalSeconds:N0} spans per CPU-second, " +
                         $"{allocated / pushes:N0} bytes allocated per push " +
                         $"({(double)allocated / pushes / bytesPerRequest:F2}x the request), " +
                         $"{GC.CollectionCount(0) - gen0} gen0 / {GC.CollectionCount(2) - gen2} gen2 collections");
        log.Records.Should().BeGreaterThan(0);
    }

    /// <summary>A request like the standard workload: 8 services, traces of ~15 spans, ~500 bytes per span.</summary>
    private static byte[] ShopRequest(int seed, int spans)
    {
        var random = new Random(seed);
        string[] services = ["frontend", "cart", "checkout", "payment", "shipping", "catalog", "auth", "postgres"];
        var request = new ExportTraceServiceRequest();
        var scopes = new Dictionary<string, ScopeSpans>();
        foreach (var service in services)
        {
            var resource = new Resource();
            resource.Attributes.Add(Kv("service.name", service));
            resource.Attributes.Add(Kv("service.version", "1.4." + random.Next(10)));
            resource.Attributes.Add(Kv("host.name", service + "-host-" + random.Next(100)));
            resource.Attributes.Add(Kv("k8s.namespace.name", "shop"));
            resource.Attributes.Add(Kv("k8s.pod.name", service + "-7d9f8c6b5-" + random.Next(100000)));
            resource.Attributes.Add(Kv("deployment.environment", "production"));
            var scopeSpans = new ScopeSpans { Scope = new InstrumentationScope { Name = "io.opentelemetry." + service, Version = "2.1.0" } };
            request.ResourceSpans.Add(new ResourceSpans { Resource = resource, ScopeSpans = { scopeSpans }, SchemaUrl = "https://opentelemetry.io/schemas/1.21.0" });
            scopes[service] = scopeSpans;
        }

        var traceId = new byte[16];
        var spanId = new byte[8];
        var remaining = 0;
        for (var i = 0; i < spans; i++)
        {
            if (remaining == 0)
            {
                random.NextBytes(traceId);
                remaining = random.Next(5, 26);
            }

            remaining--;
            random.NextBytes(spanId);
            var service = services[random.Next(services.Length)];
            var span = new Span
            {
                TraceId = ByteString.CopyFrom(traceId),
                SpanId = ByteString.CopyFrom(spanId),
                ParentSpanId = ByteString.CopyFrom(spanId.Reverse().ToArray()),
                Name = "GET /api/" + service + "/items/{id}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i * 1000,
                EndTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i * 1000 + (ulong)random.Next(1_000_000),
                Status = new Status { Code = Status.Types.StatusCode.Ok },
            };
            span.Attributes.Add(Kv("http.request.method", "GET"));
            span.Attributes.Add(Kv("url.path", "/api/" + service + "/items/" + random.Next(100000)));
            span.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
            span.Attributes.Add(Kv("net.peer.name", service + ".shop.svc.cluster.local"));
            span.Attributes.Add(Kv("user.id", "user-" + random.Next(1_000_000)));
            span.Attributes.Add(Kv("order.id", Guid.NewGuid().ToString()));
            span.Attributes.Add(Kv("db.statement", "SELECT id, name, price, stock FROM items WHERE id = $1 AND tenant = $2 LIMIT 1"));
            span.Attributes.Add(Kv("rpc.method", "GetItem"));
            scopes[service].Spans.Add(span);
        }

        return request.ToByteArray();
    }

    private static KeyValue Kv(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    /// <summary>A log that acknowledges every append synchronously and keeps nothing.</summary>
    private sealed class AcknowledgingLog(int partitions) : IIngestLog
    {
        public long Records;

        public string Topic => "bench";

        public int PartitionCount => partitions;

        public ValueTask<long[]> AppendAsync(int partition, IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken)
        {
            Records += records.Count;
            return ValueTask.FromResult(Array.Empty<long>());
        }

        public ValueTask<IReadOnlyList<LogRecord>> ReadAsync(int partition, long fromOffset, int maxRecords, int maxBytes,
            CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<LogRecord>>([]);

        public ValueTask<long> GetLogStartOffsetAsync(int partition, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

        public ValueTask<long> GetHighWatermarkAsync(int partition, CancellationToken cancellationToken) => ValueTask.FromResult(Records);

        public ValueTask CommitAsync(string group, int partition, long nextOffset, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<long?> GetCommittedAsync(string group, int partition, CancellationToken cancellationToken) =>
            ValueTask.FromResult<long?>(null);

        public ValueTask<long?> GetOffsetForTimestampAsync(int partition, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
            ValueTask.FromResult<long?>(null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
