using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Query.Blocks;

/// <summary>
/// Instruments of the block list, with Tempo's names (tempodb/blocklist/poller.go, namespace <c>tempodb</c>) so Tempo's
/// dashboards and alerts (e.g. on <c>tempodb_blocklist_poll_errors_total</c>) work unchanged.
/// </summary>
internal sealed class BlockListMetrics : IDisposable
{
    public const string MeterName = "Tempo.Streaming.Query.BlockList";

    // prometheus.DefBuckets, which Tempo's poll duration histogram uses.
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public BlockListMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<long>>> blocklistLengths)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory is null;
        PollErrors = _meter.CreateCounter<long>("tempodb_blocklist_poll_errors_total",
            description: "Total number of times an error occurred while polling the blocklist.");
        TenantIndexErrors = _meter.CreateCounter<long>("tempodb_blocklist_tenant_index_errors_total",
            description: "Total number of times an error occurred while retrieving or building the tenant index.");
        PollDuration = _meter.CreateHistogram<double>("tempodb_blocklist_poll_duration_seconds",
            description: "Records the amount of time to poll and update the blocklist.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DefaultBuckets });
        _meter.CreateObservableGauge("tempodb_blocklist_length", blocklistLengths, description: "Total number of blocks per tenant.");
    }

    /// <summary>Tagged <c>tenant</c>; the empty tenant for a failure to list the tenants themselves, as Tempo does.</summary>
    public Counter<long> PollErrors { get; }

    public Counter<long> TenantIndexErrors { get; }

    public Histogram<double> PollDuration { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
