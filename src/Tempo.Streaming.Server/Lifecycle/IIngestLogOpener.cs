using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;

namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>Opens the ingest log the configuration selects (a seam so tests can hold startup in "Starting").</summary>
public interface IIngestLogOpener
{
    /// <summary>Opens (and, for the embedded log, recovers) the log. Runs off the startup path.</summary>
    ValueTask<IIngestLog> OpenAsync(EmbeddedLogOptions options, CancellationToken cancellationToken);
}

/// <summary>The single binary's embedded segment log; a torn tail is truncated and reported by <c>Open</c> itself.</summary>
internal sealed class EmbeddedIngestLogOpener(ILoggerFactory loggerFactory) : IIngestLogOpener
{
    public ValueTask<IIngestLog> OpenAsync(EmbeddedLogOptions options, CancellationToken cancellationToken) =>
        new(Task.Run<IIngestLog>(() => EmbeddedIngestLog.Open(options, loggerFactory.CreateLogger("Tempo.Streaming.IngestLog.Embedded")),
            cancellationToken));
}
