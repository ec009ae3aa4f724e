namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Kafka did not durably accept an append (no broker reachable, a delivery report with an error, or the write timeout
/// passed). None of the append's records may be assumed durable; the distributor answers 503 / gRPC UNAVAILABLE and the
/// client retries (ARCHITECTURE.md §1.1: never a silent loss).
/// </summary>
public sealed class IngestLogUnavailableException : Exception
{
    public IngestLogUnavailableException(string message)
        : base(message)
    {
    }

    public IngestLogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
