namespace Tempo.Streaming.Distributor;

/// <summary>
/// What receivers hand decoded traffic to. The payload is a marshalled OTLP <c>ExportTraceServiceRequest</c>
/// (identical on the wire to <c>TracesData</c>); receivers of other formats convert to it first.
/// The task completes only once every accepted span is durable in the ingest log (ARCHITECTURE.md invariant 1).
/// </summary>
public interface ITracePusher
{
    /// <exception cref="PushRejectedException">the whole request was refused; nothing was written.</exception>
    ValueTask<PushResult> PushAsync(string tenant, ReadOnlyMemory<byte> exportTraceServiceRequest, CancellationToken cancellationToken);
}

/// <summary>
/// Outcome of an accepted push. Spans that failed validation are counted in <see cref="RejectedSpans"/> and described in
/// <see cref="ErrorMessage"/>, which receivers return as OTLP partial success.
/// </summary>
public sealed record PushResult(long AcceptedSpans, long RejectedSpans, string? ErrorMessage);

public enum PushRejectionReason
{
    /// <summary>The payload could not be decoded (400 / INVALID_ARGUMENT).</summary>
    InvalidPayload,

    /// <summary>Tenant over its ingestion rate (429 / RESOURCE_EXHAUSTED).</summary>
    RateLimited,

    /// <summary>The ingest log could not durably accept the records (503 / UNAVAILABLE); the client should retry.</summary>
    LogUnavailable,
}

/// <summary>The whole push was refused and nothing of it was written.</summary>
public sealed class PushRejectedException(PushRejectionReason reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public PushRejectionReason Reason { get; } = reason;
}
