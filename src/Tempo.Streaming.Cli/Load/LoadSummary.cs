namespace Tempo.Streaming.Cli.Load;

/// <summary>Request latency percentiles in milliseconds (over acknowledged and failed requests alike).</summary>
public sealed record LatencySummary(double P50Ms, double P90Ms, double P99Ms, double MaxMs, long Count);

/// <summary>The outcome of a <c>load</c> run.</summary>
public sealed record LoadSummary
{
    public required string Mode { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required long AcknowledgedBatches { get; init; }
    public required long AcknowledgedTraces { get; init; }
    public required long AcknowledgedSpans { get; init; }
    /// <summary>Spans the server refused inside acknowledged requests (OTLP partial success).</summary>
    public required long RejectedSpans { get; init; }
    public required long FailedBatches { get; init; }
    public required long FailedSpans { get; init; }
    /// <summary>Acknowledged spans divided by the run's elapsed time.</summary>
    public required double SpansPerSecond { get; init; }
    /// <summary>Median of the acknowledged spans in each whole second of the run (robust to ramp-up and tail).</summary>
    public required double MedianSpansPerSecond { get; init; }
    public required LatencySummary Latency { get; init; }
    /// <summary>Failed requests by kind, e.g. "http 503", "grpc-status 14 UNAVAILABLE", "exception HttpRequestException".</summary>
    public required IReadOnlyDictionary<string, long> ErrorsByKind { get; init; }
    /// <summary>The first message seen for each error kind.</summary>
    public required IReadOnlyDictionary<string, string> ErrorExamples { get; init; }
    /// <summary>OTLP protobuf bytes of the batches (before JSON or gzip), for bytes-per-span figures.</summary>
    public required long ProtobufBytes { get; init; }
    /// <summary>Bytes actually put on the wire (after JSON transcoding and gzip) or into the output file.</summary>
    public required long WireBytes { get; init; }

    public double ProtobufBytesPerSpan => AcknowledgedSpans == 0 ? 0 : (double)ProtobufBytes / AcknowledgedSpans;

    public bool HasErrors => FailedBatches > 0 || RejectedSpans > 0;
}
