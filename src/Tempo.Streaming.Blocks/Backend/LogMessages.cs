using Microsoft.Extensions.Logging;

namespace Tempo.Streaming.Blocks.Backend;

/// <summary>Log lines of the object-store backends, with stable event IDs (51xx = block backends).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning,
        Message = "{Backend}: {Operation} '{Key}' failed (attempt {Attempt}), retrying in {DelayMs} ms: {Reason}")]
    public static partial void Retrying(ILogger logger, string backend, string operation, string key, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning,
        Message = "{Backend}: aborting multipart upload {UploadId} of '{Key}' failed; the server may keep its parts until a lifecycle rule removes them: {Reason}")]
    public static partial void AbortFailed(ILogger logger, string backend, string key, string uploadId, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information,
        Message = "Opened S3 backend: bucket {Bucket} at {Endpoint} (region {Region}, path style {PathStyle}, prefix '{Prefix}')")]
    public static partial void S3Opened(ILogger logger, string bucket, string endpoint, string region, bool pathStyle, string prefix);
}
