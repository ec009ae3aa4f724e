using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Query.Remote;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// A partition no live store can answer for (every owner down or unreachable) is a 503 naming it, so clients retry; a
/// store failing during a query otherwise is a 500 whose body says what failed (Tempo's frontend passes the querier's error
/// text through), logged once here; a client that went away is not an error.
/// </summary>
internal static partial class QueryFailures
{
    public static RequestDelegate Guard(RequestDelegate handler) => async context =>
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected; nothing to answer.
        }
        catch (PartitionUnavailableException exception) when (!context.Response.HasStarted)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tempo.Streaming.Server.Query");
            PartitionUnavailable(logger, context.Request.Path, exception.Message);
            context.Response.Clear();
            await QueryResponses.TextAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"error querying {context.Request.Path}: {exception.Message}").ConfigureAwait(false);
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tempo.Streaming.Server.Query");
            QueryFailed(logger, context.Request.Path, exception);
            context.Response.Clear();
            await QueryResponses.TextAsync(context, StatusCodes.Status500InternalServerError,
                $"error querying {context.Request.Path}: {exception.Message}").ConfigureAwait(false);
        }
    };

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "query {Path} could not reach every partition: {Reason}")]
    private static partial void PartitionUnavailable(ILogger logger, PathString path, string reason);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "query {Path} failed")]
    private static partial void QueryFailed(ILogger logger, PathString path, Exception exception);
}
