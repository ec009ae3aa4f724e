using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Kafka;

namespace Tempo.Streaming.Server.Lifecycle;

/// <summary>
/// How long a distributed target keeps trying to reach Kafka at startup. Tempo waits for its broker the same way
/// (pkg/ingest <c>WaitForKafkaBroker</c>: backoff from 100 ms to 1 min, 10 retries, then the module fails with "kafka
/// broker not ready after 10 retries"), which rides out a broker that starts a little after us — the usual order in
/// docker compose and Kubernetes — yet still ends, after about two minutes, with a failure an operator sees.
/// Meanwhile <c>/ready</c> shows the service as Starting.
/// </summary>
public sealed record KafkaStartupRetry(TimeSpan MinBackoff, TimeSpan MaxBackoff, int MaxRetries)
{
    public static KafkaStartupRetry Default { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), 10);

    /// <summary>Opens <paramref name="options"/>' topic, retrying failures with exponential backoff.</summary>
    public async Task<IIngestLog> OpenAsync(IKafkaLogOpener opener, KafkaLogOptions options, bool exportMetrics, ILogger logger,
        CancellationToken cancellationToken)
    {
        var backoff = MinBackoff;
        for (var retries = 0; ; retries++)
        {
            try
            {
                return await opener.OpenAsync(options, exportMetrics, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (retries >= MaxRetries)
                {
                    throw new InvalidOperationException(
                        $"kafka broker not ready after {retries} retries: cannot open topic {options.Topic} at {options.Address}: {e.Message}", e);
                }

                Log.KafkaOpenRetry(logger, options.Topic, options.Address, retries + 1, (long)backoff.TotalMilliseconds, e.Message);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
