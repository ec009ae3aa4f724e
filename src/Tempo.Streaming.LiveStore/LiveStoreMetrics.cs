using System.Diagnostics.Metrics;

namespace Tempo.Streaming.LiveStore;

/// <summary>
/// The live store's instruments. Discards share Tempo's <c>tempo_discarded_spans_total{reason,tenant}</c> with the
/// distributor (the /metrics writer merges families of one name).
/// </summary>
internal sealed class LiveStoreMetrics : IDisposable
{
    public const string MeterName = "Tempo.Streaming.LiveStore";

    public const string ReasonTraceTooLarge = "trace_too_large";
    public const string ReasonDecodingFailed = "decoding_failed";

    private readonly Meter _meter;

    public LiveStoreMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        DiscardedSpans = _meter.CreateCounter<long>("tempo_discarded_spans_total",
            description: "Spans discarded after they were acknowledged, by reason.");
        RecordsConsumed = _meter.CreateCounter<long>("tempo_live_store_records_consumed_total",
            description: "Ingest-log records applied to the live store, by partition.");
        BytesConsumed = _meter.CreateCounter<long>("tempo_live_store_bytes_consumed_total",
            description: "Bytes of ingest-log record values applied to the live store.");
        SpansStored = _meter.CreateCounter<long>("tempo_live_store_spans_stored_total",
            description: "Spans written to the live store.");
        DecodeFailures = _meter.CreateCounter<long>("tempo_live_store_records_decoding_failed_total",
            description: "Ingest-log records that could not be decoded and were skipped, by partition.");
        ConsumptionPauses = _meter.CreateCounter<long>("tempo_live_store_consumption_paused_total",
            description: "Times consumption paused because unflushed data reached max_live_traces_bytes.");
        BlocksFlushed = _meter.CreateCounter<long>("tempo_live_store_blocks_flushed_total",
            description: "Blocks the live store cut and wrote to the backend.");
        FailedFlushes = _meter.CreateCounter<long>("tempo_live_store_failed_flushes_total",
            description: "Block cuts that failed (retried from the same range on the next check).");
        RangesDeleted = _meter.CreateCounter<long>("tempo_live_store_flushed_ranges_deleted_total",
            description: "Flushed offset ranges removed from the live store after complete_block_timeout.");
    }

    public Counter<long> BlocksFlushed { get; }

    public Counter<long> FailedFlushes { get; }

    public Counter<long> RangesDeleted { get; }

    public Counter<long> DiscardedSpans { get; }

    public Counter<long> RecordsConsumed { get; }

    public Counter<long> BytesConsumed { get; }

    public Counter<long> SpansStored { get; }

    public Counter<long> DecodeFailures { get; }

    public Counter<long> ConsumptionPauses { get; }

    public void ObserveLiveTraces(Func<long> count, Func<long> unflushedBytes)
    {
        _meter.CreateObservableGauge("tempo_live_store_live_traces", count, description: "Traces currently live (received data within max_trace_idle).");
        _meter.CreateObservableGauge("tempo_live_store_unflushed_bytes", unflushedBytes,
            description: "Bytes of recent data in memory, not yet flushed to disk; bounded by max_live_traces_bytes.");
    }

    public void ObserveLag(Func<IEnumerable<Measurement<long>>> lag) =>
        _meter.CreateObservableGauge("tempo_ingest_group_partition_lag", lag,
            description: "Records between the partition's high watermark and the consumer group's position (Tempo's lag metric; " +
                         "the live store's consumed offset, the offset its group resumes from).");

    public void Dispose() => _meter.Dispose();
}
