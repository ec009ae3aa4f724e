using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Distributor;

/// <summary>Log events of the distributor's partition routing (IDs 2050-2059 of the distributor's range).</summary>
internal static partial class RingLogMessages
{
    [LoggerMessage(EventId = 2050, Level = LogLevel.Information,
        Message = "Distributor writes to ACTIVE partitions [{Active}] (previously [{Previous}])")]
    public static partial void ActivePartitionsChanged(ILogger logger, string active, string previous);

    [LoggerMessage(EventId = 2051, Level = LogLevel.Warning,
        Message = "The partition ring lists ACTIVE partitions [{Ignored}] that ingest log '{Topic}' does not have ({PartitionCount} partitions); no trace is routed to them")]
    public static partial void PartitionsIgnored(ILogger logger, string ignored, string topic, int partitionCount);
}
