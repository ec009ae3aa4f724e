using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>Instruments of the block writer (meter <c>Tempo.Streaming.Blocks.Format</c>).</summary>
internal static class BlockMetrics
{
    public const string MeterName = "Tempo.Streaming.Blocks.Format";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> BlocksWritten = Meter.CreateCounter<long>(
        "tempo_streaming_blocks_written_total", description: "Blocks written to the backend, by tenant.");

    public static readonly Counter<long> SpansWritten = Meter.CreateCounter<long>(
        "tempo_streaming_block_spans_written_total", description: "Spans written into blocks, by tenant.");

    public static readonly Counter<long> BytesWritten = Meter.CreateCounter<long>(
        "tempo_streaming_block_bytes_written_total", description: "Bytes of data.parquet written, by tenant.");

    public static readonly Histogram<double> WriteDuration = Meter.CreateHistogram<double>(
        "tempo_streaming_block_write_duration_seconds", unit: "s", description: "Time to write one block (encode and upload).");
}
