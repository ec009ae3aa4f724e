using Tempo.Streaming.Core.Wire;
using BenchmarkDotNet.Attributes;
using Tempo.Streaming.Benchmarks.Infrastructure;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Workload;

namespace Tempo.Streaming.Benchmarks.Load;

/// <summary>
/// What the load generator spends to produce the shop workload: <see cref="ShopBatchEncoder.Encode"/> of 1000-span
/// batches (planning the traces from the seed and writing OTLP protobuf), and <see cref="OtlpJsonEncoder"/> for
/// <c>--protocol otlp-http-json</c>. It runs on the same 2 cores as the server in an end-to-end run, so its cost per span
/// is taken from the server's budget. One operation is one span.
/// </summary>
[MemoryDiagnoser]
[SpanThroughput]
public class ShopBatchEncoderBenchmarks
{
    private const int SpansPerBatch = 1000;
    private const int BatchesPerInvoke = 10;

    private readonly ProtoBufferWriter _writer = new(1 << 20);
    private readonly OtlpJsonEncoder _jsonEncoder = new();
    private ShopBatchEncoder _encoder = null!;
    private (long FirstTrace, int TraceCount)[] _windows = [];
    private byte[][] _protobuf = [];

    [GlobalSetup]
    public void Setup()
    {
        _encoder = ShopBatches.Workload.CreateEncoder();
        _windows = [.. ShopBatches.ExactWindows(SpansPerBatch, BatchesPerInvoke)];
        _protobuf = [.. ShopBatches.Exact(SpansPerBatch, BatchesPerInvoke).Select(b => b.Protobuf)];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SpansPerBatch * BatchesPerInvoke)]
    public int EncodeProtobuf()
    {
        var spans = 0;
        foreach (var (firstTrace, traceCount) in _windows)
        {
            spans += _encoder.Encode(firstTrace, traceCount, _writer);
        }
        return spans;
    }

    [Benchmark(OperationsPerInvoke = SpansPerBatch * BatchesPerInvoke)]
    public int EncodeOtlpJson()
    {
        var bytes = 0;
        foreach (var request in _protobuf)
        {
            bytes += _jsonEncoder.Transcode(request).Length;
        }
        return bytes;
    }
}
