using Tempo.Streaming.Core.Wire;
using Tempo.Streaming.Cli.Load.Otlp;
using Tempo.Streaming.Cli.Load.Workload;

namespace Tempo.Streaming.Benchmarks.Infrastructure;

/// <summary>
/// Benchmark inputs from the standard "shop" workload (BENCHMARKS.md), exactly as the load generator sends them:
/// OTLP <c>ExportTraceServiceRequest</c> protobuf bytes holding whole traces. Seed and base time are fixed, so every
/// run of every benchmark sees byte-identical requests.
/// </summary>
public static class ShopBatches
{
    public const long Seed = 42;

    /// <summary>A fixed trace time (2023-11-14T22:13:20Z), so the bytes do not depend on when the benchmark runs.</summary>
    public static readonly DateTimeOffset BaseTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    public static ShopWorkload Workload { get; } = new(Seed, BaseTime);

    /// <summary>
    /// <paramref name="count"/> batches of exactly <paramref name="spansPerBatch"/> spans each. A batch holds whole
    /// traces (5–60 spans each), so it is a run of consecutive traces whose span counts add up to the target; runs
    /// that overshoot are skipped. Exact sizes let a benchmark declare a constant <c>OperationsPerInvoke</c> in spans.
    /// </summary>
    public static IReadOnlyList<ShopBatch> Exact(int spansPerBatch, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(spansPerBatch, ShopWorkload.MaxSpansPerTrace);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var windows = ExactWindows(spansPerBatch, count);
        var encoder = Workload.CreateEncoder();
        var writer = new ProtoBufferWriter(1 << 20);
        var batches = new List<ShopBatch>(count);
        foreach (var (firstTrace, traceCount) in windows)
        {
            var spans = encoder.Encode(firstTrace, traceCount, writer);
            if (spans != spansPerBatch)
            {
                throw new InvalidOperationException($"traces {firstTrace}+{traceCount} encoded {spans} spans, planned {spansPerBatch}");
            }
            batches.Add(new ShopBatch(firstTrace, traceCount, spans, writer.WrittenSpan.ToArray()));
        }
        return batches;
    }

    /// <summary>The trace runs <see cref="Exact"/> encodes: (first trace index, trace count), disjoint and ascending.</summary>
    public static IReadOnlyList<(long FirstTrace, int TraceCount)> ExactWindows(int spansPerBatch, int count)
    {
        var windows = new List<(long, int)>(count);
        long start = 0;
        while (windows.Count < count)
        {
            var traces = Workload.TracesForBatch(start, spansPerBatch, long.MaxValue, out var spans);
            if (spans == spansPerBatch)
            {
                windows.Add((start, traces));
                start += traces;
            }
            else
            {
                start++;
            }
        }
        return windows;
    }
}

/// <summary>One OTLP request of the shop workload: traces [FirstTrace, FirstTrace + TraceCount).</summary>
public sealed record ShopBatch(long FirstTrace, int TraceCount, int Spans, byte[] Protobuf);
