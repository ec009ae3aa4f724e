using Tempo.Streaming.Blocks.VParquet4;
using Tempo.Streaming.Core.Ids;
using Trace = Tempo.Streaming.Tempopb.Trace;

namespace Tempo.Streaming.Blocks.BlockFormat;

/// <summary>
/// A block's traces as groups of fragments, so a block can be written without holding it in memory (a live store's
/// 64 MiB cut parsed whole is over a gigabyte of objects): each group is one trace's fragments in log order, groups in
/// ascending 16-byte-padded trace-ID order, one group per ID. The writer enumerates the groups more than once
/// (<see cref="TraceGroupSurvey"/>, the dedicated-column sample, the rows); a group's fragments are read only when
/// that group is enumerated.
/// </summary>
public interface ITraceFragmentGroups
{
    IEnumerable<IEnumerable<TraceFragment>> Groups();

    /// <summary>
    /// The same groups as encoded <c>tempopb.Trace</c> bytes, fragment for fragment, when the source has them (the
    /// memories of a group stay valid until the enumeration moves to the next group): the survey then counts and the
    /// row writer writes without parsing (<see cref="VParquet4.EncodedTrace"/>). Null: only parsed fragments.
    /// </summary>
    IEnumerable<EncodedFragmentGroup>? EncodedGroups() => null;
}

/// <summary>One trace's encoded <c>tempopb.Trace</c> fragments in log order, and its trace ID as stored.</summary>
public readonly record struct EncodedFragmentGroup(ReadOnlyMemory<byte> TraceId, IReadOnlyList<ReadOnlyMemory<byte>> Fragments);

/// <summary>
/// What the block of an <see cref="ITraceFragmentGroups"/> will hold, counted one trace at a time before it is written.
/// <see cref="FragmentSpans"/> is the lineage's span count (every span of every fragment, as the list overload's
/// callers count them); <see cref="Traces"/> counts the combined traces that have spans, <see cref="Spans"/> their spans.
/// </summary>
public sealed class TraceGroupSurvey
{
    private readonly List<int> _spansPerGroup;

    private TraceGroupSurvey(List<int> spansPerGroup, int traces, long spans, long fragmentSpans, bool spansExact)
    {
        _spansPerGroup = spansPerGroup;
        Traces = traces;
        Spans = spans;
        FragmentSpans = fragmentSpans;
        SpansExact = spansExact;
    }

    public int Traces { get; }

    /// <summary>The combined traces' spans; an upper bound when <see cref="SpansExact"/> is false.</summary>
    public long Spans { get; }

    public long FragmentSpans { get; }

    /// <summary>
    /// False for a survey <see cref="FromStoredCounts">from stored counts</see>: a span repeated in a later fragment
    /// counts again in <see cref="Spans"/> (the rows still hold it once; only the dedicated-column sample needs the
    /// exact figure).
    /// </summary>
    public bool SpansExact { get; }

    /// <summary>The combined spans of the group at <paramref name="ordinal"/> (0: it makes no row).</summary>
    public int SpansOfGroup(int ordinal) => _spansPerGroup[ordinal];

    public int Groups => _spansPerGroup.Count;

    /// <summary>
    /// The survey without reading a fragment, from each group's span count summed over its fragments as the source
    /// counted them when storing (a live store counts every fragment it consumes). Exact for the lineage and for which
    /// groups make a row — a group makes one as soon as any fragment has a span, since combining keeps the first
    /// fragment whole and every later span not seen before — and an upper bound for <see cref="Spans"/>.
    /// </summary>
    public static TraceGroupSurvey FromStoredCounts(IEnumerable<int> fragmentSpansPerGroup)
    {
        ArgumentNullException.ThrowIfNull(fragmentSpansPerGroup);
        var spansPerGroup = new List<int>();
        var withSpans = 0;
        long spans = 0;
        foreach (var count in fragmentSpansPerGroup)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(fragmentSpansPerGroup));
            spansPerGroup.Add(count);
            if (count > 0)
            {
                withSpans++;
                spans += count;
            }
        }
        return new TraceGroupSurvey(spansPerGroup, withSpans, spans, spans, spansExact: false);
    }

    public static TraceGroupSurvey Take(ITraceFragmentGroups traces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var spansPerGroup = new List<int>();
        var withSpans = 0;
        long spans = 0;
        long fragmentSpans = 0;
        foreach (var (count, groupFragmentSpans) in CountGroups(traces))
        {
            if ((spansPerGroup.Count & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            fragmentSpans += groupFragmentSpans;
            spansPerGroup.Add(count);
            if (count > 0)
            {
                withSpans++;
                spans += count;
            }
        }
        return new TraceGroupSurvey(spansPerGroup, withSpans, spans, fragmentSpans, spansExact: true);
    }

    /// <summary>Per group: the combined trace's spans and all its fragments' spans, from the encoded bytes when there are any.</summary>
    private static IEnumerable<(int Combined, long FragmentSpans)> CountGroups(ITraceFragmentGroups traces)
    {
        if (traces.EncodedGroups() is { } encoded)
        {
            var counter = new EncodedSpanCounter();
            foreach (var group in encoded)
            {
                yield return counter.Count(group.Fragments);
            }
            yield break;
        }
        foreach (var group in traces.Groups())
        {
            var fragments = group as IReadOnlyCollection<TraceFragment> ?? group.ToList();
            long fragmentSpans = 0;
            foreach (var fragment in fragments)
            {
                fragmentSpans += DedicatedColumnSelector.SpanCount(fragment.Trace);
            }
            var combined = TraceFragmentCombiner.CombineOne(fragments);
            yield return (combined is null ? 0 : DedicatedColumnSelector.SpanCount(combined), fragmentSpans);
        }
    }

    /// <summary>The traces with spans, in ID order, read group by group (encoded when the source has the bytes).</summary>
    internal IEnumerable<SortedRow> Combined(ITraceFragmentGroups traces)
    {
        var padded = new byte[TraceId.Length];
        var ordinal = 0;
        if (traces.EncodedGroups() is { } encoded)
        {
            foreach (var group in encoded)
            {
                if (NextGroupHasSpans(ref ordinal))
                {
                    yield return new SortedRow(PaddedId(group.TraceId.Span, padded), new EncodedTrace(group.Fragments));
                }
            }
            yield break;
        }
        foreach (var group in traces.Groups())
        {
            if (!NextGroupHasSpans(ref ordinal))
            {
                continue;
            }
            var fragments = group as IReadOnlyList<TraceFragment> ?? group.ToList();
            var combined = TraceFragmentCombiner.CombineOne(fragments)
                ?? throw new InvalidOperationException("the trace groups changed between the survey and the write (a trace lost its spans)");
            yield return new SortedRow(PaddedId(fragments[0].TraceId.Span, padded), EncodedTrace.Of(combined));
        }
    }
    /// <summary>Steps past the next group; false when it makes no row (no spans).</summary>
    private bool NextGroupHasSpans(ref int ordinal)
    {
        if (ordinal >= _spansPerGroup.Count)
        {
            throw new InvalidOperationException("the trace groups changed between the survey and the write (more groups)");
        }
        return _spansPerGroup[ordinal++] > 0;
    }

    private static TraceId PaddedId(ReadOnlySpan<byte> traceId, byte[] padded)
    {
        if (traceId.Length > TraceId.Length)
        {
            throw new ArgumentException($"trace ID of {traceId.Length} bytes; trace IDs are at most {TraceId.Length} bytes");
        }
        TraceId.PadTo16Bytes(traceId, padded);
        return TraceId.FromBytes(padded);
    }

    /// <summary>The same sample <see cref="DedicatedColumnSelector.Select{T}"/> draws from the list of combined traces.</summary>
    internal List<Trace> DedicatedColumnSample(ITraceFragmentGroups traces)
    {
        var stride = DedicatedColumnSelector.SampleStride(Spans, Traces);
        var sample = new List<Trace>(Traces / stride + 1);
        var ordinal = 0;
        var withSpans = 0;
        foreach (var group in traces.Groups())
        {
            if (_spansPerGroup[ordinal++] == 0)
            {
                continue; // not read
            }
            if (withSpans++ % stride == 0)
            {
                sample.Add(TraceFragmentCombiner.CombineOne(group)
                    ?? throw new InvalidOperationException("the trace groups changed between the survey and the sample"));
            }
        }
        return sample;
    }
}
