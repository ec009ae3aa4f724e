using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Buffers;
using Tempo.Streaming.Receivers.Grpc;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>
/// <c>opentelemetry.proto.collector.trace.v1.TraceService/Export</c> (unary). The request message is handed to the
/// distributor as raw protobuf bytes, unparsed; it decodes them itself and reports malformed input.
/// </summary>
internal sealed class OtlpGrpcReceiver(ITracePusher pusher, OtlpReceiverOptions options, OtlpReceiverMetrics metrics, ILogger logger)
{
    public const string Service = "opentelemetry.proto.collector.trace.v1.TraceService";
    public const string Method = "Export";

    public async Task ExportAsync(HttpContext context)
    {
        var tenant = OtlpTenant.Resolve(context.Request, options, out var tenantError, out var tenantMessage)
            ?? throw new GrpcException(
                tenantError == TenantError.Missing ? GrpcStatus.Unauthenticated : GrpcStatus.InvalidArgument, tenantMessage!);

        using PooledByteBuffer request = await GrpcWire.ReadMessageAsync(context, options.GrpcMaxRecvMsgBytes, context.RequestAborted)
                .ConfigureAwait(false)
            ?? throw new GrpcException(GrpcStatus.Internal, "the Export call carried no request message");

        PushResult result;
        try
        {
            result = await pusher.PushAsync(tenant, request.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (PushRejectedException e)
        {
            metrics.Refused(OtlpReceiverMetrics.GrpcTransport, OtlpSpanCounter.Count(request.WrittenSpan));
            ReceiverLog.PushRefused(logger, OtlpReceiverMetrics.GrpcTransport, tenant, e.Reason.ToString(), e.Message);
            var status = e.Reason switch
            {
                PushRejectionReason.InvalidPayload => GrpcStatus.InvalidArgument,
                PushRejectionReason.RateLimited => GrpcStatus.ResourceExhausted,
                _ => GrpcStatus.Unavailable,
            };
            throw new GrpcException(status, e.Message, e);
        }

        metrics.Accepted(OtlpReceiverMetrics.GrpcTransport, result.AcceptedSpans);
        metrics.Refused(OtlpReceiverMetrics.GrpcTransport, result.RejectedSpans);
        await GrpcWire.WriteMessageAsync(context, OtlpResponses.Export(result), context.RequestAborted).ConfigureAwait(false);
    }
}
