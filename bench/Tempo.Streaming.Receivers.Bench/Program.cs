using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Workload;
using ReceiverTranscoder = Tempo.Streaming.Receivers.Otlp.OtlpJsonTranscoder;
using WorkloadJsonEncoder = Tempo.Streaming.Cli.Load.Otlp.OtlpJsonEncoder;

// OTLP/JSON ingest cost on one core: the shop workload (BENCHMARKS.md) as the load generator sends it with
// --protocol otlp-http-json, transcoded by the receiver; then Google.Protobuf's JsonParser on the same requests, and
// the other steps of the path the transcoder replaced (decode to a string, re-encode), for comparison.
// Usage: dotnet run -c Release --project bench/Tempo.Streaming.Receivers.Bench -- [batchSpans=1000] [batches=20] [runs=7]
var batchSpans = args.Length > 0 ? int.Parse(args[0]) : 1000;
var batchCount = args.Length > 1 ? int.Parse(args[1]) : 20;
var runs = args.Length > 2 ? int.Parse(args[2]) : 7;

var workload = new ShopWorkload(42, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
var encoder = workload.CreateEncoder();
var proto = new ProtoWriter();
var toJson = new WorkloadJsonEncoder();
var batches = new List<(byte[] Json, byte[] Protobuf, int Spans)>();
long trace = 0;
for (var b = 0; b < batchCount; b++)
{
    var traces = workload.TracesForBatch(trace, batchSpans, long.MaxValue, out var spans);
    encoder.Encode(trace, traces, proto);
    trace += traces;
    batches.Add((toJson.Transcode(proto.WrittenSpan).ToArray(), proto.WrittenSpan.ToArray(), spans));
}

long jsonBytes = 0, spanCount = 0;
foreach (var (json, _, spans) in batches)
{
    jsonBytes += json.Length;
    spanCount += spans;
}

Console.WriteLine($"workload: {batches.Count} batches of ~{batchSpans} spans, {jsonBytes / (double)spanCount:F0} B/span OTLP/JSON, " +
    $"{batches.Sum(b => (long)b.Protobuf.Length) / (double)spanCount:F0} B/span protobuf");

foreach (var (json, protobuf, _) in batches)
{
    using var payload = ReceiverTranscoder.Transcode(json);
    if (!payload.Span.SequenceEqual(ExportTraceServiceRequest.Parser.ParseFrom(protobuf).ToByteArray()))
    {
        throw new InvalidOperationException("transcoded bytes differ from Google.Protobuf's encoding");
    }
}

Measure("receiver transcoder (OTLP/JSON -> protobuf)", json =>
{
    using var payload = ReceiverTranscoder.Transcode(json);
    return payload.Length;
});

// The same requests in proto3 JSON (base64 IDs) through Google.Protobuf alone: the bulk of the replaced path.
var formatter = new JsonFormatter(JsonFormatter.Settings.Default);
var parser = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
var proto3Json = batches.Select(b => formatter.Format(ExportTraceServiceRequest.Parser.ParseFrom(b.Protobuf))).ToList();
MeasureStrings("Google.Protobuf JsonParser.Parse (string, base64 ids)", s => parser.Parse<ExportTraceServiceRequest>(s).ResourceSpans.Count);

var messages = batches.Select(b => ExportTraceServiceRequest.Parser.ParseFrom(b.Protobuf)).ToList();
Run("  part: Encoding.UTF8.GetString of the body", i => Encoding.UTF8.GetString(batches[i].Json).Length);
Run("  part: ToByteArray of the parsed message", i => messages[i].ToByteArray().Length);

void Measure(string name, Func<byte[], int> transcode)
{
    Run(name, i => transcode(batches[i].Json));
}

void MeasureStrings(string name, Func<string, int> parse)
{
    Run(name, i => parse(proto3Json[i]));
}

void Run(string name, Func<int, int> one)
{
    one(0); // JIT + tiering warm-up
    for (var i = 0; i < batches.Count; i++) one(i);
    var rates = new List<double>();
    long allocated = 0; int gcs = 0, gc2 = 0;
    for (var r = 0; r < runs; r++)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var g0 = GC.CollectionCount(0); var g2 = GC.CollectionCount(2);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < batches.Count; i++) one(i);
        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        rates.Add(watch.Elapsed.TotalSeconds);
        gcs = GC.CollectionCount(0) - g0; gc2 = GC.CollectionCount(2) - g2;
    }
    rates.Sort();
    var median = rates[rates.Count / 2];
    Console.WriteLine($"{name}: median {jsonBytes / median / 1e6:F1} MB/s, {spanCount / median:F0} spans/s " +
        $"(min {jsonBytes / rates[^1] / 1e6:F1}, max {jsonBytes / rates[0] / 1e6:F1} MB/s), " +
        $"{allocated / (double)batches.Count / 1024:F0} KiB allocated per batch, GCs per run {gcs} (gen2 {gc2})");
}
