using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Grpc;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>
/// Endpoint mappings of the OTLP receivers. Both resolve <see cref="ITracePusher"/>, <c>IMeterFactory</c> and
/// <see cref="ILoggerFactory"/> from the application's services when mapped, so a missing registration fails at
/// startup. Map them on the listener they belong to (e.g. <c>.RequireHost("*:4318")</c> on the returned builder).
/// </summary>
public static class OtlpEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>POST /opentelemetry.proto.collector.trace.v1.TraceService/Export</c> (OTLP/gRPC).</summary>
    public static IEndpointConventionBuilder MapOtlpGrpc(this IEndpointRouteBuilder endpoints, OtlpReceiverOptions options)
    {
        var (pusher, metrics, logger) = Resolve(endpoints, options, "Tempo.Streaming.Receivers.Otlp.Grpc");
        var receiver = new OtlpGrpcReceiver(pusher, options, metrics, logger);
        return endpoints.MapGrpcMethod(OtlpGrpcReceiver.Service, OtlpGrpcReceiver.Method, receiver.ExportAsync);
    }

    /// <summary>Maps <c>POST /v1/traces</c> (OTLP/HTTP, protobuf and JSON).</summary>
    public static IEndpointConventionBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints, OtlpReceiverOptions options)
    {
        var (pusher, metrics, logger) = Resolve(endpoints, options, "Tempo.Streaming.Receivers.Otlp.Http");
        var receiver = new OtlpHttpReceiver(pusher, options, metrics, logger);
        return endpoints.MapPost(OtlpHttpReceiver.Path, (RequestDelegate)receiver.HandleAsync)
            .WithDisplayName("OTLP/HTTP traces");
    }

    private static (ITracePusher Pusher, OtlpReceiverMetrics Metrics, ILogger Logger) Resolve(
        IEndpointRouteBuilder endpoints, OtlpReceiverOptions options, string loggerCategory)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var services = endpoints.ServiceProvider;
        var pusher = services.GetService<ITracePusher>()
            ?? throw new InvalidOperationException(
                $"The OTLP receivers need an {nameof(ITracePusher)} service (the distributor); register one before mapping them.");
        var metrics = new OtlpReceiverMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(loggerCategory);
        return (pusher, metrics, logger);
    }
}
