using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.IngestLog.Ring;

namespace Tempo.Streaming.Server.Api.Ring;

/// <summary>
/// <c>/live-store/prepare-partition-downscale</c> and <c>/ingester/prepare-partition-downscale</c>, Tempo 3.x's
/// <c>PreparePartitionDownscaleHandler</c>: GET reports, POST makes the owned partition INACTIVE (read-only: distributors
/// stop writing to it, queriers keep reading it), DELETE makes an INACTIVE partition ACTIVE again. Every 200 carries
/// <c>{"timestamp":&lt;unix s of the switch to INACTIVE, or 0&gt;,"state":"PartitionXxx"}</c>.
/// </summary>
internal static class PartitionDownscaleRoute
{
    public static async Task HandleAsync(HttpContext context)
    {
        var lifecycler = LiveStoreAvailability.RunningLifecycler(context);
        if (lifecycler is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(RingLog.Category);
        var partition = LiveStoreAvailability.Partition(lifecycler);
        var method = context.Request.Method;
        if (HttpMethods.IsPost(method))
        {
            var (state, _) = lifecycler.GetPartitionState();
            if (state == PartitionState.Pending)
            {
                // Tempo refuses: a cancelled downscale could not tell whether to go back to PENDING or ACTIVE, and a
                // partition stays PENDING only briefly.
                RingLog.PartitionPendingRefused(logger, partition);
                context.Response.StatusCode = StatusCodes.Status409Conflict;
                return;
            }

            if (state == PartitionState.Inactive)
            {
                RingLog.PartitionAlreadyInactive(logger, partition);
            }
            else
            {
                if (!await TryChangeAsync(context, lifecycler, PartitionState.Inactive, logger, partition).ConfigureAwait(false))
                {
                    return;
                }

                RingLog.PartitionInactive(logger, partition);
            }
        }
        else if (HttpMethods.IsDelete(method))
        {
            var (state, _) = lifecycler.GetPartitionState();
            // Only INACTIVE goes back (to ACTIVE, never PENDING: PENDING partitions are not queried, so the data it
            // holds would disappear from reads). ACTIVE and PENDING are left alone.
            if (state != PartitionState.Inactive)
            {
                RingLog.PartitionNotInactive(logger, partition, state.Name());
            }
            else
            {
                if (!await TryChangeAsync(context, lifecycler, PartitionState.Active, logger, partition).ConfigureAwait(false))
                {
                    return;
                }

                RingLog.PartitionActiveAgain(logger, partition);
            }
        }
        else if (!HttpMethods.IsGet(method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var (current, timestamp) = lifecycler.GetPartitionState();
        await WriteStateAsync(context, current, current == PartitionState.Inactive ? timestamp.ToUnixTimeSeconds() : 0).ConfigureAwait(false);
    }

    private static async Task<bool> TryChangeAsync(HttpContext context, PartitionLifecycler lifecycler, PartitionState state,
        ILogger logger, int partition)
    {
        try
        {
            await lifecycler.ChangePartitionStateAsync(state, context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (PartitionStateChangeNotAllowedException exception)
        {
            // The state moved between the check and the write (e.g. to PENDING): dskit refuses the transition, and the
            // request conflicts with the partition's state as the PENDING check above would have said.
            RingLog.PartitionChangeRefused(logger, partition, exception.Message);
            context.Response.StatusCode = StatusCodes.Status409Conflict;
            return false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Tempo answers a ring failure with an empty 500 and logs the cause.
            RingLog.PartitionChangeFailed(logger, exception, partition, state.Name());
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return false;
        }
    }

    /// <summary>Tempo's <c>PreparePartitionDownscaleResponse</c>, written like its <c>util.WriteJSONResponse</c> (no trailing newline).</summary>
    private static async Task WriteStateAsync(HttpContext context, PartitionState state, long timestamp)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("timestamp", timestamp);
            json.WriteString("state", state.Name());
            json.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
