using System.Diagnostics.Metrics;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>
/// Tempo's receiver counters. Tempo registers them as Prometheus counters named exactly
/// <c>tempo_receiver_accepted_spans</c> / <c>tempo_receiver_refused_spans</c> (no <c>_total</c>; modules/distributor/
/// receiver/metrics_provider.go) with labels <c>receiver</c> and <c>transport</c>, and its dashboards and runbooks
/// query those names, so they are kept verbatim. Label values as Tempo emits them: <c>receiver="tempo/otlp_receiver"</c>,
/// <c>transport="grpc"|"http"</c>.
/// </summary>
public sealed class OtlpReceiverMetrics
{
    public const string MeterName = "Tempo.Streaming.Receivers";
    public const string AcceptedSpansName = "tempo_receiver_accepted_spans";
    public const string RefusedSpansName = "tempo_receiver_refused_spans";
    public const string ReceiverName = "tempo/otlp_receiver";
    public const string GrpcTransport = "grpc";
    public const string HttpTransport = "http";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;

    /// <summary>Instruments come from the host's <see cref="IMeterFactory"/>, which shares one meter (and, since .NET 9,
    /// one instrument per name) between the gRPC and HTTP receivers of a host.</summary>
    public OtlpReceiverMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _accepted = meter.CreateCounter<long>(AcceptedSpansName, unit: null,
            description: "Number of spans successfully pushed into the pipeline.");
        _refused = meter.CreateCounter<long>(RefusedSpansName, unit: null,
            description: "Number of spans that could not be pushed into the pipeline.");
    }

    public void Accepted(string transport, long spans)
    {
        if (spans > 0)
        {
            _accepted.Add(spans, new("receiver", ReceiverName), new("transport", transport));
        }
    }

    public void Refused(string transport, long spans)
    {
        if (spans > 0)
        {
            _refused.Add(spans, new("receiver", ReceiverName), new("transport", transport));
        }
    }
}
