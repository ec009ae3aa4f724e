using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.IngestLog;
using Tempo.Streaming.IngestLog.Embedded;
using Tempo.Streaming.Tempopb;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace Tempo.Streaming.IntegrationTests.Infrastructure;

/// <summary>One span as found in the ingest log, with the record, resource and scope it arrived in.</summary>
public sealed record LoggedSpan(string Tenant, int Partition, long Offset, Span Span, Resource Resource, InstrumentationScope Scope)
{
    public string TraceIdHex => Convert.ToHexStringLower(Span.TraceId.Span);

    public string SpanIdHex => Convert.ToHexStringLower(Span.SpanId.Span);

    public string? Attribute(string key) => Find(Span.Attributes, key);

    public string? ResourceAttribute(string key) => Find(Resource.Attributes, key);

    private static string? Find(IEnumerable<KeyValue> attributes, string key)
    {
        foreach (var kv in attributes)
        {
            if (kv.Key == key) return AnyValueText(kv.Value);
        }
        return null;
    }

    public static string AnyValueText(AnyValue v) => v.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => v.StringValue,
        AnyValue.ValueOneofCase.IntValue => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => v.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => v.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.ArrayValue => string.Join(",", v.ArrayValue.Values.Select(AnyValueText)),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(v.BytesValue.Span),
        _ => v.ToString(),
    };
}

/// <summary>
/// Reads every record of an embedded ingest log (read-only, so it works while the server runs), checks each record's
/// structure (a PushBytesRequest whose ids are parallel to traces and match every span inside), and flattens it.
/// </summary>
public static class IngestLogContents
{
    public static async Task<IReadOnlyList<LoggedSpan>> ReadAllAsync(string ingestPath)
    {
        var spans = new List<LoggedSpan>();
        await using var log = EmbeddedIngestLog.OpenReadOnly(ingestPath);
        for (var partition = 0; partition < log.PartitionCount; partition++)
        {
            var next = await log.GetLogStartOffsetAsync(partition, CancellationToken.None);
            var end = await log.GetHighWatermarkAsync(partition, CancellationToken.None);
            while (next < end)
            {
                var records = await log.ReadAsync(partition, next, 1000, 16 * 1024 * 1024, CancellationToken.None);
                if (records.Count == 0) break;
                foreach (var record in records)
                {
                    Decode(record, spans);
                    next = record.Offset + 1;
                }
            }
        }
        return spans;
    }

    private static void Decode(LogRecord record, List<LoggedSpan> into)
    {
        var tenant = System.Text.Encoding.UTF8.GetString(record.Key.Span);
        var push = PushBytesRequest.Parser.ParseFrom(record.Value.Span);
        if (push.Traces.Count != push.Ids.Count)
            throw new InvalidDataException($"record {record.Partition}/{record.Offset}: {push.Traces.Count} traces but {push.Ids.Count} ids");
        for (var i = 0; i < push.Traces.Count; i++)
        {
            var id = push.Ids[i];
            if (id.Length != 16) throw new InvalidDataException($"record {record.Partition}/{record.Offset}: trace id of {id.Length} bytes");
            var trace = Trace.Parser.ParseFrom(push.Traces[i]);
            foreach (var rs in trace.ResourceSpans)
            foreach (var ss in rs.ScopeSpans)
            foreach (var span in ss.Spans)
            {
                if (span.TraceId != id)
                    throw new InvalidDataException($"record {record.Partition}/{record.Offset}: span of trace {span.TraceId.ToBase64()} filed under {id.ToBase64()}");
                into.Add(new LoggedSpan(tenant, record.Partition, record.Offset, span, rs.Resource ?? new Resource(), ss.Scope ?? new InstrumentationScope()));
            }
        }
    }
}
