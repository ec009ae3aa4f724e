using Tempo.Streaming.Core.Ids;

namespace Tempo.Streaming.Core.Tests.Ids;

/// <summary>The span-based ID helpers run per span on ingest and per result on queries: they must not allocate.</summary>
public sealed class IdAllocationTests
{
    [Fact]
    public void Span_based_parse_and_format_do_not_allocate()
    {
        var traceHex = "102030405060708090a0b0c0d0e0f10".AsMemory();
        var spanHex = "00001112131415161718".AsMemory();
        var traceBytes = new byte[TraceId.Length];
        var spanBytes = new byte[SpanId.Length];
        var chars = new char[64];

        RunAll().Should().BeTrue(); // warm up: static initialisation and JIT happen once
        var allSucceeded = true;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            allSucceeded &= RunAll();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allSucceeded.Should().BeTrue();
        allocated.Should().Be(0);

        bool RunAll() =>
            TraceId.TryParseHex(traceHex.Span, traceBytes)
            && TraceId.FormatHex(traceBytes, chars) == TraceId.HexLength
            && TraceId.FormatSearchHex(traceBytes, chars) == 31
            && TraceId.IsValid(traceBytes)
            && TraceId.FromBytes(traceBytes).TryFormat(chars, out _, default, null)
            && SpanId.TryParseHex(spanHex.Span, spanBytes)
            && SpanId.FormatHex(spanBytes, chars) == SpanId.HexLength
            && SpanId.IsValid(spanBytes);
    }
}
