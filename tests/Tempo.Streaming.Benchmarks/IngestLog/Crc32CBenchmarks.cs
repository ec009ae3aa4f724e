using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using Tempo.Streaming.Benchmarks.Infrastructure;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.Benchmarks.IngestLog;

/// <summary>
/// CRC-32C over a 64 KB buffer, the checksum of every embedded-log record on append and on recovery: the CPU
/// instruction path <see cref="Crc32C.Compute"/> takes on this machine, and the slicing-by-8 table fallback it uses
/// where the instruction is missing.
/// </summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks : IByteThroughput
{
    private const int BufferBytes = 64 * 1024;

    private readonly byte[] _buffer = new byte[BufferBytes];

    public static double BytesPerOperation(ParameterInstances parameters) => BufferBytes;

    [GlobalSetup]
    public void Setup() => new Random(42).NextBytes(_buffer);

    [Benchmark(Baseline = true)]
    public uint Hardware() => Crc32C.Compute(_buffer);

    [Benchmark]
    public uint SoftwareSlicingBy8() => ~Crc32C.AppendSoftware(0xFFFFFFFFu, _buffer);
}
