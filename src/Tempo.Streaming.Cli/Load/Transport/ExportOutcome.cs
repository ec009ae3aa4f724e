namespace Tempo.Streaming.Cli.Load.Transport;

/// <summary>
/// Result of one export request. <see cref="ErrorKind"/> is null when the server acknowledged the batch; then
/// <see cref="RejectedSpans"/> is the OTLP partial-success count (spans the server refused within an accepted
/// request, OTLP spec "Partial Success").
/// </summary>
public readonly record struct ExportOutcome(string? ErrorKind, string? ErrorMessage, long RejectedSpans, string? PartialSuccessMessage)
{
    public bool Acknowledged => ErrorKind is null;

    public static ExportOutcome Ok(long rejectedSpans, string? message) => new(null, null, rejectedSpans, message);

    public static ExportOutcome Failed(string kind, string message) => new(kind, message, 0, null);
}

/// <summary>The wire protocols <c>load</c> speaks.</summary>
public enum LoadProtocol
{
    /// <summary>OTLP/gRPC: <c>opentelemetry.proto.collector.trace.v1.TraceService/Export</c> over h2c.</summary>
    OtlpGrpc,
    /// <summary>OTLP/HTTP with <c>application/x-protobuf</c> bodies.</summary>
    OtlpHttp,
    /// <summary>OTLP/HTTP with <c>application/json</c> bodies (hex IDs).</summary>
    OtlpHttpJson,
}

/// <summary>Sends export requests. Thread-safe; one instance is shared by all senders of a run.</summary>
public interface IExportTransport : IDisposable
{
    /// <summary>
    /// Sends one request. <paramref name="body"/> is the encoded (and, with <paramref name="gzip"/>, compressed)
    /// <c>ExportTraceServiceRequest</c>; the transport adds its own framing. <paramref name="connection"/> picks
    /// one of the transport's connection pools.
    /// </summary>
    Task<ExportOutcome> SendAsync(ReadOnlyMemory<byte> body, bool gzip, int connection, CancellationToken cancellationToken);
}
