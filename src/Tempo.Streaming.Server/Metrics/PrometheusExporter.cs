using System.Diagnostics.Metrics;
using System.Text;

namespace Tempo.Streaming.Server.Metrics;

/// <summary>
/// Serves <c>/metrics</c> in the Prometheus text exposition format 0.0.4 from <c>System.Diagnostics.Metrics</c>
/// (no Prometheus package restores here, DEPENDENCIES.md). A <see cref="MeterListener"/> aggregates every instrument of
/// the project's meters (names starting <c>Tempo.Streaming</c>, exported under their own names, which already are
/// Tempo's Prometheus names), the .NET runtime meter and the ASP.NET Core/Kestrel meters (OpenTelemetry semantic
/// convention names, converted the way OpenTelemetry's Prometheus exporter converts them: dots to underscores, a unit
/// suffix, <c>_total</c> on counters). Standard <c>process_*</c> metrics and <c>tempo_build_info</c> are added at scrape.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public const string ProjectMeterPrefix = "Tempo.Streaming";

    private static readonly string[] FrameworkMeters =
    [
        "System.Runtime",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
    ];

    private readonly MeterListener _listener;
    private readonly Lock _instrumentsLock = new();
    private readonly List<InstrumentAggregate> _instruments = [];
    private readonly Lock _scrapeLock = new();

    public PrometheusExporter()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregate)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) =>
            ((InstrumentAggregate)state!).Record((double)value, tags));
        _listener.Start();
    }

    public static bool IsExported(Meter meter) =>
        meter.Name.StartsWith(ProjectMeterPrefix, StringComparison.Ordinal) || Array.IndexOf(FrameworkMeters, meter.Name) >= 0;

    /// <summary>Collects observable instruments and renders the whole exposition.</summary>
    public string Scrape()
    {
        lock (_scrapeLock)
        {
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException)
            {
                // The listener observes every instrument and then throws what the callbacks threw (e.g. the gauge of a
                // store being disposed during shutdown): the other instruments were recorded and are still worth
                // serving; the failed ones show their last value.
            }

            List<InstrumentAggregate> instruments;
            lock (_instrumentsLock)
            {
                instruments = [.. _instruments];
            }

            var families = new PrometheusFamilies();
            ProcessMetrics.AddTo(families);
            foreach (var aggregate in instruments)
            {
                families.Add(aggregate);
            }

            var text = new StringBuilder(16 * 1024);
            families.Render(text);
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!IsExported(instrument.Meter))
        {
            return;
        }

        var (kind, boundaries) = Classify(instrument);
        var aggregate = new InstrumentAggregate(instrument, kind, boundaries);
        lock (_instrumentsLock)
        {
            _instruments.Add(aggregate);
        }

        listener.EnableMeasurementEvents(instrument, aggregate);
    }

    // Called when an instrument's meter is disposed (e.g. a component shut down): its series leave /metrics.
    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is InstrumentAggregate aggregate)
        {
            lock (_instrumentsLock)
            {
                _instruments.Remove(aggregate);
            }
        }
    }

    private static (AggregationKind Kind, double[]? Boundaries) Classify(Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (definition == typeof(Counter<>) || definition == typeof(UpDownCounter<>))
        {
            return (AggregationKind.Sum, null);
        }

        if (definition == typeof(Histogram<>))
        {
            return (AggregationKind.Histogram, HistogramBoundaries(instrument));
        }

        return (AggregationKind.LastValue, null);
    }

    private static double[]? HistogramBoundaries(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries is { } b ? [.. b] : null,
        Histogram<float> h => h.Advice?.HistogramBucketBoundaries is { } b ? b.Select(v => (double)v).ToArray() : null,
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries is { } b ? b.Select(v => (double)v).ToArray() : null,
        Histogram<int> h => h.Advice?.HistogramBucketBoundaries is { } b ? b.Select(v => (double)v).ToArray() : null,
        Histogram<short> h => h.Advice?.HistogramBucketBoundaries is { } b ? b.Select(v => (double)v).ToArray() : null,
        Histogram<byte> h => h.Advice?.HistogramBucketBoundaries is { } b ? b.Select(v => (double)v).ToArray() : null,
        Histogram<decimal> h => h.Advice?.HistogramBucketBoundaries is { } b ? b.Select(v => (double)v).ToArray() : null,
        _ => null,
    };
}
