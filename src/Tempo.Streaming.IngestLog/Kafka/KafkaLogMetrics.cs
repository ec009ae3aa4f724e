using System.Diagnostics.Metrics;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Instruments of the Kafka ingest log (meter <c>Tempo.Streaming.IngestLog.Kafka</c>). Write latency and bytes per
/// partition are already measured by the distributor (<c>tempo_distributor_kafka_*</c>); these count what reached Kafka
/// and what it refused, tagged by topic so the ring topic and the ingest topic stay apart.
/// </summary>
internal sealed class KafkaLogMetrics
{
    public const string MeterName = "Tempo.Streaming.IngestLog.Kafka";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public KafkaLogMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        ProducedRecords = _meter.CreateCounter<long>("tempo_ingest_kafka_produced_records_total",
            description: "Records Kafka acknowledged (acks=all).");
        ProducedBytes = _meter.CreateCounter<long>("tempo_ingest_kafka_produced_bytes_total", unit: "bytes",
            description: "Key and value bytes of the records Kafka acknowledged.");
        ProduceFailures = _meter.CreateCounter<long>("tempo_ingest_kafka_produce_failures_total",
            description: "Appends that failed because Kafka did not acknowledge every record (tag reason = the Kafka error code).");
        FetchErrors = _meter.CreateCounter<long>("tempo_ingest_kafka_fetch_errors_total",
            description: "Errors reported while reading a partition; reads continue once the broker is back.");
    }

    public Counter<long> ProducedRecords { get; }

    public Counter<long> ProducedBytes { get; }

    public Counter<long> ProduceFailures { get; }

    public Counter<long> FetchErrors { get; }

    /// <summary>Disposes the meter only when this instance created it (a factory owns the meters it hands out).</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
