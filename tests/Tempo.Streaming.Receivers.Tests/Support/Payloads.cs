using System.IO.Compression;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Tempo.Streaming.Receivers.Tests.Support;

/// <summary>Test payloads.</summary>
public static class Payloads
{
    public static readonly byte[] TraceId = Convert.FromHexString("de95a157a5662e374a6cb4633120d7bc");
    public static readonly byte[] SpanId = Convert.FromHexString("4a6cb4633120d7bc");

    public static ExportTraceServiceRequest Request(int spans = 2)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        for (var i = 0; i < spans; i++)
        {
            var spanId = (byte[])SpanId.Clone();
            spanId[7] = (byte)i;
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(TraceId),
                SpanId = ByteString.CopyFrom(spanId),
                Name = $"span-{i}",
                Kind = Span.Types.SpanKind.Server,
                StartTimeUnixNano = 1_700_000_000_000_000_000UL,
                EndTimeUnixNano = 1_700_000_000_250_000_000UL,
                Attributes = { new KeyValue { Key = "http.status_code", Value = new AnyValue { IntValue = 200 } } },
            });
        }

        var resource = new Resource
        {
            Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "checkout" } } },
        };
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = resource, ScopeSpans = { scope } } } };
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The fields of a <c>google.rpc.Status</c> body (code = 1, message = 2).</summary>
    public static (int Code, string Message) ParseStatus(byte[] body)
    {
        var input = new CodedInputStream(body);
        int code = 0;
        var message = string.Empty;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    code = input.ReadInt32();
                    break;
                case 2:
                    message = input.ReadString();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (code, message);
    }
}
