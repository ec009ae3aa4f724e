using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.Server.Configuration;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Server.Tests.Support;

/// <summary>Reads every record of an ingest log back and decodes the Tempo-format values.</summary>
public static class LogContents
{
    public static EmbeddedLogOptions ToTestLogOptions(this TempoConfig config) => config.ToEmbeddedLogOptions();

    public static async Task<List<LogRecord>> RecordsAsync(IIngestLog log)
    {
        var records = new List<LogRecord>();
        for (var partition = 0; partition < log.PartitionCount; partition++)
        {
            var offset = await log.GetLogStartOffsetAsync(partition, CancellationToken.None);
            while (true)
            {
                var batch = await log.ReadAsync(partition, offset, 1000, 4 << 20, CancellationToken.None);
                if (batch.Count == 0)
                {
                    break;
                }

                records.AddRange(batch);
                offset = batch[^1].Offset + 1;
            }
        }

        return records;
    }

    public static async Task<List<string>> SpanIdsAsync(IIngestLog log)
    {
        var ids = new List<string>();
        foreach (var record in await RecordsAsync(log))
        {
            var push = PushBytesRequest.Parser.ParseFrom(record.Value.Span);
            foreach (var traceBytes in push.Traces)
            {
                var trace = Trace.Parser.ParseFrom(traceBytes);
                ids.AddRange(trace.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)
                    .Select(s => Convert.ToHexString(s.SpanId.Span)));
            }
        }

        return ids;
    }
}
