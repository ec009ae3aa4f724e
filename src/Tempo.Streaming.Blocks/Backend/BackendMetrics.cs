using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Blocks.Backend;

/// <summary>Instruments of the object-store backends (meter <c>Tempo.Streaming.Blocks</c>), named as in Tempo.</summary>
internal static class BackendMetrics
{
    public const string MeterName = "Tempo.Streaming.Blocks";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// Tempo's <c>tempodb_backend_request_duration_seconds</c> (tempodb/backend/s3 instrumentation): one observation per
    /// HTTP request, tagged <c>operation</c> (GET, PUT, HEAD, POST, DELETE) and <c>status_code</c>; Tempo's buckets
    /// (exponential from 5 ms, factor 4, 7 buckets).
    /// </summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "tempodb_backend_request_duration_seconds", unit: "s", description: "Time spent doing backend storage requests.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.02, 0.08, 0.32, 1.28, 5.12, 20.48] });
}
