using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Receivers;

/// <summary>Every log message of the receivers, with stable event IDs (11xx).</summary>
internal static partial class ReceiverLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "gRPC call {Path} failed with an unexpected error")]
    public static partial void GrpcCallFailed(ILogger logger, string? path, Exception exception);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "OTLP {Transport} push for tenant {Tenant} refused ({Reason}): {Message}")]
    public static partial void PushRefused(ILogger logger, string transport, string tenant, string reason, string message);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "OTLP {Transport} request refused with {Status}: {Message}")]
    public static partial void RequestRefused(ILogger logger, string transport, int status, string message);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "OTLP HTTP request failed with an unexpected error")]
    public static partial void HttpRequestFailed(ILogger logger, Exception exception);
}
