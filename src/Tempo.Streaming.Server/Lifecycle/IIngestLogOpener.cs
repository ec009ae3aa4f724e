using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.IngestLog.Kafka;

namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>Opens the ingest log the configuration selects (a seam so tests can hold startup in "Starting").</summary>
public interface IIngestLogOpener
{
    /// <summary>Opens (and, for the embedded log, recovers) the log. Runs off the startup path.</summary>
    ValueTask<IIngestLog> OpenAsync(EmbeddedLogOptions options, CancellationToken cancellationToken);
}

/// <summary>Opens a Kafka topic as an ingest log (the distributed targets' ingest topic and partition-ring topic).</summary>
public interface IKafkaLogOpener
{
    /// <summary>
    /// Opens <paramref name="options"/>' topic; faults when the brokers cannot be reached or the topic cannot be found,
    /// and the caller retries (<see cref="KafkaStartupRetry"/>).
    /// </summary>
    Task<IIngestLog> OpenAsync(KafkaLogOptions options, bool exportMetrics, CancellationToken cancellationToken);
}

/// <summary>The single binary's embedded segment log; a torn tail is truncated and reported by <c>Open</c> itself.</summary>
internal sealed class EmbeddedIngestLogOpener(ILoggerFactory loggerFactory) : IIngestLogOpener
{
    public ValueTask<IIngestLog> OpenAsync(EmbeddedLogOptions options, CancellationToken cancellationToken) =>
        new(Task.Run<IIngestLog>(() => EmbeddedIngestLog.Open(options, loggerFactory.CreateLogger("Tempo.Streaming.IngestLog.Embedded")),
            cancellationToken));
}

/// <summary>Confluent.Kafka on Debian's librdkafka (../shared/deps/native.md §1).</summary>
internal sealed class KafkaIngestLogOpener(ILoggerFactory loggerFactory, System.Diagnostics.Metrics.IMeterFactory meterFactory) : IKafkaLogOpener
{
    public async Task<IIngestLog> OpenAsync(KafkaLogOptions options, bool exportMetrics, CancellationToken cancellationToken)
    {
        KafkaNative.EnsureInitialized();
        // The ring topic's few writes would only blur the ingest topic's produce metrics, so only the ingest log exports them.
        return await KafkaIngestLog.OpenAsync(options, loggerFactory.CreateLogger("Tempo.Streaming.IngestLog.Kafka"),
            exportMetrics ? meterFactory : null, cancellationToken);
    }
}
