using System.Buffers;
using System.Text.Json;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Tempo.Streaming.Distributor;
using Tempo.Streaming.Receivers.Grpc;

namespace Tempo.Streaming.Receivers.Otlp;

/// <summary>Response messages of the OTLP receivers.</summary>
internal static class OtlpResponses
{
    private static readonly ExportTraceServiceResponse FullSuccess = new();

    /// <summary>
    /// OTLP spec, "Partial Success": <c>partial_success</c> is set only when the server rejected spans
    /// (<c>rejected_spans</c> &gt; 0) or has a warning for the client (<c>error_message</c>); a fully accepted request
    /// gets an empty response.
    /// </summary>
    public static ExportTraceServiceResponse Export(PushResult result)
    {
        if (result.RejectedSpans <= 0 && string.IsNullOrEmpty(result.ErrorMessage))
        {
            return FullSuccess;
        }

        return new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess
            {
                RejectedSpans = Math.Max(result.RejectedSpans, 0),
                ErrorMessage = result.ErrorMessage ?? string.Empty,
            },
        };
    }

    /// <summary>
    /// A <c>google.rpc.Status</c> (google/rpc/status.proto: <c>int32 code = 1; string message = 2;</c>, no details),
    /// which OTLP/HTTP requires as the body of every 4xx/5xx answer, protobuf-encoded. Hand-encoded: the message is
    /// two fields and not worth a proto dependency. Error path only, so plain arrays.
    /// </summary>
    public static byte[] StatusProtobuf(GrpcStatus code, string message)
    {
        var size = 0;
        if (code != GrpcStatus.OK)
        {
            size += 1 + CodedOutputStream.ComputeInt32Size((int)code);
        }

        if (message.Length > 0)
        {
            size += 1 + CodedOutputStream.ComputeStringSize(message);
        }

        var bytes = new byte[size];
        var stream = new CodedOutputStream(bytes);
        if (code != GrpcStatus.OK)
        {
            stream.WriteTag(1, WireFormat.WireType.Varint);
            stream.WriteInt32((int)code);
        }

        if (message.Length > 0)
        {
            stream.WriteTag(2, WireFormat.WireType.LengthDelimited);
            stream.WriteString(message);
        }

        stream.Flush();
        return bytes;
    }

    /// <summary>The same <c>google.rpc.Status</c> in proto3 JSON, for OTLP/JSON requests: <c>{"code":3,"message":"..."}</c>.</summary>
    public static byte[] StatusJson(GrpcStatus code, string message)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + 32);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", (int)code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }
}
