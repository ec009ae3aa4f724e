using Tempo.Streaming.Core;
using Tempo.Streaming.Core.Querying;
using Tempo.Streaming.Query.Search;
using Tempo.Streaming.TraceQL.Ast;
using AttributeScope = Tempo.Streaming.Core.Querying.AttributeScope;
using Tempo.Streaming.TraceQL.Engine;

namespace Tempo.Streaming.Query.Tags;

/// <summary>
/// The tag names or values of the spans a filter matches (<see cref="TagFilterQuery"/>): the search sources hand over
/// their candidate traces, the filter picks the spans, and <c>collect</c> takes each matching span until it says stop
/// (the request's <c>limit</c> or <c>maxStaleValues</c>). Thread-safe: the live store and the blocks feed it at once.
/// </summary>
internal sealed class MatchingSpanTags(TraceQLSearch filter, QueryWindow window, Func<EvalSpan, bool> collect) : ITraceSink
{
    private readonly Lock _lock = new();
    private bool _enough;
    private long _inspectedBytes;

    public QueryWindow Window => window;

    public bool Enough => Volatile.Read(ref _enough);

    public long InspectedBytes => Interlocked.Read(ref _inspectedBytes);

    public void Add(EvalTrace trace)
    {
        if (!window.Overlaps(trace.StartUnixNanos, trace.EndUnixNanos))
        {
            return;
        }

        var spansets = filter.Evaluate(trace);
        lock (_lock)
        {
            foreach (var spanset in spansets)
            {
                foreach (var span in spanset.Spans)
                {
                    if (_enough)
                    {
                        return;
                    }

                    if (collect(span))
                    {
                        Volatile.Write(ref _enough, true);
                    }
                }
            }
        }
    }

    public void CountInspected(long traces, long bytes) => Interlocked.Add(ref _inspectedBytes, bytes);

    /// <summary>Runs the filter over every source and returns the bytes they read.</summary>
    public static async Task<long> CollectAsync(IReadOnlyList<ISearchSource> sources, string tenant, RootExpression filter, QueryWindow window,
        Func<EvalSpan, bool> collect, CancellationToken cancellationToken)
    {
        var search = TraceQLSearch.Compile(filter);
        var sink = new MatchingSpanTags(search, window, collect);
        var jobs = new SearchJobs();
        await Task.WhenAll(sources.Select(source =>
                Task.Run(() => source.SearchAsync(tenant, search.Condition, sink, jobs, cancellationToken), cancellationToken)))
            .ConfigureAwait(false);
        return sink.InspectedBytes;
    }

    /// <summary>The attribute names a span carries in <paramref name="scope"/> (events' and links' names for those scopes).</summary>
    public static IEnumerable<string> NamesOf(EvalSpan span, AttributeScope scope) => scope switch
    {
        AttributeScope.Span => span.Attributes.Keys,
        AttributeScope.Resource => span.Resource.Attributes.Keys,
        AttributeScope.Instrumentation => span.Scope.Attributes.Keys,
        AttributeScope.Event => span.Events.SelectMany(e => e.Attributes.Keys),
        AttributeScope.Link => span.Links.SelectMany(l => l.Attributes.Keys),
        _ => [],
    };

    /// <summary>
    /// The values of <paramref name="tag"/> a span shows, typed as the tag index types them: an unscoped attribute's
    /// in both the span and the resource scope, event and link attributes of every event and link, intrinsics that
    /// have text values (names, status message, root name and service, event names, instrumentation name and version).
    /// </summary>
    public static IEnumerable<TypedTagValue> ValuesOf(EvalSpan span, TagIdentifier tag)
    {
        switch (tag.Kind)
        {
            case TagIdentifierKind.UnscopedAttribute:
                return Typed(span.Attributes, tag.Name).Concat(Typed(span.Resource.Attributes, tag.Name));
            case TagIdentifierKind.ScopedAttribute:
                return tag.Scope switch
                {
                    AttributeScope.Span => Typed(span.Attributes, tag.Name),
                    AttributeScope.Resource => Typed(span.Resource.Attributes, tag.Name),
                    AttributeScope.Instrumentation => Typed(span.Scope.Attributes, tag.Name),
                    AttributeScope.Event => span.Events.SelectMany(e => Typed(e.Attributes, tag.Name)),
                    AttributeScope.Link => span.Links.SelectMany(l => Typed(l.Attributes, tag.Name)),
                    _ => [],
                };
            default:
                return IntrinsicTexts(span, tag.Name).Where(t => t.Length > 0).Select(t => new TypedTagValue(TagValueType.String, t));
        }
    }

    private static IEnumerable<string> IntrinsicTexts(EvalSpan span, string intrinsic) => intrinsic switch
    {
        Intrinsics.Name => [span.Name],
        Intrinsics.StatusMessage => [span.StatusMessage],
        Intrinsics.RootName => span.Trace.RootSpanName is { } name ? [name] : [],
        Intrinsics.RootServiceName => span.Trace.RootServiceName is { } service ? [service] : [],
        Intrinsics.EventName => span.Events.Select(e => e.Name),
        Intrinsics.InstrumentationName => [span.Scope.Name],
        Intrinsics.InstrumentationVersion => [span.Scope.Version],
        _ => [],
    };

    private static IEnumerable<TypedTagValue> Typed(Dictionary<string, Static> attributes, string name)
    {
        if (!attributes.TryGetValue(name, out var value))
        {
            yield break;
        }

        switch (value.Type)
        {
            case StaticType.String:
                yield return new TypedTagValue(TagValueType.String, value.String);
                break;
            case StaticType.Int:
                yield return new TypedTagValue(TagValueType.Int, value.Int.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case StaticType.Float:
                yield return new TypedTagValue(TagValueType.Float, GoFloat.FormatG(value.Float));
                break;
            case StaticType.Boolean:
                yield return new TypedTagValue(TagValueType.Bool, value.Bool ? "true" : "false");
                break;
        }
    }
}
