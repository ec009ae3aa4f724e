using System.Buffers;

namespace Tempo.Streaming.Query.Traces;

public static class TraceResponseWriter
{
    public static void WriteV1Json(IBufferWriter<byte> output, Tempo.Streaming.Tempopb.Trace trace) => throw new NotImplementedException();

    public static void WriteV1Protobuf(IBufferWriter<byte> output, Tempo.Streaming.Tempopb.Trace trace) => throw new NotImplementedException();

    public static void WriteV2Json(IBufferWriter<byte> output, TraceLookupResult result) => throw new NotImplementedException();

    public static void WriteV2Protobuf(IBufferWriter<byte> output, TraceLookupResult result) => throw new NotImplementedException();

    public static void WriteLlmJson(IBufferWriter<byte> output, TraceLookupResult result) => throw new NotImplementedException();
}
