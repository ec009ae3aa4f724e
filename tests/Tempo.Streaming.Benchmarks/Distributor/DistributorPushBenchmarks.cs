using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Benchmarks.Infrastructure;
using Tempo.Streaming.Distributor;

namespace Tempo.Streaming.Benchmarks.Distributor;

/// <summary>
/// The distributor's CPU cost per span: <see cref="TraceDistributor.PushAsync"/> of 1000-span shop requests into a log
/// that acknowledges at once, so scan + validate + regroup by trace ID + partition choice + record encoding is all that
/// is measured, on one thread. One operation is one span; Allocated is bytes per span (× 1000 for a push), to be read
/// against the request's protobuf bytes per span (MB/s counts those).
/// <see cref="DecodeWithGoogleProtobuf"/> is the reference the byte-level design is judged against: only turning the same
/// request into Google.Protobuf objects, before any regrouping or re-encoding.
/// </summary>
[MemoryDiagnoser]
[SpanThroughput]
public class DistributorPushBenchmarks : IByteThroughput
{
    private const int SpansPerPush = 1000;
    private const int PushesPerInvoke = 10;
    private const int SpansPerInvoke = SpansPerPush * PushesPerInvoke;

    private static readonly Lazy<double> RequestBytesPerSpan = new(static () =>
    {
        long bytes = 0;
        foreach (var batch in ShopBatches.Exact(SpansPerPush, PushesPerInvoke))
        {
            bytes += batch.Protobuf.Length;
        }
        return (double)bytes / SpansPerInvoke;
    });

    private ReadOnlyMemory<byte>[] _requests = [];
    private CountingIngestLog _log = null!;
    private TraceDistributor _distributor = null!;

    /// <summary>OTLP protobuf request bytes per span, regenerated in the host for the MB/s column.</summary>
    public static double BytesPerOperation(ParameterInstances parameters) => RequestBytesPerSpan.Value;

    [GlobalSetup]
    public void Setup()
    {
        var batches = ShopBatches.Exact(SpansPerPush, PushesPerInvoke);
        _requests = new ReadOnlyMemory<byte>[batches.Count];
        for (var i = 0; i < batches.Count; i++)
        {
            _requests[i] = batches[i].Protobuf;
        }
        // Four partitions, as the embedded log's default: a 1000-span push becomes one record per partition.
        _log = new CountingIngestLog(4);
        _distributor = new TraceDistributor(_log, new InMemoryPartitionRing(4), DistributorOptions.Default);

        // A broken push path must fail the benchmark, not produce a fast figure.
        var result = PushOne(_requests[0]);
        if (result.AcceptedSpans != SpansPerPush || result.RejectedSpans != 0 || _log.Records == 0)
        {
            throw new InvalidOperationException($"push accepted {result.AcceptedSpans} of {SpansPerPush} spans ({result.ErrorMessage})");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _distributor.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = SpansPerInvoke)]
    public long Push()
    {
        long accepted = 0;
        foreach (var request in _requests)
        {
            accepted += PushOne(request).AcceptedSpans;
        }
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = SpansPerInvoke)]
    public int DecodeWithGoogleProtobuf()
    {
        var resourceSpans = 0;
        foreach (var request in _requests)
        {
            resourceSpans += ExportTraceServiceRequest.Parser.ParseFrom(request.Span).ResourceSpans.Count;
        }
        return resourceSpans;
    }

    private PushResult PushOne(ReadOnlyMemory<byte> request)
    {
        var push = _distributor.PushAsync("single-tenant", request, CancellationToken.None);
        // The log acknowledges synchronously, so the whole push ran on this thread; anything else would hide work.
        return push.IsCompletedSuccessfully
            ? push.Result
            : throw new InvalidOperationException("the push did not complete synchronously against the counting log");
    }
}
