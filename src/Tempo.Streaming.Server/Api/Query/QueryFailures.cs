using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Server.Api.Query;

/// <summary>
/// A store failing during a query is a 500 whose body says what failed (Tempo's frontend passes the querier's error
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
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tempo.Streaming.Server.Query");
            QueryFailed(logger, context.Request.Path, exception);
            context.Response.Clear();
            await QueryResponses.TextAsync(context, StatusCodes.Status500InternalServerError,
                $"error querying {context.Request.Path}: {exception.Message}").ConfigureAwait(false);
        }
    };

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "query {Path} failed")]
    private static partial void QueryFailed(ILogger logger, PathString path, Exception exception);
}
