using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Distributor;

/// <summary>
/// The distributor's instruments, named with Tempo's Prometheus names (modules/distributor, modules/overrides) so
/// Tempo dashboards and alerts work unchanged. Units are left out on purpose: the names already are the final
/// exposition names and the /metrics writer must not append a unit suffix.
/// </summary>
internal sealed class DistributorMetrics : IDisposable
{
    public const string MeterName = "Tempo.Streaming.Distributor";

    // prometheus.DefBuckets, which Tempo uses for its durations. (Tempo also puts kafka_records_per_request on them,
    // whose sub-1 buckets can never fill; record counts get integer buckets here.)
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // prometheus.ExponentialBuckets(2, 2, 10), Tempo's buckets for traces_per_batch.
    private static readonly long[] TracesPerBatchBuckets = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly bool _ownsMeter;

    public DistributorMetrics(IMeterFactory? meterFactory)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory is null;

        SpansReceived = Meter.CreateCounter<long>("tempo_distributor_spans_received_total",
            description: "The total number of spans received per tenant");
        BytesReceived = Meter.CreateCounter<long>("tempo_distributor_bytes_received_total",
            description: "The total number of proto bytes received per tenant, after limits");
        IngressBytes = Meter.CreateCounter<long>("tempo_distributor_ingress_bytes_total",
            description: "The total number of bytes received per tenant, before limits");
        TracesPerBatch = Meter.CreateHistogram<long>("tempo_distributor_traces_per_batch",
            description: "The number of traces in each batch",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TracesPerBatchBuckets });
        AttributesTruncated = Meter.CreateCounter<long>("tempo_distributor_attributes_truncated_total",
            description: "The total number of attribute keys or values truncated per tenant and scope");
        DiscardedSpans = Meter.CreateCounter<long>("tempo_discarded_spans_total",
            description: "The total number of samples that were discarded.");
        PushDuration = Meter.CreateHistogram<double>("tempo_distributor_push_duration_seconds",
            description: "Records the amount of time to push a batch to the ingest log.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DefaultBuckets });
        // Tempo's names for its Kafka producer; here they describe whichever ingest log is configured.
        RecordsPerRequest = Meter.CreateHistogram<long>("tempo_distributor_kafka_records_per_request",
            description: "The number of records in each ingest log append request",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 3, 5, 8, 13, 21, 34] });
        WriteLatency = Meter.CreateHistogram<double>("tempo_distributor_kafka_write_latency_seconds",
            description: "The latency of writing to the ingest log",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DefaultBuckets });
        WriteBytes = Meter.CreateCounter<long>("tempo_distributor_kafka_write_bytes_total",
            description: "The total number of bytes written to the ingest log");
    }

    public Meter Meter { get; }

    public Counter<long> SpansReceived { get; }

    public Counter<long> BytesReceived { get; }

    public Counter<long> IngressBytes { get; }

    public Histogram<long> TracesPerBatch { get; }

    /// <summary>Tags <c>tenant</c>, <c>scope</c> (resource, scope, span, event, link).</summary>
    public Counter<long> AttributesTruncated { get; }

    /// <summary>Tags <c>reason</c>, <c>tenant</c>.</summary>
    public Counter<long> DiscardedSpans { get; }

    public Histogram<double> PushDuration { get; }

    public Histogram<long> RecordsPerRequest { get; }

    public Histogram<double> WriteLatency { get; }

    /// <summary>Tag <c>partition</c> = <c>partition_&lt;id&gt;</c>, as Tempo labels it.</summary>
    public Counter<long> WriteBytes { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}

/// <summary>Tempo's discard reasons (modules/overrides) used by the distributor.</summary>
public static class DiscardReasons
{
    public const string InvalidTraceId = "invalid_trace_id";
    public const string InvalidSpanId = "invalid_span_id";
    public const string TraceTooLarge = "trace_too_large";
}
