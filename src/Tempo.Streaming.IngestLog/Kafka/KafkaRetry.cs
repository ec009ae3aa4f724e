using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.IngestLog.Kafka;

/// <summary>
/// Runs a blocking librdkafka call (watermarks, commits, offset lookups) on the thread pool and retries it with
/// exponential backoff while it fails transiently (broker down, coordinator moving, a commit refused during a
/// rebalance), for at most the write timeout; then the failure surfaces as <see cref="IngestLogUnavailableException"/>.
/// </summary>
internal sealed class KafkaRetry
{
    private readonly KafkaLogOptions _options;
    private readonly ILogger _logger;
    private readonly KafkaClientEvents _events;

    public KafkaRetry(KafkaLogOptions options, ILogger logger, KafkaClientEvents events)
    {
        _options = options;
        _logger = logger;
        _events = events;
    }

    public async Task<T> RunAsync<T>(string operation, Func<T> call, CancellationToken cancellationToken)
    {
        var backoff = _options.RetryBackoffMin;
        var deadline = Environment.TickCount64 + (long)_options.WriteTimeout.TotalMilliseconds;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            KafkaException failure;
            try
            {
                return await Task.Run(call, cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                failure = e;
            }

            var error = ErrorOf(failure);
            var remaining = deadline - Environment.TickCount64;
            if (!IsTransient(error) || remaining <= 0)
            {
                throw new IngestLogUnavailableException(
                    $"Kafka {operation} failed{(IsTransient(error) ? $" for {_options.WriteTimeout.TotalSeconds:0.#}s" : "")}: {error.Reason} ({error.Code})",
                    failure);
            }

            var pause = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds, remaining));
            if (_events.TryLog("retry/" + operation, out _))
            {
                KafkaLogMessages.Retrying(_logger, operation, error.Reason, (long)pause.TotalMilliseconds);
            }

            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.RetryBackoffMax.Ticks));
        }
    }

    /// <summary>The per-partition error of a commit or offset lookup when there is one, else the call's error.</summary>
    private static Error ErrorOf(KafkaException exception)
    {
        if (exception is TopicPartitionOffsetException partitions)
        {
            foreach (var result in partitions.Results)
            {
                if (result.Error.IsError)
                {
                    return result.Error;
                }
            }
        }

        return exception.Error;
    }

    /// <summary>Errors that a later attempt cannot fix: a bad request or a client that is no longer usable.</summary>
    public static bool IsTransient(Error error) =>
        !error.IsFatal && error.Code is not (ErrorCode.Local_InvalidArg or ErrorCode.Local_UnknownPartition or ErrorCode.Local_Fatal
            or ErrorCode.Local_NotImplemented or ErrorCode.InvalidRequest or ErrorCode.TopicAuthorizationFailed
            or ErrorCode.GroupAuthorizationFailed or ErrorCode.InvalidGroupId);
}
