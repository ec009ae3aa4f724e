using System.Buffers.Binary;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Core.Wire;

namespace Tempo.Streaming.Cli.Load.Workload;

/// <summary>
/// The standard "shop" workload of BENCHMARKS.md: an online shop of eight services whose traces are generated
/// deterministically. The content of trace <c>i</c> is a pure function of (seed, i, base time), so a checker that
/// knows the seed and base time can regenerate every trace ID (<see cref="TraceId"/>) and every trace
/// (<see cref="GenerateTrace"/>) that a run sent. Trace <c>i</c> starts at
/// <c>base time + i × <see cref="TraceSpacingNanos"/></c> plus a jitter below the spacing.
/// </summary>
public sealed class ShopWorkload
{
    /// <summary>
    /// Start-time spacing between consecutive traces: 100 µs, i.e. 10,000 traces (~150,000 spans) per second of
    /// trace time, about the ingest target, so a run at that rate produces timestamps close to the wall clock.
    /// </summary>
    public const long TraceSpacingNanos = 100_000;

    public const int MinSpansPerTrace = TracePlanner.MinSpans;
    public const int MaxSpansPerTrace = TracePlanner.MaxSpans;

    public ShopWorkload(long seed, long baseTimeUnixNano)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseTimeUnixNano);
        Seed = seed;
        BaseTimeUnixNano = baseTimeUnixNano;
    }

    public ShopWorkload(long seed, DateTimeOffset baseTime)
        : this(seed, ToUnixNanos(baseTime))
    {
    }

    public long Seed { get; }

    public long BaseTimeUnixNano { get; }

    /// <summary>The service names, in <see cref="ShopService"/> order.</summary>
    public static IReadOnlyList<string> ServiceNames { get; } =
        [.. Enum.GetValues<ShopService>().Select(s => ShopCatalog.NameOf(s))];

    public static long ToUnixNanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Number of spans in trace <paramref name="traceIndex"/> (5–60), computed without generating it.</summary>
    public int SpanCount(long traceIndex) => TracePlanner.SpanCount((ulong)Seed, traceIndex);

    /// <summary>Writes the 16-byte trace ID of trace <paramref name="traceIndex"/> (never all zero).</summary>
    public void WriteTraceId(long traceIndex, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, TracePlanner.TraceIdHigh((ulong)Seed, traceIndex));
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], TracePlanner.TraceIdLow((ulong)Seed, traceIndex));
    }

    public byte[] TraceId(long traceIndex)
    {
        var id = new byte[16];
        WriteTraceId(traceIndex, id);
        return id;
    }

    /// <summary>The trace ID as 32 lowercase hex characters (OTLP/JSON and Tempo's API form, with leading zeros).</summary>
    public string TraceIdHex(long traceIndex)
    {
        Span<byte> id = stackalloc byte[16];
        WriteTraceId(traceIndex, id);
        return Convert.ToHexStringLower(id);
    }

    /// <summary>The 8-byte span ID of trace <paramref name="traceIndex"/>'s root span (the frontend request).</summary>
    public byte[] RootSpanId(long traceIndex)
    {
        var id = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, TracePlanner.RootSpanId((ulong)Seed, traceIndex));
        return id;
    }

    /// <summary>
    /// How many traces starting at <paramref name="firstTrace"/> make a batch of about <paramref name="targetSpans"/>
    /// spans: traces are added while the batch has fewer spans than the target (batches hold whole traces, so
    /// acknowledgements map to whole traces), never past <paramref name="endTraceExclusive"/>.
    /// </summary>
    public int TracesForBatch(long firstTrace, int targetSpans, long endTraceExclusive, out int spanCount)
    {
        spanCount = 0;
        var traces = 0;
        while (spanCount < targetSpans && firstTrace + traces < endTraceExclusive)
        {
            spanCount += SpanCount(firstTrace + traces);
            traces++;
        }
        return traces;
    }

    /// <summary>An encoder for batches of this workload; one per thread.</summary>
    public ShopBatchEncoder CreateEncoder() => new(this);

    /// <summary>Regenerates trace <paramref name="traceIndex"/> alone, grouped by resource and scope, for verification.</summary>
    public ExportTraceServiceRequest GenerateTrace(long traceIndex) => GenerateTraces(traceIndex, 1);

    /// <summary>Regenerates consecutive traces as one request, exactly the bytes a batch of them is sent as.</summary>
    public ExportTraceServiceRequest GenerateTraces(long firstTrace, int traceCount)
    {
        using var writer = new ProtoBufferWriter(64 * 1024);
        CreateEncoder().Encode(firstTrace, traceCount, writer);
        return ExportTraceServiceRequest.Parser.ParseFrom(writer.WrittenSpan);
    }
}
