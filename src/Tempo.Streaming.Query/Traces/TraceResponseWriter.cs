using System.Buffers;
using System.Text.Json;
using Google.Protobuf;
using Tempo.Streaming.Query.Json;
using Tempo.Streaming.Tempopb;

namespace Tempo.Streaming.Query.Traces;

/// <summary>
/// Every body of Tempo's trace-by-ID endpoints. JSON is gogo jsonpb's (<see cref="OtlpJsonpbWriter"/>); protobuf is
/// the message's own encoding.
/// </summary>
public static class TraceResponseWriter
{
    // v1 keeps the historical key "batches" (grafana/tempo#3895 renamed the Go field to ResourceSpans but kept the v1
    // JSON); in v2 the TraceByIDResponse's Trace is printed by jsonpb from the field's proto name, "resourceSpans"
    // (pkg/tempopb/tempo.pb.go: `protobuf:"bytes,1,rep,name=resourceSpans"`).
    private static readonly JsonEncodedText Batches = JsonEncodedText.Encode("batches");
    private static readonly JsonEncodedText ResourceSpans = JsonEncodedText.Encode("resourceSpans");
    private static readonly JsonEncodedText TraceName = JsonEncodedText.Encode("trace");
    private static readonly JsonEncodedText Metrics = JsonEncodedText.Encode("metrics");
    private static readonly JsonEncodedText InspectedBytes = JsonEncodedText.Encode("inspectedBytes");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Partial = JsonEncodedText.Encode("PARTIAL");

    /// <summary><c>GET /api/traces/&lt;id&gt;</c> as JSON: <c>{"batches":[...]}</c>.</summary>
    public static void WriteV1Json(IBufferWriter<byte> output, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        using var writer = TempoJson.CreateWriter(output);
        OtlpJsonpbWriter.WriteTrace(writer, trace, Batches);
    }

    /// <summary><c>GET /api/traces/&lt;id&gt;</c> with <c>Accept: application/protobuf</c>: a marshalled <c>tempopb.Trace</c>
    /// (wire-identical to OTLP <c>TracesData</c>).</summary>
    public static void WriteV1Protobuf(IBufferWriter<byte> output, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        trace.WriteTo(output);
    }

    /// <summary>
    /// <c>GET /api/v2/traces/&lt;id&gt;</c> as JSON: jsonpb of <c>TraceByIDResponse</c> —
    /// <c>{"trace":{"resourceSpans":[...]},"metrics":{"inspectedBytes":"123"},"status":"PARTIAL","message":"..."}</c>.
    /// As in Tempo's v2 combiner, a missing trace is printed as an empty one (<c>"trace":{}</c>; whether to answer 404
    /// instead is the HTTP layer's call), <c>metrics</c> is always present, and the zero status COMPLETE and an empty
    /// message are omitted (EmitDefaults false).
    /// </summary>
    public static void WriteV2Json(IBufferWriter<byte> output, TraceLookupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var writer = TempoJson.CreateWriter(output);
        writer.WriteStartObject();
        writer.WritePropertyName(TraceName);
        OtlpJsonpbWriter.WriteTrace(writer, result.Trace ?? EmptyTrace, ResourceSpans);
        writer.WriteStartObject(Metrics);
        if (result.InspectedBytes > 0)
        {
            TempoJson.WriteInt64String(writer, InspectedBytes, result.InspectedBytes);
        }

        writer.WriteEndObject();
        if (result.Partial)
        {
            writer.WriteString(Status, Partial);
        }

        if (!string.IsNullOrEmpty(result.Message))
        {
            writer.WriteString(Message, result.Message);
        }

        writer.WriteEndObject();
    }

    /// <summary><c>GET /api/v2/traces/&lt;id&gt;</c> with <c>Accept: application/protobuf</c>: a marshalled <c>TraceByIDResponse</c>.</summary>
    public static void WriteV2Protobuf(IBufferWriter<byte> output, TraceLookupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var response = new TraceByIDResponse
        {
            Trace = result.Trace ?? new Trace(),
            Metrics = new TraceByIDMetrics { InspectedBytes = (ulong)Math.Max(0, result.InspectedBytes) },
            Status = result.Partial ? PartialStatus.Partial : PartialStatus.Complete,
            Message = result.Message ?? string.Empty,
        };
        response.WriteTo(output);
    }

    /// <summary><c>GET /api/v2/traces/&lt;id&gt;</c> with <c>Accept: application/vnd.grafana.llm</c>; see <see cref="LlmTraceWriter"/>.</summary>
    public static void WriteLlmJson(IBufferWriter<byte> output, TraceLookupResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var writer = TempoJson.CreateWriter(output);
        LlmTraceWriter.Write(writer, result);
    }

    private static Trace EmptyTrace { get; } = new();
}
