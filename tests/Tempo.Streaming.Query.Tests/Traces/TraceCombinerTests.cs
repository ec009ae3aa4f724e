using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Traces;
using static Tempo.Streaming.Query.Tests.Traces.SampleTraces;
using Kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;
using Span = OpenTelemetry.Proto.Trace.V1.Span;

namespace Tempo.Streaming.Query.Tests.Traces;

public class TraceCombinerTests
{
    private static TraceLookupResult Combine(long maxTraceBytes, params ReadOnlyMemory<byte>[] fragments) =>
        TraceByIdQuerier.Combine([new TraceFragments(fragments, 0)], maxTraceBytes);

    private static ReadOnlyMemory<byte> Fragment(params Google.Protobuf.IMessage[] batches)
    {
        var trace = new Tempo.Streaming.Tempopb.Trace();
        foreach (var batch in batches)
        {
            trace.ResourceSpans.Add((OpenTelemetry.Proto.Trace.V1.ResourceSpans)batch);
        }

        return trace.ToByteArray();
    }

    private static List<Span> Spans(TraceLookupResult result) =>
        result.Trace!.ResourceSpans.SelectMany(b => b.ScopeSpans).SelectMany(s => s.Spans).ToList();

    [Fact]
    public void Same_span_id_with_different_kinds_is_kept_twice()
    {
        var result = Combine(0,
            Fragment(Batch("client", NewSpan(7, 100, Kind.Client))),
            Fragment(Batch("server", NewSpan(7, 200, Kind.Server))));

        Spans(result).Select(s => s.Kind).Should().Equal(Kind.Client, Kind.Server);
    }

    [Fact]
    public void Same_span_id_and_kind_appears_once_and_the_first_copy_wins()
    {
        var first = NewSpan(1, 100, Kind.Server, "first copy");
        var second = NewSpan(1, 100, Kind.Server, "re-delivered copy");
        var other = NewSpan(2, 150);

        var result = Combine(0, Fragment(Batch("svc", first)), Fragment(Batch("svc", second, other)));

        Spans(result).Select(s => s.Name).Should().Equal("first copy", "span-2");
        result.Trace!.ResourceSpans.Should().HaveCount(2, "the second fragment's batch still holds a new span");
    }

    [Fact]
    public void Duplicates_inside_one_fragment_are_removed_too()
    {
        var result = Combine(0, Fragment(Batch("svc", NewSpan(1, 100, name: "a"), NewSpan(1, 100, name: "b"))));

        Spans(result).Select(s => s.Name).Should().Equal("a");
    }

    [Fact]
    public void Batches_and_scopes_left_without_spans_are_dropped()
    {
        var resent = Batch("svc", NewSpan(1, 100));
        var result = Combine(0, Fragment(resent), Fragment(resent.Clone()), Fragment(Batch("empty")));

        result.Trace!.ResourceSpans.Should().ContainSingle();
    }

    [Fact]
    public void The_result_is_in_tempos_sort_order()
    {
        // Spans by start then ID within a scope; scopes and batches by their first span.
        var late = Batch("late", NewSpan(9, 900), NewSpan(3, 300));
        var early = Batch("early", NewSpan(5, 100), NewSpan(4, 100));

        var result = Combine(0, Fragment(late), Fragment(early));

        result.Trace!.ResourceSpans.Select(b => b.Resource.Attributes[0].Value.StringValue).Should().Equal("early", "late");
        Spans(result).Select(s => s.Name).Should().Equal("span-4", "span-5", "span-3", "span-9");
    }

    [Fact]
    public void Events_keep_their_stored_order()
    {
        var span = NewSpan(1, 100);
        span.Events.Add(new Span.Types.Event { Name = "later", TimeUnixNano = 500 });
        span.Events.Add(new Span.Types.Event { Name = "earlier", TimeUnixNano = 200 });

        Spans(Combine(0, Fragment(Batch("svc", span))))[0].Events.Select(e => e.Name).Should().Equal("later", "earlier");
    }

    [Fact]
    public void A_fragment_that_does_not_parse_is_skipped()
    {
        var corrupt = new byte[] { 0x0a, 0xff, 0xff, 0x01 };
        var result = Combine(0, corrupt, Fragment(Batch("svc", NewSpan(1, 100))), new byte[] { 0xff });

        Spans(result).Should().ContainSingle();
        result.Partial.Should().BeFalse();
    }

    [Fact]
    public void Only_corrupt_fragments_mean_not_found()
    {
        Combine(0, new byte[] { 0x0a, 0x05 }).Found.Should().BeFalse();
        Combine(0).Found.Should().BeFalse();
    }

    [Fact]
    public void Exceeding_max_trace_bytes_stops_adding_fragments_and_reports_partial()
    {
        var first = Fragment(Batch("svc", NewSpan(1, 100)));
        var second = Fragment(Batch("svc", NewSpan(2, 200)));
        var third = Fragment(Batch("svc", NewSpan(3, 300)));
        var limit = first.Length + 10; // the first fits, the second crosses the limit, the third is not added

        var result = Combine(limit, first, second, third);

        result.Partial.Should().BeTrue();
        result.Message.Should().Be($"Trace exceeds maximum size of {limit} bytes, a partial trace is returned");
        Spans(result).Select(s => s.Name).Should().Equal("span-1", "span-2");
    }

    [Fact]
    public void Within_max_trace_bytes_the_result_is_complete()
    {
        var first = Fragment(Batch("svc", NewSpan(1, 100)));
        var second = Fragment(Batch("svc", NewSpan(2, 200)));

        var result = Combine((first.Length + second.Length) * 2, first, second);

        result.Partial.Should().BeFalse();
        result.Message.Should().BeNull();
        Spans(result).Should().HaveCount(2);
    }

    [Fact]
    public void Zipkin_server_span_sharing_its_id_with_the_client_span_gets_a_new_id()
    {
        // Tempo's trace_by_id_deduper: the server span gets the smallest unused ID, the shared ID becomes its parent,
        // and the server span's children are re-parented onto the new ID.
        var client = NewSpan(5, 100, Kind.Client);
        var server = NewSpan(5, 110, Kind.Server);
        var child = NewSpan(7, 120);
        child.ParentSpanId = ByteString.CopyFrom(SpanIdOf(5));
        var root = NewSpan(1, 90);

        var spans = Spans(Combine(0, Fragment(Batch("svc", root, client, server, child))));

        var renamedServer = spans.Single(s => s.Kind == Kind.Server);
        renamedServer.SpanId.ToByteArray().Should().Equal(SpanIdOf(2), "IDs 1 is used; 2 is the smallest free one");
        renamedServer.ParentSpanId.ToByteArray().Should().Equal(SpanIdOf(5));
        spans.Single(s => s.Name == "span-7").ParentSpanId.ToByteArray().Should().Equal(SpanIdOf(2));
        spans.Single(s => s.Kind == Kind.Client).SpanId.ToByteArray().Should().Equal(SpanIdOf(5));
    }

    [Fact]
    public void Token_is_fnv1_64_over_span_id_then_kind_little_endian()
    {
        // FNV-1 64 of the 12 bytes 00..07 (span ID) + 02 00 00 00 (SERVER), computed independently below.
        byte[] id = [0, 1, 2, 3, 4, 5, 6, 7];
        ulong expected = 14695981039346656037UL;
        foreach (var b in id.Concat(new byte[] { 2, 0, 0, 0 }))
        {
            expected = unchecked(expected * 1099511628211UL) ^ b;
        }

        TraceCombiner.Token(id, Kind.Server).Should().Be(expected);
        TraceCombiner.Token(id, Kind.Client).Should().NotBe(expected);
    }

    [Fact]
    public void Attribute_values_survive_combining_unchanged()
    {
        var span = NewSpan(1, 100);
        span.Attributes.Add(Attr("k", new AnyValue { IntValue = long.MinValue }));

        Spans(Combine(0, Fragment(Batch("svc", span)), Fragment(Batch("svc", NewSpan(2, 50)))))
            .Single(s => s.Name == "span-1").Should().Be(span);
    }
}
