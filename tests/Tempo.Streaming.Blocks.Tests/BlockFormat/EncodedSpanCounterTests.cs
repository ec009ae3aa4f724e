using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using Tempo.Streaming.Blocks.BlockFormat;
using Tempo.Streaming.Blocks.Tests.VParquet4;
using Tempo.Streaming.Blocks.VParquet4;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.Tests.BlockFormat;

/// <summary>The counter over encoded fragments must agree with combining the parsed fragments, duplicate for duplicate.</summary>
public sealed class EncodedSpanCounterTests
{
    private static readonly ReadOnlyMemory<byte> TraceId = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

    private static Trace TraceOf(params (int Id, SpanKind Kind)[] spans)
    {
        var scope = new ScopeSpans();
        foreach (var (id, kind) in spans)
        {
            scope.Spans.Add(new Span
            {
                TraceId = ByteString.CopyFrom(TraceId.Span), SpanId = ByteString.CopyFrom(BitConverter.GetBytes((long)id)), Kind = kind, Name = $"span-{id}",
            });
        }
        return new Trace { ResourceSpans = { new ResourceSpans { ScopeSpans = { scope } } } };
    }

    public static TheoryData<string, Trace[]> Cases => new()
    {
        { "one fragment", [TraceOf((1, SpanKind.Server), (2, SpanKind.Client))] },
        { "duplicates inside the only fragment are all kept", [TraceOf((1, SpanKind.Server), (1, SpanKind.Server))] },
        { "duplicates inside the first fragment are kept, later copies are not", [TraceOf((1, SpanKind.Server), (1, SpanKind.Server)), TraceOf((1, SpanKind.Server), (3, SpanKind.Internal))] },
        { "a retried batch adds nothing", [TraceOf((1, SpanKind.Server), (2, SpanKind.Client)), TraceOf((2, SpanKind.Client), (1, SpanKind.Server))] },
        { "same span ID, other kind is another span", [TraceOf((1, SpanKind.Server)), TraceOf((1, SpanKind.Client))] },
        { "duplicates inside a later fragment count once", [TraceOf((1, SpanKind.Server)), TraceOf((2, SpanKind.Client), (2, SpanKind.Client))] },
        { "a first fragment without spans", [new Trace(), TraceOf((5, SpanKind.Producer))] },
        { "no spans at all", [new Trace(), new Trace { ResourceSpans = { new ResourceSpans { ScopeSpans = { new ScopeSpans() } } } }] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Counts_what_combining_the_parsed_fragments_keeps(string because, Trace[] fragments)
    {
        var combined = TraceFragmentCombiner.CombineOne(fragments.Select(f => new TraceFragment(TraceId, f)));
        var expected = combined is null ? 0 : DedicatedColumnSelector.SpanCount(combined);

        var (count, fragmentSpans) = new EncodedSpanCounter().Count(fragments.Select(f => (ReadOnlyMemory<byte>)f.ToByteArray()));

        count.Should().Be(expected, because);
        fragmentSpans.Should().Be(fragments.Sum(f => (long)DedicatedColumnSelector.SpanCount(f)), because);
    }

    [Fact]
    public void Agrees_with_combining_on_random_traces_and_is_reusable()
    {
        var random = new RandomTraces(seed: 77);
        var counter = new EncodedSpanCounter();
        for (var i = 0; i < 200; i++)
        {
            var id = random.NextTraceId();
            var whole = random.NextTrace(id, 1_700_000_000_000_000_000UL);
            Trace[] fragments = i % 3 == 0 ? [whole, whole.Clone()] : i % 3 == 1 ? [new Trace { ResourceSpans = { whole.ResourceSpans[0] } }, whole] : [whole];
            var expected = DedicatedColumnSelector.SpanCount(TraceFragmentCombiner.CombineOne(fragments.Select(f => new TraceFragment(id, f)))!);

            counter.Count(fragments.Select(f => (ReadOnlyMemory<byte>)f.ToByteArray())).Combined.Should().Be(expected);
        }
    }
}
