using System.Collections.Concurrent;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Benchmarks.Infrastructure;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Receivers.Otlp;

namespace Tempo.Streaming.Benchmarks.Receivers;

/// <summary>
/// OTLP/JSON ingest on one thread: the shop workload as <c>load --protocol otlp-http-json</c> sends it (the CLI's
/// <see cref="OtlpJsonEncoder"/>: hex IDs, 64-bit integers as strings), transcoded by the receiver's
/// <see cref="OtlpJsonTranscoder"/> straight to protobuf bytes. <see cref="GoogleProtobufJsonParser"/> is the path the
/// transcoder replaced (body to string, <c>JsonParser</c> into objects, <c>ToByteArray</c>) on the same requests in
/// proto3 JSON (base64 IDs, which is what <c>JsonParser</c> reads). One operation is one span; MB/s counts OTLP/JSON
/// input bytes.
/// </summary>
[MemoryDiagnoser]
[SpanThroughput]
public class OtlpJsonTranscoderBenchmarks : IByteThroughput
{
    private const int SpansPerInvoke = 10_000;

    private static readonly ConcurrentDictionary<int, double> JsonBytesPerSpan = new();

    private static readonly JsonParser Proto3JsonParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private byte[][] _otlpJson = [];
    private byte[][] _proto3Json = [];

    [Params(100, 1000)]
    public int BatchSpans { get; set; }

    /// <summary>OTLP/JSON bytes per span of this batch size's inputs, regenerated in the host for the MB/s column.</summary>
    public static double BytesPerOperation(ParameterInstances parameters) =>
        JsonBytesPerSpan.GetOrAdd((int)parameters[nameof(BatchSpans)], static batchSpans =>
        {
            long bytes = 0;
            foreach (var json in OtlpJson(ShopBatches.Exact(batchSpans, SpansPerInvoke / batchSpans)))
            {
                bytes += json.Length;
            }
            return (double)bytes / SpansPerInvoke;
        });

    [GlobalSetup]
    public void Setup()
    {
        var batches = ShopBatches.Exact(BatchSpans, SpansPerInvoke / BatchSpans);
        _otlpJson = OtlpJson(batches);
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default);
        _proto3Json = new byte[batches.Count][];
        for (var i = 0; i < batches.Count; i++)
        {
            var request = ExportTraceServiceRequest.Parser.ParseFrom(batches[i].Protobuf);
            _proto3Json[i] = Encoding.UTF8.GetBytes(formatter.Format(request));

            // The transcoder must produce exactly Google.Protobuf's bytes, or the figure is for a different job.
            using var payload = OtlpJsonTranscoder.Transcode(_otlpJson[i]);
            if (!payload.Span.SequenceEqual(request.ToByteArray()))
            {
                throw new InvalidOperationException($"batch {i}: transcoded bytes differ from Google.Protobuf's encoding");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SpansPerInvoke)]
    public long Transcoder()
    {
        long bytes = 0;
        foreach (var json in _otlpJson)
        {
            using var payload = OtlpJsonTranscoder.Transcode(json);
            bytes += payload.Length;
        }
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = SpansPerInvoke)]
    public long GoogleProtobufJsonParser()
    {
        long bytes = 0;
        foreach (var json in _proto3Json)
        {
            var request = Proto3JsonParser.Parse<ExportTraceServiceRequest>(Encoding.UTF8.GetString(json));
            bytes += request.ToByteArray().Length;
        }
        return bytes;
    }

    private static byte[][] OtlpJson(IReadOnlyList<ShopBatch> batches)
    {
        var encoder = new OtlpJsonEncoder();
        var json = new byte[batches.Count][];
        for (var i = 0; i < batches.Count; i++)
        {
            json[i] = encoder.Transcode(batches[i].Protobuf).ToArray();
        }
        return json;
    }
}
