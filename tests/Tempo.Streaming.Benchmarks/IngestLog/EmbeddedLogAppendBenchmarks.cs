using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using Tempo.Streaming.Benchmarks.Infrastructure;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.Benchmarks.IngestLog;

/// <summary>
/// Durable appends to the embedded segment log: <see cref="EmbeddedIngestLog.AppendAsync"/> of ~50 KB records (the
/// size of one partition's record from a few-hundred-span push) with fsync before acknowledgement, as the server runs it.
/// One producer shows the cost of an fsync per record; 64 producers show group commit (one write + fsync per partition
/// for everything queued meanwhile). One operation is one acknowledged record.
/// <para>
/// The log lives in a fresh folder under the temp directory (or <c>$TEMPO_BENCH_DIR</c>, to measure another disk; it
/// must not be tmpfs, where fsync is free) for the whole run: appends are measured in steady state, with segment rolls
/// and size retention bounding the disk used.
/// </para>
/// </summary>
[MemoryDiagnoser]
public class EmbeddedLogAppendBenchmarks : IByteThroughput
{
    public const int RecordBytes = 50 * 1024;
    private const int RecordsPerInvoke = 256;
    private const int Partitions = 4;

    private static readonly byte[] ShopTenant = "single-tenant"u8.ToArray();

    private string _directory = "";
    private EmbeddedIngestLog _log = null!;
    private IngestRecord[] _record = [];

    [Params(1, 64)]
    public int Producers { get; set; }

    public static double BytesPerOperation(ParameterInstances parameters) => RecordBytes;

    [GlobalSetup]
    public void Setup()
    {
        var parent = Environment.GetEnvironmentVariable("TEMPO_BENCH_DIR") is { Length: > 0 } dir ? dir : Path.GetTempPath();
        _directory = Path.Combine(parent, "tempo-bench-log-" + Guid.NewGuid().ToString("N"));
        _log = EmbeddedIngestLog.Open(new EmbeddedLogOptions
        {
            Path = _directory,
            Partitions = Partitions,
            SegmentBytes = 32L * 1024 * 1024,
            RetentionBytes = 128L * 1024 * 1024,
        });
        // Incompressible bytes: the log does not compress, but the disk or filesystem below it might.
        var value = new byte[RecordBytes - ShopTenant.Length];
        new Random(42).NextBytes(value);
        _record = [new IngestRecord(ShopTenant, value, ShopBatches.BaseTime)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task Append()
    {
        var producers = new Task[Producers];
        for (var p = 0; p < producers.Length; p++)
        {
            producers[p] = ProduceAsync(p, RecordsPerInvoke / Producers);
        }
        return Task.WhenAll(producers);
    }

    /// <summary>One producer: appends one record at a time, each acknowledged (durable) before the next.</summary>
    private async Task ProduceAsync(int producer, int records)
    {
        for (var i = 0; i < records; i++)
        {
            await _log.AppendAsync((producer + i) % Partitions, _record, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
