using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Polly;
using Polly.Retry;

namespace Tempo.Streaming.Blocks.Backend;

public sealed partial class S3ObjectStore
{
    private static readonly ResiliencePropertyKey<string> OperationProperty = new("tempo.backend.operation");
    private static readonly ResiliencePropertyKey<string> KeyProperty = new("tempo.backend.key");

    /// <summary>S3 error codes that mean "try again later" even when the status is not 5xx.</summary>
    private static readonly HashSet<string> TransientErrorCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeoutException", "InternalError",
        "ServiceUnavailable", "RequestLimitExceeded", "TooManyRequestsException",
    };

    private static readonly HashSet<string> CredentialErrorCodes = new(StringComparer.Ordinal)
    {
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken", "InvalidSecurity",
    };

    private ResiliencePipeline BuildRetryPipeline()
    {
        var builder = new ResiliencePipelineBuilder();
        if (_options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && IsTransient(e, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    LogMessages.Retrying(_logger, Description,
                        args.Context.Properties.GetValue(OperationProperty, "?"), args.Context.Properties.GetValue(KeyProperty, "?"),
                        args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "");
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// Runs one backend request with retries, records its duration per attempt, and turns the final failure into a
    /// <see cref="BackendException"/> that names the bucket, endpoint, key and cause.
    /// </summary>
    private async Task<T> ExecuteAsync<T>(string operation, string key, Func<S3ObjectStore, CancellationToken, Task<T>> call,
        CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OperationProperty, operation);
        context.Properties.Set(KeyProperty, key);
        try
        {
            return await _pipeline.ExecuteAsync(static async (ctx, state) =>
            {
                var started = Stopwatch.GetTimestamp();
                var status = "200";
                try
                {
                    return await state.call(state.store, ctx.CancellationToken).ConfigureAwait(false);
                }
                catch (AmazonServiceException e) when (e.StatusCode != 0)
                {
                    status = ((int)e.StatusCode).ToString(CultureInfo.InvariantCulture);
                    throw;
                }
                catch (Exception)
                {
                    status = "error";
                    throw;
                }
                finally
                {
                    BackendMetrics.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                        new KeyValuePair<string, object?>("operation", state.operation),
                        new KeyValuePair<string, object?>("status_code", status));
                }
            }, context, (store: this, call, operation)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (BackendException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw Translate(operation, key, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsTransient(Exception exception, CancellationToken cancellationToken)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case OperationCanceledException:
                    // The caller cancelling is final; anything else cancelling is the SDK's request timeout.
                    return !cancellationToken.IsCancellationRequested;
                case AmazonServiceException service when service.StatusCode != 0:
                    return (int)service.StatusCode >= 500 || service.StatusCode == HttpStatusCode.TooManyRequests ||
                           (service.ErrorCode is { } code && TransientErrorCodes.Contains(code));
                case HttpRequestException or IOException or SocketException or TimeoutException:
                    return true;
            }
        }

        return false;
    }

    private BackendException Translate(string operation, string key, Exception exception)
    {
        var service = Find<AmazonServiceException>(exception);
        if (service is not null && service.StatusCode != 0)
        {
            var code = service.ErrorCode ?? service.StatusCode.ToString();
            if (code == "NoSuchBucket")
            {
                return new BackendException($"s3 bucket '{_options.Bucket}' does not exist at {_endpoint}", exception);
            }

            if (code == "NoSuchKey" || service.StatusCode == HttpStatusCode.NotFound && operation is "GET" or "HEAD")
            {
                return new ObjectNotFoundException($"{Description}: object '{key}' does not exist", exception);
            }

            if (CredentialErrorCodes.Contains(code) || service.StatusCode == HttpStatusCode.Forbidden)
            {
                return new BackendException($"{Description}: the credentials were rejected ({code}: {service.Message})", exception);
            }

            if (code == "InvalidRange" || service.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return new BackendException($"{Description}: the requested range of '{key}' is beyond the end of the object", exception);
            }

            return new BackendException(
                $"{Description}: {operation} '{key}' failed: HTTP {(int)service.StatusCode} {code}: {service.Message}", exception);
        }

        var network = (Exception?)Find<HttpRequestException>(exception) ?? Find<SocketException>(exception);
        if (network is not null)
        {
            return new BackendException(
                $"{Description}: cannot reach the endpoint {_endpoint} ({operation} '{key}' after {_options.MaxAttempts} attempts): {Innermost(network).Message}",
                exception);
        }

        if (Find<OperationCanceledException>(exception) is not null || Find<TimeoutException>(exception) is not null)
        {
            return new BackendException(
                $"{Description}: {operation} '{key}' timed out ({_options.RequestTimeout.TotalSeconds:0.#} s per attempt, {_options.MaxAttempts} attempts)",
                exception);
        }

        return new BackendException($"{Description}: {operation} '{key}' failed: {Innermost(exception).Message}", exception);
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
