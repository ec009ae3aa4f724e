using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Distributor;

/// <summary>Distributor log events; IDs 2000-2099 belong to the distributor.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Rejected {Count} spans of tenant {Tenant}: {Reason}")]
    public static partial void SpansRejected(this ILogger logger, int count, string tenant, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Truncated {Count} attribute keys or values of tenant {Tenant} to max_attribute_bytes={MaxAttributeBytes}")]
    public static partial void AttributesTruncated(this ILogger logger, int count, string tenant, int maxAttributeBytes);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Ingest log append to partition {Partition} failed for tenant {Tenant}")]
    public static partial void AppendFailed(this ILogger logger, Exception exception, int partition, string tenant);
}
