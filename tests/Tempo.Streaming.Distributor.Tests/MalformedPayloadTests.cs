using Google.Protobuf;
using Tempo.Streaming.Distributor.Tests.Support;
using static Tempo.Streaming.Distributor.Tests.Support.Otlp;

namespace Tempo.Streaming.Distributor.Tests;

/// <summary>ARCHITECTURE.md invariant 5: malformed input gets a clear error and nothing is written.</summary>
public sealed class MalformedPayloadTests
{
    private static byte[] ValidRequest() => Bytes(
        ResourceSpans(Resource("a"), null, ScopeSpans(Scope("s"), null, Span(1, 1, "a"), Span(2, 2, "b"))),
        ResourceSpans(Resource("b"), null, ScopeSpans(Scope("t"), null, Span(3, 3, "c"))));

    /// <summary>A length-delimited field with a one-byte tag.</summary>
    private static byte[] Field(int number, params byte[][] content)
    {
        var body = content.SelectMany(c => c).ToArray();
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteTag(number, WireFormat.WireType.LengthDelimited);
        coded.WriteBytes(ByteString.CopyFrom(body));
        coded.Flush();
        return output.ToArray();
    }

    /// <summary>A request whose single span has the given raw bytes, after a valid ResourceSpans.</summary>
    private static byte[] RequestWithSpanBytes(byte[] spanBytes) =>
    [
        .. Bytes(ResourceSpans(Resource("ok"), null, ScopeSpans(Scope("s"), null, Span(9, 9, "valid")))),
        .. Field(1, Field(2, Field(2, spanBytes))),
    ];

    public static TheoryData<string, byte[], string> Cases()
    {
        var valid = ValidRequest();
        var validSpan = Span(5, 5, "x").ToByteArray();
        return new TheoryData<string, byte[], string>
        {
            { "truncated request", valid[..^7], "invalid protobuf: truncated length-delimited field 1 in ExportTraceServiceRequest at byte " },
            { "bad varint", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "invalid protobuf: malformed varint field 1 in ExportTraceServiceRequest at byte 1" },
            { "truncated varint", [.. valid, 0x0A, 0x80], "invalid protobuf: truncated varint field 1 in ExportTraceServiceRequest at byte " + (valid.Length + 1) },
            { "trace_id as varint", RequestWithSpanBytes([0x08, 0x05, .. validSpan]), "invalid protobuf: wrong wire type 0 (Varint) for field 1 in Span at byte " },
            { "resource_spans as fixed32", [0x0D, 1, 2, 3, 4], "invalid protobuf: wrong wire type 5 (Fixed32) for field 1 in ExportTraceServiceRequest at byte 0" },
            { "start time as varint", RequestWithSpanBytes([.. validSpan, 0x38, 0x01]), "invalid protobuf: wrong wire type 0 (Varint) for field 7 in Span" },
            { "truncated attribute value", RequestWithSpanBytes([.. validSpan, .. Field(9, [0x0A, 0x01, 0x6B, 0x12, 0x05, 0x0A, 0x09])]), "invalid protobuf: truncated length-delimited field 2 in KeyValue at byte " },
            { "nested any-value broken", RequestWithSpanBytes([.. validSpan, .. Field(9, Field(2, Field(5, Field(1, [0x18])))) ]), "invalid protobuf: truncated varint field 3 in AnyValue at byte " },
            { "group wire type", RequestWithSpanBytes([.. validSpan, 0xA3, 0x06]), "invalid protobuf: unsupported group wire type for field 100 in Span" },
            { "field number zero", [0x02, 0x00], "invalid protobuf: field number 0 in ExportTraceServiceRequest at byte 0" },
            { "wire type 7", [0x0F], "invalid protobuf: unknown wire type 7 for field 1 in ExportTraceServiceRequest at byte 0" },
            { "truncated fixed64", RequestWithSpanBytes([.. validSpan, 0x39, 1, 2]), "invalid protobuf: truncated fixed64 field 7 in Span" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Malformed_payload_is_rejected_with_what_is_wrong_and_nothing_is_written(string what, byte[] payload, string message)
    {
        using var harness = new DistributorHarness();

        var act = () => harness.PushAsync(payload);

        var error = (await act.Should().ThrowAsync<PushRejectedException>(what)).Which;
        error.Reason.Should().Be(PushRejectionReason.InvalidPayload);
        error.Message.Should().StartWith(message);
        harness.Log.AppendCalls.Should().Be(0, "nothing may be written when the payload is malformed");
    }

    [Fact]
    public async Task Deeply_nested_values_are_refused_before_a_reader_would_hit_its_recursion_limit()
    {
        var value = new OpenTelemetry.Proto.Common.V1.AnyValue { StringValue = "leaf" };
        for (var i = 0; i < 120; i++)
        {
            value = new OpenTelemetry.Proto.Common.V1.AnyValue { ArrayValue = new OpenTelemetry.Proto.Common.V1.ArrayValue { Values = { value } } };
        }

        var span = Span(1, 1, "deep");
        span.Attributes.Add(new OpenTelemetry.Proto.Common.V1.KeyValue { Key = "deep", Value = value });
        using var harness = new DistributorHarness();

        var act = () => harness.PushAsync(RequestWithSpanBytes(span.ToByteArray()));

        (await act.Should().ThrowAsync<PushRejectedException>()).Which.Message.Should().Contain("nested deeper than 100 levels");
        harness.Log.AppendCalls.Should().Be(0);
    }

    [Fact]
    public async Task Unknown_fields_at_every_level_are_accepted()
    {
        using var harness = new DistributorHarness();
        byte[] unknownVarint = [0xC0, 0x3E, 0x2A];
        byte[] unknownFixed = [0xC5, 0x3E, 1, 2, 3, 4];
        var payload = RequestWithSpanBytes([.. Span(4, 4, "x").ToByteArray(), .. unknownVarint, .. unknownFixed]);

        var result = await harness.PushAsync([.. payload, .. unknownVarint]);

        result.Should().Be(new PushResult(2, 0, null));
    }
}
